"""Deal registration (报备, domain.md 8.2, 11.10).

Submitting resolves the customer through ``customers``' identity resolution (another spelling, the credit
code or the web domain name the same customer), then screens the registration at once: the partner must
be active and certified for the offering line's product category (a NON_COMPLIANT certification blocks),
and the (customer, offering line) key must be free. The first complete registration takes the key
(UNDER_REVIEW); the database's partial unique index decides a race, so of two registrations submitted at
the same moment exactly one wins and the other is REJECTED as a conflict. The conflict names the holder in
``conflict_with``, which only the channel manager's pages and API show; the partner reads a neutral refusal.

The channel manager approves (protection 90 days; an open direct opportunity on the key blocks unless the
approval carries an override reason, which is logged), extends once by 60 days on evidence, or rejects.
Approval converts to an opportunity carrying ``registered_partner_id``. The daily sweep expires
registrations whose protection ended, releasing the key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, DuplicateRecord, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, Role, User
from m2c.core.money import Money
from m2c.core.roles import Actor, authenticated
from m2c.customers import selectors as customer_selectors
from m2c.customers import services as customer_services
from m2c.customers.identity import customer_resolve
from m2c.opportunities import selectors as opportunity_selectors
from m2c.opportunities import services as opportunity_services

from .. import events, selectors
from ..models import DealRegistration, Partner, Rejection
from ..states import REGISTRATION_MACHINE, PartnerStatus
from ..states import RegistrationStatus as R
from .partners import require_channel

PROTECTION_DAYS = 90
EXTENSION_DAYS = 60
SPQ_WAIT_DAYS = 15
LOCK_CLASS = 0x4D3243  # "M2C": the advisory lock class of deal registration keys


def _may_register_for(actor: Actor, partner: Partner) -> None:
    """A partner user for their own partner, or for a partner their distributor supplies; channel managers."""
    if actor is None or actor.sees_everything or actor.has_role(Role.CHANNEL_MANAGER):
        return
    if actor.has_role(Role.PARTNER):
        own = getattr(actor, "partner_id", None)
        if own and (own == partner.pk or own == partner.supplier_id):
            return
    raise PermissionDenied(_("You can register deals only for your own partner."))


def _number() -> str:
    today = timezone.localdate()
    prefix = f"DR{today:%y%m}"
    count = DealRegistration.objects.filter(number__startswith=prefix).count()
    while True:
        count += 1
        number = f"{prefix}{count:05d}"
        if not DealRegistration.objects.filter(number=number).exists():
            return number


def _serialise(offering_line: OfferingLine) -> None:
    """One registration per offering line at a time decides its customer (PostgreSQL: a transaction-level
    advisory lock). Two partners naming a customer nobody stored yet, in two spellings, at the same moment,
    would otherwise each create a customer and both win; after the lock the second sees the first's."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one write transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, offering_line.pk.int & 0x7FFFFFFF])


def _create_numbered(**values: Any) -> DealRegistration:
    """Insert with the next number; a concurrent registration that took it makes this one take the next."""
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return DealRegistration.objects.create(number=_number(), **values)
        except IntegrityError as exc:
            if "number" not in str(exc):
                raise
    raise Conflict(_("The registration could not be numbered; try again."), code="busy")


def _payload(reg: DealRegistration, **extra: Any) -> dict[str, Any]:
    return {"partner": str(reg.partner_id), "customer": str(reg.customer_id) if reg.customer_id else None,
            "offering_line": reg.offering_line.code if reg.offering_line_id else None, **extra}


def _resolve_customer(name: str, credit_code: str, domain: str) -> tuple[Any, dict[str, Any]]:
    """The stored customer these facts name, or a new one (created by the system, not by the partner)."""
    found = customer_resolve(name=name, credit_code=credit_code, domain=domain)
    if found.customer is not None:
        return customer_selectors.customer_by_id(found.customer.id), {"score": found.score, "keys": found.keys}
    try:
        customer = customer_services.customer_create(actor=None, legal_name=name, credit_code=credit_code)
    except DuplicateRecord:  # a concurrent registration created it a moment ago
        customer = customer_services.customer_find_existing(legal_name=name, credit_code=credit_code)
    return customer, {"score": 100, "keys": ["created"]}


