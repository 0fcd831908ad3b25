"""Market-management commands: competitors, segments, their sizing, SPAN ratings, $APPEALS scores and status.

Only marketing (segment owners, market analysts) and administrators write; every command validates its
whole input first, naming each bad field, and writes nothing when one is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role
from m2c.core.money import Money, normalise_currency
from m2c.core.roles import Actor, authenticated, require_role
from m2c.core.scoping import home_unit
from m2c.core.services import model_update
from m2c.customers.models import Industry, Tier

from .. import events, span
from ..models import (
    AppealsScore,
    Competitor,
    CompetitorShare,
    Segment,
    SegmentSizing,
    SpanCriterion,
    SpanRating,
    SpanSettings,
)
from ..selectors import market as market_selectors
from ..states import MARKET_ROLES, SEGMENT_MACHINE, AppealsFactor, SegmentStatus, SpanAxis

PERIOD = re.compile(r"^\d{4}(Q[1-4]|-\d{2})?$")
HUNDRED = Decimal(100)


def _require_market(actor: Actor) -> None:
    require_role(actor, *MARKET_ROLES, message=_("Only marketing may change segments and their analysis."), system=True)


def _decimal(errors: FieldErrors, name: str, value: Any, *, low: Decimal | None = None, high: Decimal | None = None,
             required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.add(name, _("A number is required."))
        return None
    if isinstance(value, float):
        errors.add(name, _("Send the number as text or a decimal, not a float."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(name, _("Not a number."))
        return None
    if not number.is_finite():
        errors.add(name, _("Not a number."))
        return None
    if low is not None and number < low:
        errors.add(name, _("At least %(n)s.") % {"n": low})
        return None
    if high is not None and number > high:
        errors.add(name, _("At most %(n)s.") % {"n": high})
        return None
    return number


# --- competitors ----------------------------------------------------------------------------------

@transaction.atomic
def competitor_create(*, actor: Actor, name: str, description: str = "") -> Competitor:
    """Register a named competitor (case-insensitively unique)."""
    _require_market(actor)
    errors = FieldErrors()
    text = errors.text("name", name, required=_("Name the competitor."), max_length=120)
    errors.raise_if_any()
    if Competitor.objects.filter(name__iexact=text).exists():
        raise Conflict(_("This competitor is already registered."), code="duplicate")
    return Competitor.objects.create(name=text, description=(description or "").strip(), created_by=authenticated(actor))


def _require_region_reach(actor: Actor, region: OrgUnit | None) -> None:
    """Marketing works inside its own subtree: a regional marketer cannot plan another region's market."""
    if actor is None or region is None or actor.sees_everything or not actor.org_unit_id:
        return
    home = home_unit(actor.org_unit)
    if not region.path.startswith(home.path):
        raise PermissionDenied(_("You can work only on segments and lists of your own region."))


# --- segments -------------------------------------------------------------------------------------

SEGMENT_FIELDS = ("name", "description", "owner", "expected_revenue", "currency", "gross_margin_pct",
                  "appeals_feed_position")


