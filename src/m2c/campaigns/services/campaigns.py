"""Campaign commands: the plan (create, update) and one command per move of the life cycle (domain.md
11.1), each move through ``CAMPAIGN_MACHINE``. Marketing and administrators plan and move campaigns; a
closed or cancelled campaign is history and keeps its plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, DuplicateRecord, FieldErrors, PermissionDenied
from m2c.core.models import Currency, OfferingLine, OrgUnit, Role, User
from m2c.core.money import normalise_currency, to_decimal
from m2c.core.roles import authenticated
from m2c.core.services import diff_value, model_update

from .. import events
from ..models import Campaign, CampaignLevel, JourneyStage, MarketingBudget
from ..states import CAMPAIGN_MACHINE, TERMINAL, CampaignStatus
from . import budgets

S = CampaignStatus


def _require(actor: User | None) -> None:
    """People move campaigns only as marketing or administrators; ``None`` is the system (the daily sweep)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Your role cannot change campaigns."))


def _move(campaign: Campaign, target: str, *, actor: User | None, reason: str = "",
          today: dt.date | None = None) -> Campaign:
    _require(actor)
    reason = (reason or "").strip()[:500]
    CAMPAIGN_MACHINE.apply(campaign, target, actor=actor, reason=reason, context={"reason": reason, "today": today})
    return campaign


@transaction.atomic
def campaign_submit(*, campaign: Campaign, actor: User | None) -> Campaign:
    """DRAFT → SUBMITTED, once objective, level, journey stage, targets and dates are set."""
    return _move(campaign, S.SUBMITTED, actor=actor)


@transaction.atomic
def campaign_approve(*, campaign: Campaign, actor: User | None) -> Campaign:
    """SUBMITTED → APPROVED: commits the requested amount to the campaign's budget (domain.md 11.1).

    The budget row is locked before the campaign, so two approvals drawing on the same budget run one
    after the other and the second sees what the first committed."""
    _require(actor)
    budget = budgets.lock(campaign.budget_id) if campaign.budget_id else None
    if budget is None:
        return _move(campaign, S.APPROVED, actor=actor)  # the guard names the missing budget line
    amount = campaign.budget_amount
    CAMPAIGN_MACHINE.apply(
        campaign, S.APPROVED, actor=actor, context={"budget": budget, "actor": actor},
        changes={"committed_amount": amount},
        payload={"budget": str(budget.pk), "amount": str(amount), "currency": budget.currency,
                 "committed": str(amount)})
    budgets.post(budget, budgets.Kind.COMMIT, amount, actor=actor, campaign=campaign)
    return campaign


@transaction.atomic
def campaign_reject(*, campaign: Campaign, actor: User | None, reason: str) -> Campaign:
    """SUBMITTED → DRAFT with the approver's comment."""
    return _move(campaign, S.DRAFT, actor=actor, reason=reason)


@transaction.atomic
def campaign_prepare(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(campaign, S.PREPARING, actor=actor)


@transaction.atomic
def campaign_start(*, campaign: Campaign, actor: User | None, today: dt.date | None = None) -> Campaign:
    """PREPARING → IN_EXECUTION once the start date is reached."""
    return _move(campaign, S.IN_EXECUTION, actor=actor, today=today)


@transaction.atomic
def campaign_finish(*, campaign: Campaign, actor: User | None, today: dt.date | None = None) -> Campaign:
    """IN_EXECUTION → EXECUTED once the end date has passed."""
    return _move(campaign, S.EXECUTED, actor=actor, today=today)


@transaction.atomic
def campaign_evaluate(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(campaign, S.EVALUATED, actor=actor)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User | None, reason: str = "") -> Campaign:
    """EVALUATED → CLOSED; the unspent part of the commitment goes back to the budget."""
    return _release_and_move(campaign, S.CLOSED, actor=actor, reason=reason)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User | None, reason: str) -> Campaign:
    """Any state before execution → CANCELLED, with a reason; the commitment less what was spent is released."""
    return _release_and_move(campaign, S.CANCELLED, actor=actor, reason=reason)