def registration_submit(*, actor: Actor, partner: Partner, customer_name: str, project_name: str,
                        offering_line: OfferingLine | None, budget: Any, currency: str = "CNY",
                        decision_chain: str, implementation_date: dt.date | None, credit_code: str = "",
                        customer_domain: str = "", distributor: Partner | None = None,
                        now: dt.datetime | None = None) -> DealRegistration:
    """Register a deal: complete facts are required; it is screened at once (see the module's text)."""
    _may_register_for(actor, partner)
    errors = FieldErrors()
    customer_name = errors.text("customer_name", customer_name, required=_("Name the customer."), max_length=255)
    project_name = errors.text("project_name", project_name, required=_("Name the project."), max_length=200)
    decision_chain = errors.text("decision_chain", decision_chain, required=_("Describe the decision chain."))
    if offering_line is None:
        errors.add("offering_line", _("Choose the products or solution."))
    if implementation_date is None:
        errors.add("implementation_date", _("Give the implementation date."))
    try:
        amount = Decimal(str(budget)) if budget not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or amount <= 0:
        errors.add("budget", _("Give the customer's budget (more than zero)."))
    errors.raise_if_any()
    if partner.status != PartnerStatus.ACTIVE:
        raise ValidationFailed(_("Only an active partner can register deals."), field="partner",
                               code="partner_inactive")
    moment = now or timezone.now()
    with transaction.atomic():
        _serialise(offering_line)
        customer, match = _resolve_customer(customer_name, credit_code, customer_domain)
        reg = _create_numbered(
            partner=partner, distributor=distributor, customer_name=customer_name,
            credit_code=(credit_code or "").strip(), customer_domain=(customer_domain or "").strip().lower(),
            customer=customer, match=match, project_name=project_name, offering_line=offering_line,
            budget=amount, currency=currency, decision_chain=decision_chain, implementation_date=implementation_date,
            submitted_at=moment, created_by=authenticated(actor))
        core_events.record(events.REGISTRATION_SUBMITTED, reg, actor=actor, payload=_payload(reg))
        if not selectors.partner_certified(partner, offering_line, on=timezone.localdate(moment)):
            return _reject(reg, actor, Rejection.NOT_CERTIFIED)
        holder = selectors.key_holder(customer_id=customer.pk, offering_line_id=offering_line.pk)
        if holder is not None:
            return _reject(reg, actor, Rejection.CONFLICT, holder)
        try:
            with transaction.atomic():
                REGISTRATION_MACHINE.apply(reg, R.UNDER_REVIEW, actor=actor, payload=_payload(reg))
        except IntegrityError:  # a concurrent registration took the key between the check and the write
            holder = selectors.key_holder(customer_id=customer.pk, offering_line_id=offering_line.pk, exclude=reg.pk)
            return _reject(reg, actor, Rejection.CONFLICT, holder)
    return reg


def _reject(reg: DealRegistration, actor: Actor, why: str, holder: DealRegistration | None = None) -> DealRegistration:
    REGISTRATION_MACHINE.apply(
        reg, R.REJECTED, actor=None if reg.status == R.SUBMITTED else actor, reason=str(Rejection(why).label),
        context={"reason": why}, changes={"rejection": why, "conflict_with": holder},
        payload=_payload(reg, rejection=why, conflict_with=str(holder.pk) if holder else None))
    return reg


def registration_refusal(reg: DealRegistration) -> str:
    """What the partner reads about a rejection: never who holds the key."""
    if reg.rejection == Rejection.CONFLICT:
        return _("The customer and offering line are already registered or covered. The registration was not "
                 "accepted.")
    return str(Rejection(reg.rejection).label) if reg.rejection else ""


def blocking_opportunities(reg: DealRegistration) -> list[Any]:
    if reg.customer_id is None:
        return []
    return opportunity_selectors.open_direct_opportunities(customer_id=reg.customer_id,
                                                           offering_line_id=reg.offering_line_id)


def registration_approve(*, registration: DealRegistration, actor: Actor, override_reason: str = "",
                         now: dt.datetime | None = None) -> DealRegistration:
    """UNDER_REVIEW → APPROVED, protected for 90 days. The partner must still be certified; an open direct
    opportunity on the key blocks unless ``override_reason`` is given (logged on the event)."""
    require_channel(actor)
    moment = now or timezone.now()
    if not selectors.partner_certified(registration.partner, registration.offering_line,
                                       on=timezone.localdate(moment)):
        raise Conflict(_("The partner is not certified for this product category (or its certification is "
                         "non-compliant)."), code="partner_not_certified")
    direct = blocking_opportunities(registration)
    override = (override_reason or "").strip()
    if direct and not override:
        raise Conflict(_("A direct opportunity covers this customer and offering line: %(names)s. Reject, or "
                         "approve with an override reason.") % {"names": ", ".join(o.name for o in direct)},
                       code="direct_opportunity")
    until = timezone.localdate(moment) + dt.timedelta(days=PROTECTION_DAYS)
    return REGISTRATION_MACHINE.apply(
        registration, R.APPROVED, actor=actor, reason=override,
        changes={"approved_at": moment, "protected_until": until, "override_reason": override},
        payload=_payload(registration, protected_until=until.isoformat(), override=bool(direct)))


def registration_reject(*, registration: DealRegistration, actor: Actor, reason: str,
                        rejection: str = Rejection.UNVERIFIABLE) -> DealRegistration:
    require_channel(actor)
    if rejection not in Rejection.values:
        raise ValidationFailed(_("Unknown rejection reason."), field="rejection")
    return REGISTRATION_MACHINE.apply(registration, R.REJECTED, actor=actor, reason=reason, context={"reason": reason},
                                      changes={"rejection": rejection},
                                      payload=_payload(registration, rejection=rejection))


