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
    registered_partner: str | None = None


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


class ChangePayload(EventPayload):
    """A change request's move: its number, kind, delta and, once approved, the new version."""

    change: str
    number: str
    kind: str
    delta: str
    currency: str
    needs_atac: bool = False
    review: str | None = None
    version: int | None = None
    effective_on: str | None = None


class EvaluationPayload(EventPayload):
    margin_atb_pct: str | None = None
    margin_actual_pct: str | None = None
    days_to_90pct_collected: int | None = None
    change_count: int = 0
    final: bool = False


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
CONTRACT_CHANGE_PENDING = register("contracts.contract.change_pending", _("Contract change submitted"),
                                   ContractStatusChanged)
CONTRACT_CHANGE_SETTLED = register("contracts.contract.change_settled", _("Contract change decided"),
                                   ContractStatusChanged)
CHANGE_CREATED = register("contracts.change.created", _("Change request drafted"), ChangePayload)
CHANGE_STATUS_CHANGED = register("contracts.change.status_changed", _("Change request status changed"), ChangePayload)
CHANGE_SUBMITTED = register("contracts.change.submitted", _("Change request submitted"), ChangePayload)
CHANGE_APPROVED = register("contracts.change.approved", _("Change request approved"), ChangePayload)
CHANGE_REJECTED = register("contracts.change.rejected", _("Change request rejected"), ChangePayload)
CHANGE_WITHDRAWN = register("contracts.change.withdrawn", _("Change request withdrawn"), ChangePayload)
# Recorded on the contract after the approved change is applied (new version, lines, sites): billing
# subscribes and recomputes the unbilled part of the milestones in the same transaction.
CHANGE_APPLIED = register("contracts.change.applied", _("Contract change applied"), ChangePayload)
EVALUATION_SAVED = register("contracts.evaluation.saved", _("Contract evaluation saved"), EvaluationPayload)
