"""Segments, SPAN, $APPEALS and target-account lists over the API. Commands are explicit endpoints."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field

from m2c.core.errors import NotFound
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page, money_out, ref_out, user_ref_out

from .. import selectors, services
from ..models import Segment, TargetList
from ..schemas import (
    AppealsIn,
    LeadsFromListOut,
    MarketCompetitorIn,
    MarketCompetitorOut,
    SegmentDetailOut,
    SegmentIn,
    SegmentNoteIn,
    SegmentOut,
    SegmentPatch,
    SegmentSizingIn,
    SegmentSizingOut,
    SpanCriterionIn,
    SpanCriterionOut,
    SpanRatingsIn,
    SpanSettingsIn,
    SpanSettingsOut,
    TargetAccountOut,
    TargetListIn,
    TargetListOut,
    TargetListPatch,
)
from .requirements import router


def _unit(code: str | None, field: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"No org unit “{code[:40]}”.", field=field)
    return unit


def segment_out(point: selectors.SpanPoint) -> dict[str, Any]:
    s = point.segment
    return {
        "id": s.pk, "code": s.code, "name": s.name, "industry": s.industry, "region": ref_out(s.region),
        "offering_line": ref_out(s.offering_line), "customer_tier": s.customer_tier, "status": s.status,
        "owner": user_ref_out(s.owner), "expected_revenue": money_out(s.expected_revenue, s.currency),
        "gross_margin_pct": s.gross_margin_pct, "appeals_feed_position": s.appeals_feed_position,
        "attractiveness": point.attractiveness, "position": point.position, "position_source": point.position_source,
        "quadrant": point.quadrant, "sam": money_out(point.sam, point.sam_currency) if point.sam is not None else None,
        "gate": {"passed": point.gate.passed, "revenue_ok": point.gate.revenue_ok, "margin_ok": point.gate.margin_ok},
        "version": s.version,
    }


def sizing_out(sizing: Any) -> dict[str, Any]:
    return {"period": sizing.period, "tam": money_out(sizing.tam, sizing.currency),
            "sam": money_out(sizing.sam, sizing.currency), "growth_pct": sizing.growth_pct,
            "share_pct": sizing.share_pct,
            "competitor_shares": [{"competitor": c.competitor.name, "share_pct": c.share_pct}
                                  for c in sizing.competitor_shares.all()]}


def segment_detail_out(request: HttpRequest, segment: Segment) -> dict[str, Any]:
    point = selectors.span_points([segment])[0]
    appeals = selectors.segment_appeals(segment)
    business = selectors.segment_business(user=request.user, segment=segment)
    return {
        **segment_out(point), "description": segment.description, "ratings": point.ratings,
        "sizings": [sizing_out(s) for s in selectors.segment_sizings(segment)],
        "appeals": {"ours": appeals.ours, "competitors": appeals.theirs, "position": appeals.position,
                    "gaps": [{"factor": g.factor, "competitor": g.competitor, "theirs": g.theirs, "ours": g.ours,
                              "gap": g.size} for g in appeals.gaps]},
        "business": {
            "customers": business.customers, "open_opportunities": business.open_count,
            "pipeline": money_out(business.pipeline, _reporting()), "won_this_year": business.won_count,
            "bookings_this_year": money_out(business.bookings, _reporting()),
            "cash_collected": [money_out(v, k) for k, v in sorted(business.cash.items())],
            "plan": money_out(business.plan, business.plan_currency),
        },
    }


def _reporting() -> str:
    from m2c.core.fx import reporting_currency

    return reporting_currency()


def criterion_out(c: Any) -> dict[str, Any]:
    return {"code": c.code, "axis": c.axis, "name": c.name, "name_en": c.name_en, "weight": c.weight,
            "position": c.position, "active": c.active}


def settings_out(s: Any) -> dict[str, Any]:
    return {"midpoint": s.midpoint, "gate_min_revenue": money_out(s.gate_min_revenue, s.gate_currency),
            "gate_min_margin_pct": s.gate_min_margin_pct}


@router.get("/span-criteria", response={200: list[SpanCriterionOut], **ERRORS},
            summary="SPAN criteria and their weights (configuration)")
def list_span_criteria(request: HttpRequest):
    if not getattr(request.user, "is_authenticated", False):
        return []
    return [criterion_out(c) for c in selectors.criteria(active_only=False)]


@router.post("/span-criteria/{code}", response={200: SpanCriterionOut, **ERRORS},
             summary="Create or change a SPAN criterion (marketing, administrators)")
def save_span_criterion(request: HttpRequest, code: str, payload: SpanCriterionIn):
    return criterion_out(services.span_criterion_save(actor=request.user, code=code[:40], **payload.model_dump()))


@router.get("/span-settings", response={200: SpanSettingsOut, **ERRORS},
            summary="The SPAN midpoint (on it counts high/strong) and the financial gate")
def get_span_settings(request: HttpRequest):
    return settings_out(selectors.span_settings())


@router.post("/span-settings", response={200: SpanSettingsOut, **ERRORS},
             summary="Change the midpoint or the financial gate (administrators)")
def update_span_settings(request: HttpRequest, payload: SpanSettingsIn):
    return settings_out(services.span_settings_update(actor=request.user, **payload.model_dump()))


class SegmentFilters(Schema):
    status: str | None = Field(None, max_length=12)
    offering_line: str | None = Field(None, max_length=40)
    industry: str | None = Field(None, max_length=20)
    search: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/market-competitors", response={200: list[MarketCompetitorOut], **ERRORS}, summary="The competitor registry")
def list_competitors(request: HttpRequest):
    if not getattr(request.user, "is_authenticated", False):
        return []
    return [{"id": c.pk, "name": c.name, "description": c.description} for c in selectors.competitor_list()]


@router.post("/market-competitors", response={201: MarketCompetitorOut, **ERRORS}, summary="Register a competitor")
def create_competitor(request: HttpRequest, payload: MarketCompetitorIn):
    c = services.competitor_create(actor=request.user, name=payload.name, description=payload.description)
    return Status(201, {"id": c.pk, "name": c.name, "description": c.description})


@router.get("/segments", response={200: Page[SegmentOut], **ERRORS},
            summary="Segments with their SPAN axes, quadrant, market size and financial gate")
def list_segments(request: HttpRequest, filters: Query[SegmentFilters]):
    qs = selectors.segment_list(user=request.user, **filters.model_dump(exclude={"page", "page_size"}))
    result = paginate(qs, page=filters.page, page_size=filters.page_size)
    result["items"] = [segment_out(p) for p in selectors.span_points(result["items"])]
    return result


@router.post("/segments", response={201: SegmentDetailOut, **ERRORS}, summary="Create a candidate segment")
def create_segment(request: HttpRequest, payload: SegmentIn):
    data = payload.model_dump()
    line = OfferingLine.objects.filter(code=data.pop("offering_line")).first()
    segment = services.segment_create(actor=request.user, region=_unit(data.pop("region"), "region"),
                                      offering_line=line, **data)
    return Status(201, segment_detail_out(request, segment))


def _segment(request: HttpRequest, segment_id: uuid.UUID) -> Segment:
    return selectors.segment_get(user=request.user, segment_id=segment_id)


@router.get("/segments/{segment_id}", response={200: SegmentDetailOut, **ERRORS},
            summary="One segment: sizing, SPAN, $APPEALS gaps, customers, pipeline, bookings and cash")
def get_segment(request: HttpRequest, segment_id: uuid.UUID):
    return segment_detail_out(request, _segment(request, segment_id))


@router.patch("/segments/{segment_id}", response={200: SegmentDetailOut, **ERRORS}, summary="Change a segment")
def update_segment(request: HttpRequest, segment_id: uuid.UUID, payload: SegmentPatch):
    segment = _segment(request, segment_id)
    services.segment_update(actor=request.user, segment=segment, **payload.model_dump(exclude_unset=True))
    return segment_detail_out(request, segment)


@router.post("/segments/{segment_id}/sizing", response={200: SegmentSizingOut, **ERRORS},
             summary="Record the segment's TAM, SAM, growth and shares for a period")
def size_segment(request: HttpRequest, segment_id: uuid.UUID, payload: SegmentSizingIn):
    sizing = services.segment_size(actor=request.user, segment=_segment(request, segment_id), **payload.model_dump())
    return sizing_out(sizing)


@router.post("/segments/{segment_id}/ratings", response={200: SegmentDetailOut, **ERRORS},
             summary="Record SPAN ratings (1–5) by criterion code")
def rate_segment(request: HttpRequest, segment_id: uuid.UUID, payload: SpanRatingsIn):
    segment = _segment(request, segment_id)
    services.segment_rate(actor=request.user, segment=segment, scores=payload.scores)
    return segment_detail_out(request, segment)


@router.post("/segments/{segment_id}/appeals", response={200: SegmentDetailOut, **ERRORS},
             summary="Record $APPEALS scores (1–5) for us or a named competitor")
def score_appeals(request: HttpRequest, segment_id: uuid.UUID, payload: AppealsIn):
    segment = _segment(request, segment_id)
    competitor = None
    if payload.competitor:
        competitor = selectors.competitor_list(active_only=False).filter(name=payload.competitor).first()
        if competitor is None:
            raise NotFound(f"No competitor “{payload.competitor[:60]}”.", field="competitor")
    services.segment_score_appeals(actor=request.user, segment=segment, competitor=competitor,
                                   scores=payload.scores)
    return segment_detail_out(request, segment)


def _command(name: str, fn: Any, summary: str) -> None:
    def handler(request: HttpRequest, segment_id: uuid.UUID, payload: SegmentNoteIn):
        segment = _segment(request, segment_id)
        fn(actor=request.user, segment=segment, note=payload.note)
        return segment_detail_out(request, segment)

    handler.__name__ = f"{name}_segment"
    router.post(f"/segments/{{segment_id}}/{name}", response={200: SegmentDetailOut, **ERRORS}, summary=summary)(handler)


_command("prioritise", services.segment_prioritise, "CANDIDATE → PRIORITISED, through the financial gate")
_command("deprioritise", services.segment_deprioritise, "PRIORITISED → CANDIDATE")
_command("retire", services.segment_retire, "Retire the segment")


# --- target-account lists ------------------------------------------------------------------------

def target_list_out(t: TargetList) -> dict[str, Any]:
    return {
        "id": t.pk, "name": t.name, "segment": ref_out(t.segment) if t.segment_id else None,
        "org_unit": ref_out(t.org_unit), "industries": t.industries, "region": ref_out(t.region) if t.region_id else None,
        "tiers": t.tiers, "installed_base": t.installed_base, "no_open_opportunity": t.no_open_opportunity,
        "last_contact_days": t.last_contact_days, "refreshed_at": t.refreshed_at, "member_count": t.member_count,
    }


class PageFilters(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/target-lists", response={200: Page[TargetListOut], **ERRORS}, summary="Target-account lists")
def list_target_lists(request: HttpRequest, filters: Query[PageFilters]):
    return paginate(selectors.target_list_list(user=request.user), page=filters.page, page_size=filters.page_size,
                    serialize=target_list_out)


@router.post("/target-lists", response={201: TargetListOut, **ERRORS},
             summary="Save target-account criteria (refresh to fill the list)")
def create_target_list(request: HttpRequest, payload: TargetListIn):
    data = payload.model_dump()
    segment = None
    if data.pop("segment"):
        segment = selectors.segment_get(user=request.user, segment_id=payload.segment)
    target = services.target_list_create(
        actor=request.user, segment=segment, org_unit=_unit(data.pop("org_unit"), "org_unit"),
        region=_unit(data.pop("region"), "region"), **data)
    return Status(201, target_list_out(target))


def _target(request: HttpRequest, target_list_id: uuid.UUID) -> TargetList:
    return selectors.target_list_get(user=request.user, target_list_id=target_list_id)


@router.get("/target-lists/{target_list_id}", response={200: TargetListOut, **ERRORS}, summary="One list")
def get_target_list(request: HttpRequest, target_list_id: uuid.UUID):
    return target_list_out(_target(request, target_list_id))


@router.patch("/target-lists/{target_list_id}", response={200: TargetListOut, **ERRORS}, summary="Change criteria")
def update_target_list(request: HttpRequest, target_list_id: uuid.UUID, payload: TargetListPatch):
    target = _target(request, target_list_id)
    data = payload.model_dump(exclude_unset=True)
    if "region" in data:
        data["region"] = _unit(data["region"], "region")
    services.target_list_update(actor=request.user, target_list=target, **data)
    return target_list_out(target)


@router.post("/target-lists/{target_list_id}/refresh", response={200: TargetListOut, **ERRORS},
             summary="Run the criteria now and store the matching customers")
def refresh_target_list(request: HttpRequest, target_list_id: uuid.UUID):
    return target_list_out(services.target_list_refresh(actor=request.user, target_list=_target(request, target_list_id)))


@router.post("/target-lists/{target_list_id}/leads", response={200: LeadsFromListOut, **ERRORS},
             summary="Raise a lead per member through the lead rules, the segment recorded as source")
def leads_from_target_list(request: HttpRequest, target_list_id: uuid.UUID):
    return services.target_list_to_leads(actor=request.user, target_list=_target(request, target_list_id))


@router.get("/target-lists/{target_list_id}/members", response={200: Page[TargetAccountOut], **ERRORS},
            summary="The accounts on the list since its last refresh (a campaign audience)")
def list_target_accounts(request: HttpRequest, target_list_id: uuid.UUID, filters: Query[PageFilters]):
    target = _target(request, target_list_id)

    def out(m: Any) -> dict[str, Any]:
        c = m.customer
        return {"customer_id": c.pk, "legal_name": c.legal_name, "industry": c.industry, "tier": c.tier,
                "org_unit": c.org_unit.code if c.org_unit_id else None, "added_at": m.added_at, "lead_id": m.lead_id}

    return paginate(selectors.target_list_members(target), page=filters.page, page_size=filters.page_size,
                    serialize=out)
