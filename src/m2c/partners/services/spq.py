"""Special-price requests (SPQ, domain.md 8.2 rule 6, 11.10).

A partner asks for discounts on the quote lines of its registered (converted) deal, at least 15 days after
the registration was submitted, unless a channel manager overrides with a logged reason. The asked prices
become a new version of the opportunity's quote, made by the opportunities' quote service on behalf of the
opportunity's owner (the preparer), and go through that service's discount authority: within the owner's
authority the version is approved at once; beyond it, a decision-body member of the level the authority
matrix requires approves it (``spq_approve``) or refuses it (``spq_reject``). The approved prices are the
quote version's; nothing is copied here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.money import to_decimal
from m2c.core.roles import Actor, authenticated
from m2c.opportunities import services as opportunity_services

from .. import events_channel as ev
from ..models import DealRegistration, SpecialPriceRequest
from ..states_channel import SPQ_MACHINE, SpqStatus
from .numbering import create_numbered
from .registrations import SPQ_WAIT_DAYS, spq_allowed


def _may_ask(actor: Actor, registration: DealRegistration, override_reason: str) -> bool:
    """Whether the request is an override; refuses anyone but the partner's own users and channel managers."""
    channel = actor is None or actor.sees_everything or actor.has_role(Role.CHANNEL_MANAGER)
    if not channel:
        if not (actor.has_role(Role.PARTNER) and getattr(actor, "partner_id", None) == registration.partner_id):
            raise PermissionDenied(_("You can ask special prices only on your own partner's registrations."))
        if override_reason.strip():
            raise PermissionDenied(_("Only a channel manager can override the 15-day wait."))
    return bool(override_reason.strip())


def _discounts(quote: Any, requested: dict[Any, Any], errors: FieldErrors) -> dict[Any, Decimal]:
    """Quote line position → asked discount %, checked against the quote's lines."""
    positions = {line.position: line for line in quote.lines.all()}
    found: dict[Any, Decimal] = {}
    for key, value in (requested or {}).items():
        try:
            position = int(key)
        except (TypeError, ValueError):
            errors.add("lines", _("“%(k)s” is not a line of the quote.") % {"k": key})
            continue
        if position not in positions:
            errors.add("lines", _("“%(k)s” is not a line of the quote.") % {"k": key})
            continue
        try:
            pct = to_decimal(value, field="lines")
        except ValidationFailed as exc:
            errors.add("lines", exc.detail)
            continue
        if not Decimal(0) <= pct <= Decimal(100):
            errors.add("lines", _("A percentage is between 0 and 100."))
            continue
        found[position] = pct
    if not found and not errors:
        errors.add("lines", _("Ask a discount on at least one quote line."))
    return found


def spq_submit(*, actor: Actor, registration: DealRegistration, discounts: dict[Any, Any], justification: str,
               override_reason: str = "", now: Any = None) -> SpecialPriceRequest:
    """Ask special prices (line position → discount %) on the registration's deal."""
    override = _may_ask(actor, registration, override_reason or "")
    errors = FieldErrors()
    justification = errors.text("justification", justification, required=_("Say why the special price is needed."),
                                max_length=4000)
    if registration.opportunity_id is None:
        raise Conflict(_("The registration has no opportunity yet: convert it first."), code="not_converted")
    if not spq_allowed(registration, on=now, override=override):
        if registration.status not in ("APPROVED", "CONVERTED"):
            raise Conflict(_("Special prices are asked on an approved registration only."), code="spq_not_approved")
        allowed_on = timezone.localtime(registration.submitted_at).date() + timezone.timedelta(days=SPQ_WAIT_DAYS)
        raise ValidationFailed(
            _("Special prices can be asked from %(d)s on, %(n)s days after the registration was submitted.")
            % {"d": allowed_on.isoformat(), "n": SPQ_WAIT_DAYS}, field="registration", code="spq_too_early")
    opportunity = registration.opportunity
    # The newest live version: the one the customer holds or the one being prepared.
    base = opportunity.quotes.exclude(status__in=["WITHDRAWN", "SUPERSEDED"]).order_by("-number").first()
    if base is None:
        raise Conflict(_("The opportunity has no quote to price against yet."), code="no_quote")
    found = _discounts(base, discounts, errors)
    errors.raise_if_any()
    preparer = opportunity.owner
    with transaction.atomic():
        version = opportunity_services.quote_create(opportunity=opportunity, actor=preparer, copy_from=base,
                                                    notes=_("Special price request for deal registration %(n)s")
                                                    % {"n": registration.number})
        for line in version.lines.all():
            if line.position in found:
                opportunity_services.quote_line_update(line=line, actor=preparer, discount_pct=found[line.position])
        version = opportunity_services.quote_request_approval(quote=version, actor=preparer)
        spq = create_numbered(
            SpecialPriceRequest, "SPQ", registration=registration, base_quote=base, quote=version,
            requested=[{"position": p, "discount_pct": f"{d.normalize():f}"} for p, d in sorted(found.items())],
            justification=justification, override_reason=(override_reason or "").strip(),
            required_level=version.required_level or "", reasons=version.approval_reasons or [],
            created_by=authenticated(actor))
        payload = {"registration": str(registration.pk), "quote": str(version.pk),
                   "required_level": version.required_level or None, "override": override}
        core_events.record(ev.SPQ_SUBMITTED, spq, actor=actor, to_state=spq.status, reason=override_reason or "",
                           payload=payload)
        if version.status == "APPROVED":  # within the preparer's authority: approved at once
            SPQ_MACHINE.apply(spq, SpqStatus.APPROVED, actor=None, payload=payload,
                              changes={"decided_at": timezone.now(),
                                       "decision_note": _("Within the discount authority of the opportunity's owner.")})
    return spq


@transaction.atomic
def spq_approve(*, spq: SpecialPriceRequest, actor: Actor, note: str = "") -> SpecialPriceRequest:
    """A decision-body member of the required level approves the quote version, so the request."""
    if spq.status != SpqStatus.PENDING:
        SPQ_MACHINE.check(spq, SpqStatus.APPROVED, actor=actor)
    opportunity_services.quote_approve(quote=spq.quote, actor=actor, note=note)
    return SPQ_MACHINE.apply(spq, SpqStatus.APPROVED, actor=actor, reason=note,
                             changes={"decided_at": timezone.now(), "decided_by": authenticated(actor),
                                      "decision_note": (note or "").strip()},
                             payload={"registration": str(spq.registration_id), "quote": str(spq.quote_id),
                                      "required_level": spq.required_level or None})


@transaction.atomic
def spq_reject(*, spq: SpecialPriceRequest, actor: Actor, reason: str) -> SpecialPriceRequest:
    """The approver refuses: the quote version goes back to draft and is withdrawn; the request is REJECTED."""
    SPQ_MACHINE.check(spq, SpqStatus.REJECTED, actor=actor, context={"reason": reason})
    quote = opportunity_services.quote_reject(quote=spq.quote, actor=actor, reason=reason)
    opportunity_services.quote_withdraw(quote=quote, actor=None, reason=reason)
    return SPQ_MACHINE.apply(spq, SpqStatus.REJECTED, actor=actor, reason=reason, context={"reason": reason},
                             changes={"decided_at": timezone.now(), "decided_by": authenticated(actor),
                                      "decision_note": reason.strip()},
                             payload={"registration": str(spq.registration_id), "quote": str(spq.quote_id)})
