"""Certification per product category (domain.md 8.1, 11.11) and its daily sweep.

A certification is ACTIVE while its dates hold; 90 days before ``valid_to`` it becomes EXPIRING and the
partner and its channel manager are told; renewal moves it back to ACTIVE with new dates. Each required
expert role (sales, pre-sales, post-sales) must be filled by a current staff member holding a valid
individual certificate in the category; a role unfilled for 90 days makes it NON_COMPLIANT, which blocks
new deal registrations (and lead offers) in the category until the experts are back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor

from .. import events, selectors
from ..models import ExpertRole, IndividualCertificate, Partner, PartnerCertification, PartnerStaff
from ..states import CERTIFICATION_MACHINE
from ..states import CertificationStatus as C
from .partners import _partner_or_channel, _people_of, require_channel

RENEWAL_NOTICE_DAYS = 90
EXPERT_GRACE_DAYS = 90


def certificate_record(*, actor: Actor, staff: PartnerStaff, product_category: str, role: str,
                       valid_from: dt.date, valid_to: dt.date, number: str = "", source: str = "manual",
                       external_id: str = "") -> IndividualCertificate:
    """Record an individual certificate (the enablement app will feed these with ``source="enablement"``)."""
    _partner_or_channel(actor, staff.partner)
    errors = FieldErrors()
    if role not in ExpertRole.values:
        errors.add("role", _("Choose sales, pre-sales or post-sales."))
    if not (product_category or "").strip():
        errors.add("product_category", _("Name the product category."))
    if valid_to < valid_from:
        errors.add("valid_to", _("The certificate cannot end before it starts."))
    errors.raise_if_any()
    return IndividualCertificate.objects.create(staff=staff, product_category=product_category.strip(), role=role,
                                                valid_from=valid_from, valid_to=valid_to, number=number,
                                                source=source, external_id=external_id)


def certification_apply(*, actor: Actor, partner: Partner, product_category: str, valid_from: dt.date,
                        valid_to: dt.date, level: str = "") -> PartnerCertification:
    _partner_or_channel(actor, partner)
    if valid_to < valid_from:
        raise ValidationFailed(_("The certification cannot end before it starts."), field="valid_to")
    if selectors.certification_for(partner, product_category) is not None:
        raise ValidationFailed(_("The partner already has a certification in this category."),
                               field="product_category", code="duplicate")
    if not (product_category or "").strip():
        raise ValidationFailed(_("Name the product category."), field="product_category")
    with transaction.atomic():
        certification = PartnerCertification.objects.create(
            partner=partner, product_category=product_category.strip(), level=(level or "").strip(),
            valid_from=valid_from, valid_to=valid_to)
        core_events.record(events.CERTIFICATION_APPLIED, certification, actor=actor, to_state=C.APPLIED,
                           payload=_payload(certification))
    return certification


def _payload(cert: PartnerCertification, missing: list[str] | None = None) -> dict:
    return {"product_category": cert.product_category, "missing_roles": missing or [],
            "valid_to": cert.valid_to.isoformat()}


def certification_grant(*, actor: Actor, certification: PartnerCertification) -> PartnerCertification:
    """APPLIED → ACTIVE: the channel manager grants it once every required expert role is filled."""
    require_channel(actor)
    missing = selectors.missing_experts(partner=certification.partner, product_category=certification.product_category)
    if missing:
        raise ValidationFailed(
            _("Required experts missing: %(roles)s.") % {"roles": ", ".join(str(ExpertRole(r).label) for r in missing)},
            field="experts", code="experts_missing")
    return CERTIFICATION_MACHINE.apply(certification, C.ACTIVE, actor=actor, payload=_payload(certification))


def certification_renew(*, actor: Actor, certification: PartnerCertification, valid_to: dt.date) -> PartnerCertification:
    require_channel(actor)
    if valid_to <= certification.valid_to:
        raise ValidationFailed(_("A renewal extends the validity."), field="valid_to")
    return CERTIFICATION_MACHINE.apply(certification, C.ACTIVE, actor=actor, changes={"valid_to": valid_to},
                                       payload={**_payload(certification), "valid_to": valid_to.isoformat()})


def certification_sweep(today: dt.date | None = None) -> dict[str, int]:
    """The daily sweep: lapse, EXPIRING notices, missing experts and NON_COMPLIANT, compliance restored."""
    day = today or timezone.localdate()
    moved = {"lapsed": 0, "expiring": 0, "non_compliant": 0, "restored": 0}
    live = PartnerCertification.objects.filter(status__in=[C.ACTIVE, C.EXPIRING, C.NON_COMPLIANT]).select_related(
        "partner")
    for cert in live:
        with transaction.atomic():
            cert = PartnerCertification.objects.select_for_update().select_related("partner").get(pk=cert.pk)
            if cert.valid_to < day:
                CERTIFICATION_MACHINE.apply(cert, C.LAPSED, held=True, payload=_payload(cert))
                moved["lapsed"] += 1
                continue
            missing = selectors.missing_experts(partner=cert.partner, product_category=cert.product_category, on=day)
            if missing and cert.expert_missing_since is None:
                cert.expert_missing_since = day
                cert.save(update_fields=["expert_missing_since"])
            elif not missing and cert.expert_missing_since is not None:
                cert.expert_missing_since = None
                cert.save(update_fields=["expert_missing_since"])
            if cert.status == C.NON_COMPLIANT:
                if not missing:
                    CERTIFICATION_MACHINE.apply(cert, C.ACTIVE, held=True, payload=_payload(cert),
                                                context={"missing": missing})
                    moved["restored"] += 1
                continue
            if missing and (day - cert.expert_missing_since).days >= EXPERT_GRACE_DAYS:
                CERTIFICATION_MACHINE.apply(cert, C.NON_COMPLIANT, held=True, payload=_payload(cert, missing),
                                            reason=", ".join(missing))
                _tell(cert, gettext_noop("Certification %(category)s is non-compliant: new registrations blocked"))
                moved["non_compliant"] += 1
            elif cert.status == C.ACTIVE and (cert.valid_to - day).days <= RENEWAL_NOTICE_DAYS:
                CERTIFICATION_MACHINE.apply(cert, C.EXPIRING, held=True, payload=_payload(cert))
                _tell(cert, gettext_noop("Certification %(category)s expires on %(date)s: renew it"))
                moved["expiring"] += 1
    return moved


def _tell(cert: PartnerCertification, text: str) -> None:
    for user in _people_of(cert.partner):
        notify(user, title=message(text, category=cert.product_category, date=cert.valid_to.isoformat()),
               kind="partners.certification", subject=cert.partner)
