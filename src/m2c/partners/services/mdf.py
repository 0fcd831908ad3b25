"""Market development funds (MDF, domain.md 8.3, 11.11).

A channel manager sets a partner's quota for a period. The partner applies at least 10 working days
(core working-day calendar) before the activity, or gives a reason for a late application, with its
objectives in leads and opportunities and a budget within the quota left. Approval commits the approved
amount to the quota. The executed activity is linked to the campaign that carries its leads; the claim
lists expenses with their proof, each checked against the eligibility rules (listed expense types; gifts at
most CNY 200 per person; a proof file), with its reasons kept. The reimbursement is at most the approved
amount and at most what the eligible lines add up to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core.calendar import working_days_between
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.evidence import check_upload, clean_name
from m2c.core.models import Role
from m2c.core.money import Money, normalise_currency, to_decimal
from m2c.core.roles import Actor, authenticated

from ..models import MdfApplication, MdfClaimLine, MdfQuota, Partner
from ..reasons import reason
from ..states_channel import COMMITS_QUOTA, ELIGIBLE_EXPENSES, MDF_MACHINE, ExpenseType, MdfStatus
from .numbering import create_numbered
from .partners import require_channel

LEAD_WORKING_DAYS = 10
GIFT_CAP_PER_PERSON = Money(Decimal(200), "CNY")


def _own(actor: Actor, partner: Partner) -> None:
    if actor is None or actor.sees_everything or actor.has_role(Role.CHANNEL_MANAGER):
        return
    if actor.has_role(Role.PARTNER) and getattr(actor, "partner_id", None) == partner.pk:
        return
    raise PermissionDenied(_("You can act only for your own partner."))


def _amount(errors: FieldErrors, field: str, value: Any, *, positive: bool = True) -> Decimal | None:
    try:
        number = to_decimal(value, field=field)
    except ValidationFailed as exc:
        errors.add(field, exc.detail)
        return None
    if number is None or (positive and number <= 0) or number < 0:
        errors.add(field, _("Enter an amount above zero."))
        return None
    return number


def quota_set(*, actor: Actor, partner: Partner, period_start: dt.date, period_end: dt.date, amount: Any,
              currency: str = "CNY") -> MdfQuota:
    require_channel(actor)
    errors = FieldErrors()
    value = _amount(errors, "amount", amount)
    if period_end < period_start:
        errors.add("period_end", _("The period cannot end before it starts."))
    errors.raise_if_any()
    quota, _created = MdfQuota.objects.update_or_create(
        partner=partner, period_start=period_start,
        defaults={"period_end": period_end, "amount": value, "currency": normalise_currency(currency)})
    return quota


def quota_for(partner: Partner, day: dt.date) -> MdfQuota | None:
    return MdfQuota.objects.filter(partner=partner, period_start__lte=day, period_end__gte=day).first()


def quota_committed(quota: MdfQuota, *, exclude: Any = None) -> Decimal:
    qs = quota.applications.filter(status__in=COMMITS_QUOTA)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.aggregate(s=Sum("approved_amount"))["s"] or Decimal(0)


def quota_left(quota: MdfQuota, *, exclude: Any = None) -> Decimal:
    return quota.amount - quota_committed(quota, exclude=exclude)


def mdf_apply(*, actor: Actor, partner: Partner, activity: str, activity_date: dt.date, budget: Any,
              objective_leads: Any, objective_opportunities: Any, currency: str = "CNY",
              late_reason: str = "", submit: bool = True, today: dt.date | None = None) -> MdfApplication:
    """Record an application (DRAFT) and, by default, submit it at once."""
    _own(actor, partner)
    errors = FieldErrors()
    activity = errors.text("activity", activity, required=_("Name the activity."), max_length=200)
    value = _amount(errors, "budget", budget)
    leads = _count(errors, "objective_leads", objective_leads)
    opportunities = _count(errors, "objective_opportunities", objective_opportunities)
    if activity_date is None:
        errors.add("activity_date", _("A date is required."))
    quota = quota_for(partner, activity_date) if activity_date else None
    if activity_date and quota is None:
        errors.add("activity_date", _("The partner has no MDF quota for the period of this date."))
    code = normalise_currency(currency or "CNY")
    if quota is not None and code != quota.currency:
        errors.add("currency", _("The quota is in %(c)s.") % {"c": quota.currency})
    errors.raise_if_any()
    with transaction.atomic():
        app = create_numbered(MdfApplication, "MDF", partner=partner, quota=quota, activity=activity,
                              activity_date=activity_date, budget=value, currency=code, objective_leads=leads,
                              objective_opportunities=opportunities, late_reason=(late_reason or "").strip(),
                              created_by=authenticated(actor))
        if submit:
            app = mdf_submit(actor=actor, application=app, today=today)
    return app


def _count(errors: FieldErrors, field: str, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole number."))
        return 0
    if number < 0:
        errors.add(field, _("Enter a whole number."))
    return number


def lead_time_ok(activity_date: dt.date, today: dt.date | None = None) -> bool:
    """At least 10 working days between the application and the activity."""
    return working_days_between(today or timezone.localdate(), activity_date) >= LEAD_WORKING_DAYS


def mdf_submit(*, actor: Actor, application: MdfApplication, today: dt.date | None = None) -> MdfApplication:
    _own(actor, application.partner)
    day = today or timezone.localdate()
    late = not lead_time_ok(application.activity_date, day)
    if late and not application.late_reason:
        raise ValidationFailed(
            _("Apply at least %(n)s working days before the activity (%(left)s left), or give a reason for "
              "the late application.") % {"n": LEAD_WORKING_DAYS,
                                          "left": max(working_days_between(day, application.activity_date), 0)},
            field="activity_date", code="mdf_too_late")
    left = quota_left(application.quota)
    if application.budget > left:
        raise ValidationFailed(_("The budget is above the quota left (%(left)s %(c)s).")
                               % {"left": f"{left:,.2f}", "c": application.quota.currency},
                               field="budget", code="mdf_over_quota")
    return MDF_MACHINE.apply(application, MdfStatus.SUBMITTED, actor=actor, reason=application.late_reason,
                             changes={"submitted_at": timezone.now()},
                             payload={"partner": str(application.partner_id), "amount": str(application.budget),
                                      "currency": application.currency, "late": late})


@transaction.atomic
def mdf_approve(*, actor: Actor, application: MdfApplication, amount: Any = None, note: str = "") -> MdfApplication:
    """Approve (all or part of the budget): the amount is committed to the quota."""
    require_channel(actor)
    MdfQuota.objects.select_for_update().get(pk=application.quota_id)  # one commitment at a time per quota
    errors = FieldErrors()
    value = application.budget if amount in (None, "") else _amount(errors, "amount", amount)
    errors.raise_if_any()
    if value > application.budget:
        raise ValidationFailed(_("Approve at most the budget applied for."), field="amount")
    if value > quota_left(application.quota, exclude=application.pk):
        raise ValidationFailed(_("The quota left is smaller than this amount."), field="amount", code="mdf_over_quota")
    return MDF_MACHINE.apply(application, MdfStatus.APPROVED, actor=actor, reason=note,
                             changes={"approved_amount": value, "decision_note": (note or "").strip()},
                             payload={"partner": str(application.partner_id), "amount": str(value),
                                      "currency": application.currency})


def mdf_reject(*, actor: Actor, application: MdfApplication, reason: str) -> MdfApplication:
    require_channel(actor)
    return MDF_MACHINE.apply(application, MdfStatus.REJECTED, actor=actor, reason=reason, context={"reason": reason},
                             changes={"decision_note": (reason or "").strip()},
                             payload={"partner": str(application.partner_id)})


def mdf_execute(*, actor: Actor, application: MdfApplication, campaign: Any) -> MdfApplication:
    """The activity took place: link the campaign whose leads and opportunities it produced."""
    _own(actor, application.partner)
    if campaign is None:
        raise ValidationFailed(_("Choose the campaign of the activity."), field="campaign")
    return MDF_MACHINE.apply(application, MdfStatus.EXECUTED, actor=actor, changes={"campaign": campaign},
                             payload={"partner": str(application.partner_id), "campaign": str(campaign.pk)})


def check_line(*, expense_type: str, amount: Decimal, persons: int | None, has_evidence: bool,
               currency: str) -> tuple[bool, list[dict[str, str]]]:
    """(eligible, reasons) of one claimed expense under the MDF rules."""
    reasons: list[dict[str, str]] = []
    if expense_type not in ELIGIBLE_EXPENSES:
        reasons.append(reason("expense_type", gettext_noop("“%(t)s” is not a listed expense type."), **{"t": dict(ExpenseType.choices).get(expense_type, expense_type)}))
    if expense_type == ExpenseType.GIFTS:
        if not persons:
            reasons.append(reason("gift_persons", gettext_noop("Give the number of people who received gifts.")))
        elif currency == GIFT_CAP_PER_PERSON.currency and amount / persons > GIFT_CAP_PER_PERSON.amount:
            reasons.append(reason("gift_cap", gettext_noop("Gifts are limited to CNY %(cap)s per person; this is "
                                                           "CNY %(each)s."), cap="200", each=f"{amount / persons:,.2f}"))
    if not has_evidence:
        reasons.append(reason("evidence", gettext_noop("Attach the proof: receipt, invoice, photo or publication.")))
    return not reasons, reasons


@transaction.atomic
def mdf_claim(*, actor: Actor, application: MdfApplication, lines: list[dict[str, Any]]) -> MdfApplication:
    """Claim the executed activity's expenses: each line {expense_type, description, amount, persons,
    evidence (an uploaded file)} is checked and kept with its reasons."""
    _own(actor, application.partner)
    MDF_MACHINE.check(application, MdfStatus.CLAIMED, actor=actor)
    if not lines:
        raise ValidationFailed(_("Claim at least one expense."), field="lines")
    errors = FieldErrors()
    prepared = []
    for i, row in enumerate(lines):
        field = f"lines.{i}"
        kind = str(row.get("expense_type") or "")
        if kind not in ExpenseType.values:
            errors.add(f"{field}.expense_type", _("Choose an expense type."))
        description = str(row.get("description") or "").strip()[:200] or dict(ExpenseType.choices).get(kind, kind)
        value = _amount(errors, f"{field}.amount", row.get("amount"))
        persons = row.get("persons")
        persons = int(persons) if persons not in (None, "") else None
        upload = row.get("evidence")
        try:
            check_upload(upload, field=f"{field}.evidence")
        except ValidationFailed as exc:
            errors.add(f"{field}.evidence", exc.detail)
        prepared.append((kind, str(description), value, persons, upload))
    errors.raise_if_any()
    claimed = eligible_total = Decimal(0)
    for kind, description, value, persons, upload in prepared:
        ok, reasons = check_line(expense_type=kind, amount=value, persons=persons, has_evidence=upload is not None,
                                 currency=application.currency)
        line = MdfClaimLine(application=application, expense_type=kind, description=description, amount=value,
                            persons=persons, eligible=ok, eligible_amount=value if ok else Decimal(0),
                            reasons=reasons)
        if upload is not None:
            line.evidence_name = clean_name(upload)
            line.evidence.save(line.evidence_name, upload, save=False)
        line.save()
        claimed += value
        eligible_total += line.eligible_amount
    return MDF_MACHINE.apply(application, MdfStatus.CLAIMED, actor=actor,
                             changes={"claimed_amount": claimed, "eligible_amount": eligible_total},
                             payload={"partner": str(application.partner_id), "amount": str(claimed),
                                      "currency": application.currency})


def mdf_reimburse(*, actor: Actor, application: MdfApplication, amount: Any = None) -> MdfApplication:
    """Reimburse at most the approved amount and at most the eligible lines' total."""
    require_channel(actor)
    cap = min(application.approved_amount or Decimal(0), application.eligible_amount or Decimal(0))
    errors = FieldErrors()
    value = cap if amount in (None, "") else _amount(errors, "amount", amount)
    errors.raise_if_any()
    if value > (application.approved_amount or 0):
        raise ValidationFailed(_("The reimbursement cannot exceed the approved amount (%(a)s).")
                               % {"a": f"{application.approved_amount:,.2f}"}, field="amount",
                               code="mdf_above_approved")
    if value > (application.eligible_amount or 0):
        raise ValidationFailed(_("The reimbursement cannot exceed the eligible expenses (%(a)s).")
                               % {"a": f"{application.eligible_amount:,.2f}"}, field="amount",
                               code="mdf_above_eligible")
    if value <= 0:
        raise Conflict(_("No expense of the claim is eligible: reject the claim instead."), code="mdf_nothing_eligible")
    return MDF_MACHINE.apply(application, MdfStatus.REIMBURSED, actor=actor, changes={"reimbursed_amount": value},
                             payload={"partner": str(application.partner_id), "amount": str(value),
                                      "currency": application.currency})


def mdf_reject_claim(*, actor: Actor, application: MdfApplication, reason: str) -> MdfApplication:
    require_channel(actor)
    return MDF_MACHINE.apply(application, MdfStatus.CLAIM_REJECTED, actor=actor, reason=reason,
                             context={"reason": reason}, changes={"decision_note": (reason or "").strip()},
                             payload={"partner": str(application.partner_id)})