@transaction.atomic
def registration_extend(*, registration: DealRegistration, actor: Actor, evidence: str) -> DealRegistration:
    """One 60-day extension of the protection, on evidence of progress (the partner asks, or the manager)."""
    reg = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        if getattr(actor, "partner_id", None) != reg.partner_id:
            raise PermissionDenied(_("You can register deals only for your own partner."))
    else:
        require_channel(actor)
    if reg.status not in (R.APPROVED, R.CONVERTED):
        raise Conflict(_("Only an approved registration can be extended."), code="not_protected")
    if reg.extension_used:
        raise Conflict(_("The protection was already extended once."), code="extension_used")
    if not (evidence or "").strip():
        raise ValidationFailed(_("Describe the progress that justifies the extension."), field="evidence")
    reg.protected_until = reg.protected_until + dt.timedelta(days=EXTENSION_DAYS)
    reg.extension_used = True
    reg.extension_evidence = evidence.strip()
    reg.version += 1
    reg.save(update_fields=["protected_until", "extension_used", "extension_evidence", "version", "updated_at"])
    core_events.record(events.REGISTRATION_EXTENDED, reg, actor=actor, reason=evidence.strip(),
                       payload=_payload(reg, protected_until=reg.protected_until.isoformat()))
    registration.protected_until, registration.extension_used = reg.protected_until, True
    return reg


def registration_cancel(*, registration: DealRegistration, actor: Actor, reason: str) -> DealRegistration:
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        if getattr(actor, "partner_id", None) != registration.partner_id:
            raise PermissionDenied(_("You can register deals only for your own partner."))
    else:
        require_channel(actor)
    return REGISTRATION_MACHINE.apply(registration, R.CANCELLED, actor=actor, reason=reason,
                                      context={"reason": reason}, payload=_payload(registration))


def registration_convert(*, registration: DealRegistration, actor: Actor, owner: User | None = None
                         ) -> DealRegistration:
    """APPROVED → CONVERTED: an opportunity for the registered customer, owned by its AR, carrying the
    registered partner (for rebate and deal-registration reward eligibility, domain.md 8.2 rule 7)."""
    require_channel(actor)
    if registration.status != R.APPROVED:
        raise Conflict(_("Only an approved registration converts to an opportunity."), code="not_approved")
    owner = owner or registration.customer.ar_owner
    if owner is None:
        raise ValidationFailed(_("The customer has no AR: choose the opportunity's owner."), field="owner")
    with transaction.atomic():
        opportunity = opportunity_services.opportunity_create(
            actor=None, customer=registration.customer, name=registration.project_name,
            amount=Money(registration.budget, registration.currency), offering_lines=[registration.offering_line],
            owner=owner, expected_sign_date=registration.implementation_date,
            description=registration.decision_chain, registered_partner_id=registration.partner_id)
        return REGISTRATION_MACHINE.apply(registration, R.CONVERTED, actor=actor, changes={"opportunity": opportunity},
                                          payload=_payload(registration, opportunity=str(opportunity.pk)))


def registration_close(*, registration: DealRegistration, won: bool) -> DealRegistration:
    """CONVERTED → WON / LOST, following the opportunity (called when it closes)."""
    return REGISTRATION_MACHINE.apply(registration, R.WON if won else R.LOST, payload=_payload(registration))


def spq_allowed(registration: DealRegistration, *, on: dt.datetime | None = None, override: bool = False) -> bool:
    """The guard of a special price request (domain.md 8.2 rule 6, 11.10): the registration is approved (or
    converted) and at least 15 days have passed since it was submitted, unless the channel manager overrides.
    The SPQ work (issue 12 item 4) calls it."""
    if registration.status not in (R.APPROVED, R.CONVERTED):
        return False
    if override:
        return True
    return (on or timezone.now()) >= registration.submitted_at + dt.timedelta(days=SPQ_WAIT_DAYS)


def registration_expiry_sweep(today: dt.date | None = None) -> int:
    """Expire registrations whose protection ended: the key is released for the next registration."""
    day = today or timezone.localdate()
    count = 0
    for reg in DealRegistration.objects.filter(status__in=[R.APPROVED, R.CONVERTED], protected_until__lt=day):
        REGISTRATION_MACHINE.apply(reg, R.EXPIRED, payload=_payload(reg, protected_until=reg.protected_until.isoformat()))
        count += 1
    return count


def on_opportunity_closed(event: Any) -> None:
    """The opportunity of a converted registration was won or lost: the registration follows it."""
    won = event.event_type.endswith(".won")
    for reg in DealRegistration.objects.filter(opportunity_id=event.subject_id, status=R.CONVERTED):
        registration_close(registration=reg, won=won)