def _release_and_move(campaign: Campaign, target: str, *, actor: User | None, reason: str) -> Campaign:
    _require(actor)
    reason = (reason or "").strip()[:500]
    budget = budgets.lock(campaign.budget_id) if campaign.budget_id else None
    fresh = Campaign.objects.select_for_update().get(pk=campaign.pk)
    release = max(fresh.committed_amount - fresh.actual_spend, 0) if budget is not None else 0
    CAMPAIGN_MACHINE.apply(
        campaign, target, actor=actor, reason=reason, context={"reason": reason},
        changes={"committed_amount": fresh.committed_amount - release},
        payload={"budget": str(budget.pk) if budget else None, "released": str(release),
                 "currency": budget.currency if budget else campaign.currency})
    if budget is not None and release:
        budgets.post(budget, budgets.Kind.RELEASE, release, actor=actor, campaign=campaign)
    return campaign


# --- the plan ---------------------------------------------------------------------------------------

PLAN_FIELDS = ("name", "level", "journey_stage", "org_unit", "start_date", "end_date", "target_valid_leads",
               "target_opportunities", "target_pipeline", "target_bookings", "target_cash", "currency",
               "web_form_enabled", "objective", "parent", "budget", "budget_amount")
# The budget line is fixed once approval committed it; more money goes through a re-approval.
BUDGET_LINE = ("budget", "budget_amount", "currency")


def _clean(data: dict[str, Any], errors: FieldErrors, *, current: Campaign | None = None) -> dict[str, Any]:
    """Check the plan's values; every bad field is named at once."""
    clean: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors.add("name", _("Name the campaign."))
        elif len(name) > 200:
            errors.add("name", _("At most 200 characters."))
        clean["name"] = name
    if "level" in data:
        if data["level"] not in CampaignLevel.values:
            errors.add("level", _("Choose the campaign level."))
        clean["level"] = data["level"]
    if "journey_stage" in data:
        if data["journey_stage"] not in JourneyStage.values:
            errors.add("journey_stage", _("Choose the buyer journey stage."))
        clean["journey_stage"] = data["journey_stage"]
    if "org_unit" in data:
        unit = data["org_unit"]
        if unit is not None and not isinstance(unit, OrgUnit):
            errors.add("org_unit", _("Unknown org unit."))
        clean["org_unit"] = unit
    for key in ("start_date", "end_date"):
        if key in data:
            if not isinstance(data[key], dt.date):
                errors.add(key, _("Give a date."))
            clean[key] = data[key]
    start = clean.get("start_date", getattr(current, "start_date", None))
    end = clean.get("end_date", getattr(current, "end_date", None))
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors.add("end_date", _("The campaign cannot end before it starts."))
    for key in ("target_valid_leads", "target_opportunities"):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
                errors.add(key, _("A whole number between 0 and 1,000,000."))
            clean[key] = value
    if "currency" in data:
        code = errors.run(normalise_currency, data["currency"], field="currency")
        if code and not Currency.objects.filter(code=code, active=True).exists():
            errors.add("currency", _("“%(c)s” is not an active currency.") % {"c": code})
        clean["currency"] = code
    if "objective" in data:
        clean["objective"] = errors.text("objective", data["objective"], max_length=2000)
    if "parent" in data:
        parent = data["parent"]
        if parent is not None and not isinstance(parent, Campaign):
            errors.add("parent", _("Unknown campaign."))
        elif parent is not None and current is not None and _descends_from(parent, current):
            errors.add("parent", _("A campaign cannot be part of itself."))
        elif parent is not None and LEVEL_ORDER.index(parent.level) > LEVEL_ORDER.index(
                clean.get("level", getattr(current, "level", None)) or parent.level):
            errors.add("parent", _("A programme is at the same level as its campaigns or above."))
        clean["parent"] = parent
    if "budget" in data:
        budget = data["budget"]
        if budget is not None and not isinstance(budget, MarketingBudget):
            errors.add("budget", _("Unknown budget."))
        clean["budget"] = budget
    if current is not None and current.status not in (S.DRAFT, S.SUBMITTED):
        for key in BUDGET_LINE:
            if key in data and data[key] != getattr(current, key):
                errors.add(key, _("The budget line was committed at approval; ask for a re-approval instead."))
    for key in ("target_pipeline", "target_bookings", "target_cash", "budget_amount"):
        if key in data:
            amount = errors.run(to_decimal, data[key], field=key)
            if amount is not None and not Decimal(0) <= amount < Decimal(10) ** 15:
                errors.add(key, _("An amount between 0 and 10^15."))
            clean[key] = amount
    if "web_form_enabled" in data:
        clean["web_form_enabled"] = bool(data["web_form_enabled"])
    return clean


