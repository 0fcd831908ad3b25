"""Execution records: customer POs, shipments per site and acceptance certificates with their evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.money import normalise_currency, to_decimal
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import AcceptanceCertificate, Contract, PurchaseOrder, Shipment
from ..selectors import acceptance_coverage
from ..states import (
    CONTRACT_MACHINE,
    DELIVERING_STATUSES,
    CertificateType,
    ContractStatus,
    PurchaseOrderStatus,
)
from ._common import check_upload, clean_name, require_status, require_work

EXECUTING = (ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING)


def _date(value: Any, *, field: str, errors: FieldErrors, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.add(field, _("A date is required."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, _("Use a date like 2026-06-30."))
            return None
    if day > timezone.localdate():
        errors.add(field, _("The date cannot be in the future."))
        return None
    return day


@transaction.atomic
def purchase_order_record(*, contract: Contract, actor: Actor, number: str, issued_on: Any, amount: Any,
                          currency: str | None = None, note: str = "", upload: UploadedFile | None = None
                          ) -> PurchaseOrder:
    """Receive a customer PO and check it against the contract: same currency and within the value not yet
    ordered means CONFIRMED; otherwise it goes to PO clarification."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, DELIVERING_STATUSES, _("Recording a PO"))
    errors = FieldErrors()
    number = (number or "").strip()
    if not number:
        errors.add("number", _("Give the customer's PO number."))
    elif locked.purchase_orders.filter(number=number).exists():
        errors.add("number", _("This PO number is already recorded on the contract."))
    day = _date(issued_on, field="issued_on", errors=errors)
    value = None
    try:
        value = to_decimal(amount, field="amount")
        if value <= 0:
            errors.add("amount", _("The amount must be above zero."))
    except ValidationFailed as exc:
        errors.add("amount", exc.detail)
    try:
        code = normalise_currency(currency or locked.currency)
    except ValidationFailed as exc:
        errors.add("currency", exc.detail)
        code = locked.currency
    try:
        check_upload(upload, field="file")
    except ValidationFailed as exc:
        errors.add("file", exc.detail)
    errors.raise_if_any()
    ordered = locked.purchase_orders.exclude(status=PurchaseOrderStatus.CLARIFICATION).aggregate(
        s=Sum("amount"))["s"] or Decimal(0)
    matches = code == locked.currency and ordered + value <= locked.total_value
    po = PurchaseOrder(contract=locked, number=number[:60], issued_on=day, amount=value, currency=code,
                       note=(note or "").strip(), created_by=authenticated(actor),
                       status=PurchaseOrderStatus.CONFIRMED if matches else PurchaseOrderStatus.CLARIFICATION)
    if upload is not None:
        po.file.save(clean_name(upload), upload, save=False)
    po.save()
    core_events.record(events.PO_RECORDED, locked, actor=actor, payload={
        "purchase_order": str(po.pk), "number": po.number, "amount": str(po.amount), "currency": po.currency,
        "status": po.status,
    })
    return po


