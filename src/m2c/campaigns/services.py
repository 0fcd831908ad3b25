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

from . import events
from .models import Campaign, CampaignLevel, JourneyStage
from .states import CAMPAIGN_MACHINE, TERMINAL, CampaignStatus

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
    return _move(campaign, S.APPROVED, actor=actor)


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
    return _move(campaign, S.CLOSED, actor=actor, reason=reason)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User | None, reason: str) -> Campaign:
    """Any state before execution → CANCELLED, with a reason."""
    return _move(campaign, S.CANCELLED, actor=actor, reason=reason)


# --- the plan ---------------------------------------------------------------------------------------

PLAN_FIELDS = ("name", "level", "journey_stage", "org_unit", "start_date", "end_date", "target_valid_leads",
               "target_opportunities", "target_pipeline", "actual_spend", "currency", "web_form_enabled")


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
    for key in ("target_pipeline", "actual_spend"):
        if key in data:
            amount = errors.run(to_decimal, data[key], field=key)
            if amount is not None and not Decimal(0) <= amount < Decimal(10) ** 15:
                errors.add(key, _("An amount between 0 and 10^15."))
            clean[key] = amount
    if "web_form_enabled" in data:
        clean["web_form_enabled"] = bool(data["web_form_enabled"])
    return clean


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