LEVEL_ORDER = [CampaignLevel.CORPORATE, CampaignLevel.REGIONAL, CampaignLevel.CUSTOMER_GROUP]


def _descends_from(candidate: Campaign, campaign: Campaign) -> bool:
    """Whether ``candidate`` is ``campaign`` or one of its sub-campaigns (a programme tree has no loops)."""
    node: Campaign | None = candidate
    for _depth in range(20):
        if node is None:
            return False
        if node.pk == campaign.pk:
            return True
        node = node.parent
    return True


def _lines(value: Any, errors: FieldErrors) -> list[OfferingLine] | None:
    if value is None:
        return None
    found = list(value)
    if any(not isinstance(line, OfferingLine) for line in found):
        errors.add("offering_lines", _("Unknown offering line."))
    return found


@transaction.atomic
def campaign_create(*, actor: User | None, code: str = "", offering_lines: Any = None, **data: Any) -> Campaign:
    """A new campaign in DRAFT; ``code`` defaults to a slug of the name (a Chinese name gets a dated code)."""
    _require(actor)
    errors = FieldErrors()
    unknown = set(data) - set(PLAN_FIELDS)
    for key in sorted(unknown):
        errors.add(key, _("This field cannot be changed here."))
    for key in ("name", "level", "start_date", "end_date"):
        if key not in data:
            errors.add(key, _("This field is required."))
    clean = _clean({k: v for k, v in data.items() if k in PLAN_FIELDS}, errors)
    lines = _lines(offering_lines, errors)
    given = str(code or "").strip().lower()
    code = given
    if not code and clean.get("name"):
        code = slugify(clean["name"])[:30] or "campaign"
        start = clean.get("start_date")
        if isinstance(start, dt.date):
            code = f"{code}-{start:%Y%m%d}"
    if given and (len(given) > 40 or slugify(given) != given):
        errors.add("code", _("Use a short code of lower-case letters, digits and -."))
    errors.raise_if_any()
    if given and Campaign.objects.filter(code=given).exists():
        raise DuplicateRecord(_("A campaign with the code “%(code)s” exists.") % {"code": given}, field="code")
    base, n = code, 1
    while Campaign.objects.filter(code=code).exists():  # a generated code that is taken gets a number
        n += 1
        code = f"{base[:36]}-{n}"
    campaign = Campaign.objects.create(code=code, created_by=authenticated(actor), **clean)
    if lines:
        campaign.offering_lines.set(lines)
    core_events.record(events.CAMPAIGN_CREATED, campaign, actor=actor, payload={"code": code, "name": campaign.name})
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User | None, offering_lines: Any = None,
                    expected_version: int | None = None, **changes: Any) -> Campaign:
    """Change a campaign's plan; the event keeps each old and new value. Closed or cancelled: refused."""
    _require(actor)
    if campaign.status in TERMINAL:
        raise Conflict(_("A closed or cancelled campaign cannot be changed."), code="campaign_closed")
    if expected_version is not None and expected_version != campaign.version:
        raise Conflict(_("Someone else changed this campaign; reload it and try again."), code="stale_version")
    errors = FieldErrors()
    clean = _clean(changes, errors, current=campaign)
    lines = _lines(offering_lines, errors)
    for key in sorted(set(changes) - set(PLAN_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    errors.raise_if_any()
    diff = model_update(campaign, PLAN_FIELDS, clean)
    if lines is not None:
        before = sorted(campaign.offering_lines.values_list("code", flat=True))
        after = sorted(line.code for line in lines)
        if before != after:
            campaign.offering_lines.set(lines)
            diff["offering_lines"] = [", ".join(before), ", ".join(after)]
    if diff:
        core_events.record(events.CAMPAIGN_UPDATED, campaign, actor=actor,
                           payload={"changes": {k: [diff_value(v[0]), diff_value(v[1])] for k, v in diff.items()}})
    return campaign
