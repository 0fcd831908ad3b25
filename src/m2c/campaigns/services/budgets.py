"""Marketing budgets (domain.md 7.4): create, allocate to children, and the ledger every movement
writes; campaign expenses with the spend guard of 11.1; re-approval of a campaign's commitment.

Every movement locks the budget rows it touches (in a fixed order, so two movements never wait on
each other), changes the running totals, writes one ``BudgetEntry`` and records its event. The
database's check constraint refuses a budget whose allocations and commitments exceed its amount, so
even a movement that skipped the lock could not over-commit one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import Conflict, DuplicateRecord, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.evidence import check_upload, clean_name
from m2c.core.models import Currency, OrgUnit, Role
from m2c.core.money import Money, normalise_currency, to_decimal
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import BudgetEntry, Campaign, CampaignExpense, CampaignLevel, MarketingBudget
from ..states import CampaignStatus, has_budget_authority

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

Kind = BudgetEntry.Kind
S = CampaignStatus
# Expenses are booked from approval until the campaign is closed or cancelled.
SPENDING = (S.APPROVED, S.PREPARING, S.IN_EXECUTION, S.EXECUTED, S.EVALUATED)
MAX_AMOUNT = Decimal(10) ** 15


def lock(budget_id: Any) -> MarketingBudget:
    return MarketingBudget.objects.select_related("org_unit").select_for_update().get(pk=budget_id)


def post(budget: MarketingBudget, kind: str, amount: Decimal, *, actor: Actor, campaign: Campaign | None = None,
         counterpart: MarketingBudget | None = None, note: str = "") -> BudgetEntry:
    """Apply one movement to ``budget`` (locked by the caller), write its entry and its event."""
    if kind == Kind.GRANT or kind == Kind.ALLOCATE_IN:
        budget.amount += amount
    elif kind == Kind.ALLOCATE_OUT:
        budget.allocated += amount
    elif kind == Kind.COMMIT:
        budget.committed += amount
    elif kind == Kind.RELEASE:
        budget.committed -= amount
    elif kind == Kind.SPEND:
        budget.spent += amount
    budget.version += 1
    budget.save(update_fields=["amount", "allocated", "committed", "spent", "version", "updated_at"])
    entry = BudgetEntry.objects.create(
        budget=budget, kind=kind, amount=amount, available_after=budget.available, campaign=campaign,
        counterpart=counterpart, note=note[:300], actor=authenticated(actor))
    core_events.record(events.BUDGET_MOVED, budget, actor=actor, payload={
        "entry": entry.pk, "kind": kind, "amount": str(amount), "currency": budget.currency,
        "available_after": str(budget.available), "campaign": str(campaign.pk) if campaign else None,
        "counterpart": str(counterpart.pk) if counterpart else None})
    return entry


def _require_planner(actor: Actor) -> None:
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Only marketing and administrators manage marketing budgets."))


def _amount(value: Any, field: str, errors: FieldErrors, *, allow_zero: bool = False) -> Decimal | None:
    amount = errors.run(to_decimal, value, field=field)
    if amount is None:
        return None
    if amount < 0 or (amount == 0 and not allow_zero) or amount >= MAX_AMOUNT:
        errors.add(field, _("An amount above 0 and below 10^15.") if not allow_zero else
                   _("An amount between 0 and 10^15."))
        return None
    return amount


@transaction.atomic
def budget_create(*, actor: Actor, name: str, level: str, org_unit: OrgUnit, fiscal_year: int,
                  currency: str = "CNY", amount: Any = 0, parent: MarketingBudget | None = None,
                  tolerance_percent: Any = 10) -> MarketingBudget:
    """A budget for one level, org unit and fiscal year.

    A top-level budget (no parent) is granted ``amount`` by someone with authority over its unit; a
    child starts empty and receives its money by ``budget_allocate`` from the parent."""
    _require_planner(actor)
    errors = FieldErrors()
    name = errors.text("name", name, required=_("A name is required."), max_length=200)
    if level not in CampaignLevel.values:
        errors.add("level", _("Choose the campaign level."))
    if not isinstance(org_unit, OrgUnit):
        errors.add("org_unit", _("Unknown org unit."))
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool) or not 2000 <= fiscal_year <= 2100:
        errors.add("fiscal_year", _("A year between 2000 and 2100."))
    code = errors.run(normalise_currency, currency, field="currency")
    if code and not Currency.objects.filter(code=code, active=True).exists():
        errors.add("currency", _("“%(c)s” is not an active currency.") % {"c": code})
    granted = _amount(amount, "amount", errors, allow_zero=True)
    tolerance = errors.run(to_decimal, tolerance_percent, field="tolerance_percent")
    if tolerance is not None and not Decimal(0) <= tolerance <= Decimal(50):
        errors.add("tolerance_percent", _("A percentage between 0 and 50."))
    if parent is not None:
        if granted:
            errors.add("amount", _("A child budget receives its money by allocation from its parent."))
        if code and parent.currency != code:
            errors.add("currency", _("A child budget is in its parent's currency, %(c)s.") % {"c": parent.currency})
        if isinstance(org_unit, OrgUnit) and not org_unit.path.startswith(parent.org_unit.path):
            errors.add("org_unit", _("A child budget belongs to the parent's unit or a unit below it."))
        if fiscal_year != parent.fiscal_year:
            errors.add("fiscal_year", _("A child budget is for the parent's fiscal year."))
    errors.raise_if_any()
    authority = parent if parent is not None else MarketingBudget(org_unit=org_unit)
    if not has_budget_authority(actor, authority):
        raise PermissionDenied(_("Only marketing of %(unit)s or a unit above it can set up this budget.")
                               % {"unit": authority.org_unit.label})
    if MarketingBudget.objects.filter(level=level, org_unit=org_unit, fiscal_year=fiscal_year).exists():
        raise DuplicateRecord(_("%(unit)s already has a %(level)s budget for %(year)s.") % {
            "unit": org_unit.label, "level": CampaignLevel(level).label, "year": fiscal_year}, field="org_unit")
    budget = MarketingBudget.objects.create(
        name=name, level=level, org_unit=org_unit, fiscal_year=fiscal_year, parent=parent, currency=code,
        tolerance_percent=tolerance, created_by=authenticated(actor))
    core_events.record(events.BUDGET_CREATED, budget, actor=actor, payload={
        "name": name, "level": level, "org_unit": org_unit.code, "fiscal_year": fiscal_year, "currency": code,
        "amount": str(granted or 0)})
    if granted:
        post(budget, Kind.GRANT, granted, actor=actor, note=_("Initial grant"))
    return budget


@transaction.atomic
def budget_allocate(*, parent: MarketingBudget, child: MarketingBudget, actor: Actor, amount: Any,
                    note: str = "") -> MarketingBudget:
    """Move ``amount`` from ``parent`` to its child ``child``; a negative amount takes unused money back."""
    _require_planner(actor)
    errors = FieldErrors()
    value = errors.run(to_decimal, amount, field="amount")
    if value is not None and (value == 0 or abs(value) >= MAX_AMOUNT):
        errors.add("amount", _("An amount other than 0 and below 10^15."))
    if child.parent_id != parent.pk:
        errors.add("child", _("Money is allocated only from a budget to its own children."))
    errors.raise_if_any()
    assert value is not None
    first, second = sorted([parent.pk, child.pk], key=str)
    locked = {first: lock(first), second: lock(second)}
    parent, child = locked[parent.pk], locked[child.pk]
    if not has_budget_authority(actor, parent):
        raise PermissionDenied(_("Only marketing of %(unit)s or a unit above it can allocate this budget.")
                               % {"unit": parent.org_unit.label})
    if value > parent.available:
        raise ValidationFailed(_("“%(b)s” has %(a)s available.") % {"b": parent.name, "a": parent.available_money},
                               field="amount", code="budget_exceeded")
    if -value > child.available:
        raise ValidationFailed(_("“%(b)s” has only %(a)s unused to give back.") % {
            "b": child.name, "a": child.available_money}, field="amount", code="budget_exceeded")
    note = (note or "").strip()
    if value > 0:
        post(parent, Kind.ALLOCATE_OUT, value, actor=actor, counterpart=child, note=note)
        post(child, Kind.ALLOCATE_IN, value, actor=actor, counterpart=parent, note=note)
    else:
        post(child, Kind.ALLOCATE_IN, value, actor=actor, counterpart=parent, note=note)
        post(parent, Kind.ALLOCATE_OUT, value, actor=actor, counterpart=child, note=note)
    return child


def _limit(campaign: Campaign, budget: MarketingBudget) -> Decimal:
    return (campaign.committed_amount * (1 + budget.tolerance_percent / 100)).quantize(Decimal("0.01"))


@transaction.atomic
def campaign_expense_add(*, campaign: Campaign, actor: Actor, category: str, supplier: str, amount: Any,
                         currency: str | None = None, spent_on: dt.date | None = None, description: str = "",
                         fx_rate: Any = None, evidence: UploadedFile | None = None) -> CampaignExpense:
    """Record money spent on an approved campaign (domain.md 11.1's spend guard).

    The amount is converted to the budget's currency (the rate given, else the dated rate of the day
    it was spent; without either it is refused). Spend up to the commitment plus the budget's tolerance
    (default 10 %) is accepted, the part above the commitment committed from the budget too; beyond
    that the campaign needs a budget re-approval first."""
    _require_planner(actor)
    errors = FieldErrors()
    if category not in CampaignExpense.Category.values:
        errors.add("category", _("Choose a category."))
    supplier = errors.text("supplier", supplier, required=_("Name the supplier."), max_length=200)
    description = errors.text("description", description, max_length=300)
    value = _amount(amount, "amount", errors)
    code = errors.run(normalise_currency, currency or campaign.currency, field="currency")
    day = spent_on or timezone.localdate()
    if not isinstance(day, dt.date):
        errors.add("spent_on", _("Give a date."))
    if evidence is not None:
        errors.run(check_upload, evidence, field="evidence")
    errors.raise_if_any()
    assert value is not None and code
    if campaign.budget_id is None:
        raise Conflict(_("The campaign has no budget line to spend from."), code="no_budget")
    budget = lock(campaign.budget_id)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in SPENDING:
        raise Conflict(_("Expenses are recorded from approval until the campaign is closed; it is %(s)s.")
                       % {"s": locked.get_status_display()}, code="campaign_status")
    rate = _rate(code, budget.currency, day, fx_rate)
    converted = (value * rate).quantize(Decimal("0.01"))
    after = locked.actual_spend + converted
    limit = _limit(locked, budget)
    if after > limit:
        raise Conflict(
            _("This expense takes the spend to %(after)s, above the commitment %(committed)s plus %(tol)s%% "
              "tolerance (%(limit)s): ask for a budget re-approval first.") % {
                "after": Money(after, budget.currency), "committed": Money(locked.committed_amount, budget.currency),
                "tol": budget.tolerance_percent.normalize(), "limit": Money(limit, budget.currency)},
            code="needs_reapproval", field="amount")
    over = max(after - locked.committed_amount, Decimal(0))
    if over > budget.available:
        raise ValidationFailed(_("The budget “%(b)s” has only %(a)s available for spend above the commitment.")
                               % {"b": budget.name, "a": budget.available_money}, field="amount",
                               code="budget_exceeded")
    expense = CampaignExpense(
        campaign=locked, category=category, supplier=supplier, description=description, spent_on=day,
        amount=value, currency=code, fx_rate=rate, budget_amount=converted, created_by=authenticated(actor))
    if evidence is not None:
        expense.evidence_name = clean_name(evidence)
        expense.evidence.save(expense.evidence_name, evidence, save=False)
    expense.save()
    changes = {"actual_spend": after}
    if over:
        changes["committed_amount"] = locked.committed_amount + over
        post(budget, Kind.COMMIT, over, actor=actor, campaign=locked, note=_("Spend above the commitment"))
    post(budget, Kind.SPEND, converted, actor=actor, campaign=locked, note=f"{supplier} {description}".strip())
    for key, val in changes.items():
        setattr(locked, key, val)
        setattr(campaign, key, val)
    locked.save(update_fields=[*changes, "updated_at"])
    core_events.record(events.EXPENSE_RECORDED, locked, actor=actor, payload={
        "expense": str(expense.pk), "category": category, "supplier": supplier, "amount": str(value),
        "currency": code, "budget_amount": str(converted), "actual_spend": str(after)})
    return expense


def _rate(currency: str, budget_currency: str, day: dt.date, given: Any) -> Decimal:
    if currency == budget_currency:
        return Decimal(1)
    if given not in (None, ""):
        rate = to_decimal(given, field="fx_rate")
        if rate <= 0:
            raise ValidationFailed(_("A rate above 0."), field="fx_rate")
        return rate
    try:
        return fx.rate(currency, budget_currency, day)
    except ValidationFailed:
        raise ValidationFailed(
            _("There is no %(c)s → %(b)s rate for %(d)s: enter the rate used.") % {
                "c": currency, "b": budget_currency, "d": day.isoformat()}, field="fx_rate", code="fx_missing"
        ) from None


@transaction.atomic
def campaign_budget_reapprove(*, campaign: Campaign, actor: Actor, amount: Any, reason: str) -> Campaign:
    """Commit ``amount`` more of the budget to an approved campaign (the re-approval of 11.1's spend
    guard); the approver needs the same budget authority as the first approval."""
    _require_planner(actor)
    errors = FieldErrors()
    value = _amount(amount, "amount", errors)
    reason = errors.text("reason", reason, required=_("Give a reason."), max_length=500)
    errors.raise_if_any()
    assert value is not None
    if campaign.budget_id is None:
        raise Conflict(_("The campaign has no budget line to spend from."), code="no_budget")
    budget = lock(campaign.budget_id)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in SPENDING:
        raise Conflict(_("Only an approved campaign that is not closed can have its budget re-approved."),
                       code="campaign_status")
    if not has_budget_authority(actor, budget):
        raise PermissionDenied(_("Only marketing of %(unit)s or a unit above it can commit this budget.")
                               % {"unit": budget.org_unit.label})
    if value > budget.available:
        raise ValidationFailed(_("The budget “%(b)s” has %(a)s available.") % {
            "b": budget.name, "a": budget.available_money}, field="amount", code="budget_exceeded")
    locked.committed_amount += value
    locked.version += 1
    locked.save(update_fields=["committed_amount", "version", "updated_at"])
    campaign.committed_amount, campaign.version = locked.committed_amount, locked.version
    post(budget, Kind.COMMIT, value, actor=actor, campaign=locked, note=reason)
    core_events.record(events.CAMPAIGN_REAPPROVED, locked, actor=actor, reason=reason, payload={
        "budget": str(budget.pk), "amount": str(value), "currency": budget.currency,
        "committed": str(locked.committed_amount)})
    return campaign