@transaction.atomic
def shipment_record(*, contract: Contract, actor: Actor, description: str, shipped_on: Any, site: Any = None,
                    delivered_on: Any = None, upload: UploadedFile | None = None) -> Shipment:
    """Record goods shipped to a site (or the whole contract), and their arrival when known."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, EXECUTING, _("Recording a shipment"))
    errors = FieldErrors()
    description = (description or "").strip()
    if not description:
        errors.add("description", _("Say what was shipped."))
    shipped = _date(shipped_on, field="shipped_on", errors=errors)
    delivered = _date(delivered_on, field="delivered_on", errors=errors, required=False)
    if shipped and delivered and delivered < shipped:
        errors.add("delivered_on", _("Delivery cannot be before the shipment."))
    place = None
    if site not in (None, ""):
        place = locked.sites.filter(pk=getattr(site, "pk", site)).first() if _is_uuid(site) else None
        if place is None:
            errors.add("site", _("Choose one of the contract's sites."))
    elif locked.sites.exists():
        errors.add("site", _("Choose the site the goods go to."))
    try:
        check_upload(upload, field="delivery_note")
    except ValidationFailed as exc:
        errors.add("delivery_note", exc.detail)
    errors.raise_if_any()
    shipment = Shipment(contract=locked, site=place, description=description[:300], shipped_on=shipped,
                        delivered_on=delivered, created_by=authenticated(actor))
    if upload is not None:
        shipment.delivery_note.save(clean_name(upload), upload, save=False)
    shipment.save()
    core_events.record(events.SHIPMENT_RECORDED, locked, actor=actor, payload={
        "shipment": str(shipment.pk), "site": place.name if place else None, "shipped_on": str(shipped),
        "delivered_on": str(delivered) if delivered else None,
    })
    return shipment


def _is_uuid(value: Any) -> bool:
    import uuid

    if hasattr(value, "pk"):
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def certificate_record(*, contract: Contract, actor: Actor, type: str, signed_on: Any, signatory: str,
                       sites: list[Any] | None = None, whole_contract: bool = False, scope_note: str = "",
                       upload: UploadedFile | None = None) -> AcceptanceCertificate:
    """Record an acceptance certificate (delivery, PAC, FAC, service) for some sites or the whole contract.

    A site is accepted once per certificate type. When final acceptance then covers all of the value,
    the contract becomes FULFILLED.
    """
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, EXECUTING, _("Recording an acceptance"))
    errors = FieldErrors()
    if type not in CertificateType.values:
        errors.add("type", _("Choose delivery, PAC, FAC or service acceptance."))
    day = _date(signed_on, field="signed_on", errors=errors)
    if day and locked.signed_on and day < locked.signed_on:
        errors.add("signed_on", _("An acceptance cannot be before the contract's signature."))
    signatory = (signatory or "").strip()
    if not signatory:
        errors.add("signatory", _("Name the customer's signatory."))
    chosen = []
    all_sites = {str(s.pk): s for s in locked.sites.all()}
    for i, ref in enumerate(sites or []):
        site = all_sites.get(str(getattr(ref, "pk", ref)))
        if site is None:
            errors.add(f"sites.{i}", _("Choose one of the contract's sites."))
        else:
            chosen.append(site)
    if all_sites and not chosen and not whole_contract:
        errors.add("sites", _("Choose the sites this certificate covers, or the whole contract."))
    if not all_sites:
        whole_contract = True
    if type in CertificateType.values and not errors:
        done = AcceptanceCertificate.objects.filter(contract=locked, type=type)
        if done.filter(whole_contract=True).exists():
            errors.add("type", _("The whole contract already has this acceptance."))
        else:
            twice = sorted({s.name for s in chosen if done.filter(sites=s).exists()})
            if whole_contract and done.exists():
                twice = twice or sorted({s.name for c in done for s in c.sites.all()})
            if twice:
                errors.add("sites", _("Already accepted with this certificate type: %(sites)s.")
                           % {"sites": ", ".join(twice)})
    try:
        check_upload(upload, field="evidence")
    except ValidationFailed as exc:
        errors.add("evidence", exc.detail)
    errors.raise_if_any()
    covered = locked.total_value if whole_contract else sum(
        (locked.total_value * s.share_pct / Decimal(100) for s in chosen), Decimal(0))
    cert = AcceptanceCertificate(contract=locked, type=type, whole_contract=whole_contract, signed_on=day,
                                 signatory=signatory[:120], scope_note=(scope_note or "").strip()[:300],
                                 value_covered=covered.quantize(Decimal("0.01")), created_by=authenticated(actor))
    if upload is not None:
        cert.evidence.save(clean_name(upload), upload, save=False)
    cert.save()
    if chosen:
        cert.sites.set(chosen)
    core_events.record(events.CERTIFICATE_RECORDED, locked, actor=actor, payload={
        "certificate": str(cert.pk), "type": type, "sites": [s.name for s in chosen], "signed_on": str(day),
        "signatory": cert.signatory,
    })
    if locked.status == ContractStatus.IN_EXECUTION and acceptance_coverage(locked)["final_pct"] >= 100:
        CONTRACT_MACHINE.apply(locked, ContractStatus.FULFILLED, actor=actor, context={"actor": actor},
                               reason=gettext_noop("Final acceptance covers the whole contract."))
    return cert