def _segment_values(errors: FieldErrors, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not partial or "name" in data:
        values["name"] = errors.text("name", data.get("name"), required=_("Name the segment."), max_length=200)
    if "description" in data:
        values["description"] = (data.get("description") or "").strip()
    if "owner" in data:
        values["owner"] = data["owner"]
    if not partial or "expected_revenue" in data:
        revenue = _decimal(errors, "expected_revenue", data.get("expected_revenue", Decimal(0)), low=Decimal(0))
        if revenue is not None:
            values["expected_revenue"] = revenue
    if not partial or "currency" in data:
        errors.run(lambda: values.__setitem__("currency", normalise_currency(data.get("currency") or "CNY")))
    if not partial or "gross_margin_pct" in data:
        margin = _decimal(errors, "gross_margin_pct", data.get("gross_margin_pct", Decimal(0)), low=Decimal(-100),
                          high=HUNDRED)
        if margin is not None:
            values["gross_margin_pct"] = margin
    if "appeals_feed_position" in data:
        values["appeals_feed_position"] = bool(data["appeals_feed_position"])
    return values


@transaction.atomic
def segment_create(
    *, actor: Actor, code: str, industry: str, region: OrgUnit | None, offering_line: OfferingLine | None,
    customer_tier: str = "", **data: Any,
) -> Segment:
    """Create a candidate segment: industry × region × offering line (× customer tier)."""
    _require_market(actor)
    errors = FieldErrors()
    code_text = errors.text("code", code, required=_("Give the segment a code."), max_length=40)
    if code_text and not re.fullmatch(r"[-a-zA-Z0-9_]+", code_text):
        errors.add("code", _("Letters, digits, hyphens and underscores only."))
    if industry not in Industry.values:
        errors.add("industry", _("Unknown industry."))
    if region is None:
        errors.add("region", _("Choose the region."))
    if offering_line is None:
        errors.add("offering_line", _("Choose the offering line."))
    if customer_tier and customer_tier not in Tier.values:
        errors.add("customer_tier", _("Unknown customer size."))
    values = _segment_values(errors, data, partial=False)
    errors.raise_if_any()
    _require_region_reach(actor, region)
    if Segment.objects.filter(code=code_text).exists():
        raise Conflict(_("A segment with this code exists."), code="duplicate", field="code")
    if Segment.objects.filter(industry=industry, region=region, offering_line=offering_line,
                              customer_tier=customer_tier or "").exists():
        raise Conflict(_("A segment with this industry, region, offering line and size exists."), code="duplicate")
    segment = Segment.objects.create(
        code=code_text, industry=industry, region=region, offering_line=offering_line,
        customer_tier=customer_tier or "", owner=values.pop("owner", None) or authenticated(actor),
        created_by=authenticated(actor), **values,
    )
    core_events.record(events.SEGMENT_CREATED, segment, actor=actor, to_state=segment.status,
                       payload={"code": segment.code, "name": segment.name})
    return segment


@transaction.atomic
def segment_update(*, actor: Actor, segment: Segment, **data: Any) -> Segment:
    """Change a segment's name, description, owner, plan figures or the $APPEALS option."""
    _require_market(actor)
    errors = FieldErrors()
    values = _segment_values(errors, data, partial=True)
    errors.raise_if_any()
    diff = model_update(segment, SEGMENT_FIELDS, values)
    if diff:
        core_events.record(events.SEGMENT_UPDATED, segment, actor=actor, payload={"changes": diff})
    return segment


@transaction.atomic
def segment_size(
    *, actor: Actor, segment: Segment, period: str, tam: Any, sam: Any, currency: str = "CNY",
    growth_pct: Any = Decimal(0), share_pct: Any = Decimal(0), competitor_shares: dict[Any, Any] | None = None,
) -> SegmentSizing:
    """Record (or replace) the segment's market in one period, with named competitors' shares of the SAM."""
    _require_market(actor)
    errors = FieldErrors()
    period_text = (period or "").strip().upper()
    if not PERIOD.match(period_text):
        errors.add("period", _("A year (2026), a quarter (2026Q3) or a month (2026-07)."))
    tam_value = _decimal(errors, "tam", tam, low=Decimal(0))
    sam_value = _decimal(errors, "sam", sam, low=Decimal(0))
    if tam_value is not None and sam_value is not None and sam_value > tam_value:
        errors.add("sam", _("The SAM cannot exceed the TAM."))
    code = errors.run(normalise_currency, currency or "CNY")
    growth = _decimal(errors, "growth_pct", growth_pct, low=Decimal(-100), high=Decimal(1000))
    share = _decimal(errors, "share_pct", share_pct, low=Decimal(0), high=HUNDRED)
    shares: dict[Competitor, Decimal] = {}
    for key, value in (competitor_shares or {}).items():
        competitor = key if isinstance(key, Competitor) else Competitor.objects.filter(pk=key).first() \
            if _is_uuid(key) else Competitor.objects.filter(name=key).first()
        if competitor is None:
            errors.add("competitor_shares", _("No competitor “%(v)s”.") % {"v": str(key)[:60]})
            continue
        pct = _decimal(errors, "competitor_shares", value, low=Decimal(0), high=HUNDRED)
        if pct is not None:
            shares[competitor] = pct
    if share is not None and sum(shares.values(), share) > HUNDRED:
        errors.add("competitor_shares", _("Our share and the competitors' shares add up to more than 100%."))
    errors.raise_if_any()
    sizing, created = SegmentSizing.objects.update_or_create(
        segment=segment, period=period_text,
        defaults={"tam": tam_value, "sam": sam_value, "currency": code, "growth_pct": growth, "share_pct": share},
    )
    sizing.competitor_shares.all().delete()
    CompetitorShare.objects.bulk_create(
        [CompetitorShare(sizing=sizing, competitor=c, share_pct=p) for c, p in shares.items()])
    core_events.record(events.SEGMENT_SIZED, segment, actor=actor, payload={"changes": {
        "period": period_text, "tam": str(tam_value), "sam": str(sam_value), "currency": code,
        "share_pct": str(share), "competitors": {c.name: str(p) for c, p in shares.items()}}})
    return sizing


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def segment_rate(*, actor: Actor, segment: Segment, scores: dict[str, Any]) -> list[SpanRating]:
    """Record 1–5 ratings by criterion code; a criterion not named keeps its rating."""
    _require_market(actor)
    errors = FieldErrors()
    known = {c.code: c for c in market_selectors.criteria()}
    parsed: dict[SpanCriterion, int] = {}
    for code, value in scores.items():
        criterion = known.get(code)
        if criterion is None:
            errors.add(f"scores.{code}", _("No active SPAN criterion with this code."))
            continue
        if isinstance(value, bool) or str(value).strip() not in {"1", "2", "3", "4", "5"}:
            errors.add(f"scores.{code}", _("A rating is a whole number from 1 to 5."))
            continue
        parsed[criterion] = int(str(value).strip())
    if not scores:
        errors.add("scores", _("Rate at least one criterion."))
    errors.raise_if_any()
    rows = []
    for criterion, score in parsed.items():
        row, _created = SpanRating.objects.update_or_create(segment=segment, criterion=criterion,
                                                             defaults={"score": score})
        rows.append(row)
    for axis in {c.axis for c in parsed}:
        core_events.record(events.SEGMENT_RATED, segment, actor=actor, payload={
            "axis": axis, "scores": {c.code: s for c, s in parsed.items() if c.axis == axis}})
    return rows


@transaction.atomic
def segment_score_appeals(*, actor: Actor, segment: Segment, scores: dict[str, Any],
                          competitor: Competitor | None = None) -> list[AppealsScore]:
    """Record $APPEALS scores (1–5, one decimal) for us or a named competitor, by factor code."""
    _require_market(actor)
    errors = FieldErrors()
    parsed: dict[str, Decimal] = {}
    for factor, value in scores.items():
        if factor not in AppealsFactor.values:
            errors.add(f"scores.{factor}", _("Not a $APPEALS factor."))
            continue
        number = _decimal(errors, f"scores.{factor}", value, low=Decimal(1), high=Decimal(5))
        if number is not None:
            if number != number.quantize(Decimal("0.1")):
                errors.add(f"scores.{factor}", _("At most one decimal place."))
                continue
            parsed[factor] = number
    if not scores:
        errors.add("scores", _("Score at least one factor."))
    errors.raise_if_any()
    rows = []
    for factor, score in parsed.items():
        row, _created = AppealsScore.objects.update_or_create(segment=segment, competitor=competitor, factor=factor,
                                                              defaults={"score": score})
        rows.append(row)
    core_events.record(events.SEGMENT_APPEALS_SCORED, segment, actor=actor, payload={"changes": {
        "competitor": competitor.name if competitor else None, "scores": {f: str(s) for f, s in parsed.items()}}})
    return rows


def require_financial_gate(segment: Segment) -> None:
    """The financial gate of domain.md 7.3: minimum revenue and gross margin before prioritising."""
    settings = market_selectors.span_settings()
    point = market_selectors.span_points([segment], settings=settings)[0]
    if point.gate.passed:
        return
    errors = []
    if not point.gate.revenue_ok:
        errors.append({"field": "expected_revenue", "reason": _(
            "Expected revenue %(r)s is below the financial gate's minimum %(m)s.") % {
            "r": Money(segment.expected_revenue, segment.currency), "m": Money(settings.gate_min_revenue,
                                                                                settings.gate_currency)}})
    if not point.gate.margin_ok:
        errors.append({"field": "gross_margin_pct", "reason": _(
            "Expected gross margin %(r)s%% is below the financial gate's minimum %(m)s%%.") % {
            "r": segment.gross_margin_pct, "m": settings.gate_min_margin_pct}})
    raise ValidationFailed("; ".join(e["reason"] for e in errors), errors=errors, code="financial_gate")


@transaction.atomic
def segment_prioritise(*, actor: Actor, segment: Segment, note: str = "") -> Segment:
    """CANDIDATE → PRIORITISED, only through the financial gate."""
    _require_market(actor)
    return SEGMENT_MACHINE.apply(segment, SegmentStatus.PRIORITISED, actor=actor, reason=note)


@transaction.atomic
def segment_deprioritise(*, actor: Actor, segment: Segment, note: str = "") -> Segment:
    _require_market(actor)
    return SEGMENT_MACHINE.apply(segment, SegmentStatus.CANDIDATE, actor=actor, reason=note)


@transaction.atomic
def segment_retire(*, actor: Actor, segment: Segment, note: str = "") -> Segment:
    _require_market(actor)
    return SEGMENT_MACHINE.apply(segment, SegmentStatus.RETIRED, actor=actor, reason=note)


# --- configuration --------------------------------------------------------------------------------

@transaction.atomic
def span_criterion_save(*, actor: Actor, code: str, axis: str, name: str, weight: Any, name_en: str = "",
                        position: int = 0, active: bool = True) -> SpanCriterion:
    """Create or change a SPAN criterion (administrators and marketing)."""
    _require_market(actor)
    errors = FieldErrors()
    code_text = errors.text("code", code, required=_("Give the criterion a code."), max_length=40)
    if axis not in SpanAxis.values:
        errors.add("axis", _("Attractiveness or competitive position."))
    label = errors.text("name", name, required=_("Name the criterion."), max_length=200)
    value = _decimal(errors, "weight", weight, low=Decimal("0.01"), high=Decimal(1000))
    errors.raise_if_any()
    criterion, _created = SpanCriterion.objects.update_or_create(code=code_text, defaults={
        "axis": axis, "name": label, "name_en": (name_en or "").strip()[:200], "weight": value,
        "position": position, "active": active})
    criterion.refresh_from_db()
    return criterion


@transaction.atomic
def span_settings_update(*, actor: Actor, midpoint: Any = None, gate_min_revenue: Any = None,
                         gate_currency: str | None = None, gate_min_margin_pct: Any = None) -> SpanSettings:
    """Change the quadrant midpoint or the financial gate (administrators only)."""
    if actor is not None and not actor.has_role(Role.ADMINISTRATOR) and not actor.is_superuser:
        raise PermissionDenied(_("Only administrators change the SPAN settings."))
    errors = FieldErrors()
    data: dict[str, Any] = {}
    if midpoint is not None:
        data["midpoint"] = _decimal(errors, "midpoint", midpoint, low=Decimal(1), high=Decimal(5))
    if gate_min_revenue is not None:
        data["gate_min_revenue"] = _decimal(errors, "gate_min_revenue", gate_min_revenue, low=Decimal(0))
    if gate_currency is not None:
        data["gate_currency"] = errors.run(normalise_currency, gate_currency)
    if gate_min_margin_pct is not None:
        data["gate_min_margin_pct"] = _decimal(errors, "gate_min_margin_pct", gate_min_margin_pct,
                                               low=Decimal(-100), high=HUNDRED)
    errors.raise_if_any()
    settings = market_selectors.span_settings()
    model_update(settings, data.keys(), data)
    settings.refresh_from_db()
    return settings


__all__ = [
    "competitor_create", "require_financial_gate", "segment_create", "segment_deprioritise", "segment_prioritise", "segment_rate",
    "segment_retire", "segment_score_appeals", "segment_size", "segment_update", "span", "span_criterion_save",
    "span_settings_update",
]
