"""Event types of the contracts app and their payloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from m2c.core.events import EventPayload, NoPayload, register


class ContractCreated(EventPayload):
    """A contract registered from a won deal: where it came from and what it is worth."""

    number: str
    opportunity: str | None = None
    quote: str | None = None
    quote_version: int | None = None
    atc_review: str | None = None
    total: str
    currency: str


class ContractStatusChanged(EventPayload):
    review: str | None = None
    delivery_project: str | None = None
    pm: str | None = None


class SiteChanged(EventPayload):
    site: str
    name: str
    share_pct: str


class PurchaseOrderRecorded(EventPayload):
    purchase_order: str
    number: str
    amount: str
    currency: str
    status: str


class ShipmentRecorded(EventPayload):
    shipment: str
    site: str | None = None
    shipped_on: str
    delivered_on: str | None = None


class CertificateRecorded(EventPayload):
    certificate: str
    type: str
    sites: list[str]
    signed_on: str
    signatory: str


class ReviewOpened(EventPayload):
    review: str
    gate: str


CONTRACT_CREATED = register("contracts.contract.created", _("Contract registered from the won deal"), ContractCreated)
CONTRACT_STATUS_CHANGED = register("contracts.contract.status_changed", _("Contract status changed"), ContractStatusChanged)
CONTRACT_SIGNED = register("contracts.contract.signed", _("Contract signed"), ContractStatusChanged)
CONTRACT_HANDED_OVER = register("contracts.contract.handed_over", _("Contract handed over to delivery"),
                                ContractStatusChanged)
CONTRACT_SUSPENDED = register("contracts.contract.suspended", _("Contract suspended"), ContractStatusChanged)
CONTRACT_RESUMED = register("contracts.contract.resumed", _("Contract resumed"), ContractStatusChanged)
CONTRACT_FULFILLED = register("contracts.contract.fulfilled", _("Contract fulfilled"), ContractStatusChanged)
CONTRACT_CLOSED = register("contracts.contract.closed", _("Contract closed"), ContractStatusChanged)
CONTRACT_TERMINATED = register("contracts.contract.terminated", _("Contract terminated"), ContractStatusChanged)
SITE_ADDED = register("contracts.site.added", _("Site added"), SiteChanged)
SITE_UPDATED = register("contracts.site.updated", _("Site changed"), SiteChanged)
PO_RECORDED = register("contracts.purchase_order.recorded", _("Customer PO recorded"), PurchaseOrderRecorded)
SHIPMENT_RECORDED = register("contracts.shipment.recorded", _("Shipment recorded"), ShipmentRecorded)
CERTIFICATE_RECORDED = register("contracts.certificate.recorded", _("Acceptance certificate recorded"),
                                CertificateRecorded)
REVIEW_OPENED = register("contracts.review.opened", _("Contract gate review opened"), ReviewOpened)
VERSION_CREATED = register("contracts.version.created", _("Contract version created"), NoPayload)
