"""Segment pages: the SPAN portfolio (bubble chart), one segment with sizing, ratings, $APPEALS and business."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.fx import reporting_currency
from m2c.core.selectors import offering_line_list
from m2c.customers.models import Industry

from .. import selectors, services
from ..forms import AppealsForm, RatingsForm, SegmentForm, SizingForm
from ..models import Segment
from ..states import MARKET_ROLES, SEGMENT_MACHINE, AppealsFactor, Quadrant, SegmentStatus, SpanAxis

# Quadrant colours: green grow, blue acquire skills, amber harvest, grey avoid.
COLOURS = {Quadrant.GROW: "#2f9e44", Quadrant.ACQUIRE_SKILLS: "#1971c2", Quadrant.HARVEST: "#f08c00",
           Quadrant.AVOID: "#868e96"}
COMMANDS = {"prioritise": services.segment_prioritise, "deprioritise": services.segment_deprioritise,
            "retire": services.segment_retire}


def can_plan(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*MARKET_ROLES))


def _planner(request: HttpRequest) -> None:
    if not can_plan(request.user):
        raise Forbidden(_("Only marketing may change segments."))


def span_chart(points: list[selectors.SpanPoint], midpoint: Any) -> dict[str, Any]:
    """The bubble chart's spec for web/home.js: x position, y attractiveness, size SAM, colour quadrant."""
    labels = dict(Quadrant.choices)
    return {
        "kind": "bubble", "x_name": str(SpanAxis.POSITION.label), "y_name": str(SpanAxis.ATTRACTIVENESS.label),
        "size_name": _("SAM"),
        "midpoint": midpoint, "min": 1, "max": 5,
        "quadrants": [{"key": k, "name": str(labels[k]), "color": COLOURS[k]} for k in COLOURS],
        "points": [{
            "name": p.segment.name, "x": p.position, "y": p.attractiveness, "size": p.sam or 0,
            "size_label": f"{p.sam:,.0f} {p.sam_currency}" if p.sam is not None else "",
            "quadrant": p.quadrant, "url": reverse("insight:segment-detail", args=[p.segment.pk]),
        } for p in points if p.quadrant],
    }


@login_required
def segment_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("status", "offering_line", "industry", "search")}
    qs = selectors.segment_list(user=request.user, **{k: v or None for k, v in params.items()})
    settings = selectors.span_settings()
    points = selectors.span_points(list(qs[:200]), settings=settings)
    return render(request, "insight/segment_list.html", {
        "points": points, "params": params, "settings": settings, "can_plan": can_plan(request.user),
        "charts": {"span-chart": span_chart(points, settings.midpoint)}, "statuses": SegmentStatus.choices,
        "industries": Industry.choices, "offering_lines": offering_line_list(), "quadrants": dict(Quadrant.choices),
        "unplotted": [p for p in points if not p.quadrant],
    })


@login_required
def segment_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = SegmentForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Segment created."))
            return redirect("insight:segment-detail", segment.pk)
    return render(request, "insight/segment_form.html", {"form": form, "creating": True, "wide": SegmentForm.WIDE},
                  status=422 if form.errors else 200)


def _initial(segment: Segment) -> dict[str, Any]:
    return {"name": segment.name, "description": segment.description, "currency": segment.currency,
            "expected_revenue": segment.expected_revenue, "gross_margin_pct": segment.gross_margin_pct,
            "appeals_feed_position": segment.appeals_feed_position}


@login_required
def segment_edit(request: HttpRequest, segment_id: Any) -> HttpResponse:
    _planner(request)
    segment = selectors.segment_get(user=request.user, segment_id=segment_id)
    form = SegmentForm(request.POST or None, initial=_initial(segment))
    if request.method == "POST" and form.is_valid():
        try:
            services.segment_update(actor=request.user, segment=segment, **form.service_data(changed_only=True))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Segment saved."))
            return redirect("insight:segment-detail", segment.pk)
    return render(request, "insight/segment_form.html",
                  {"form": form, "segment": segment, "creating": False, "wide": SegmentForm.WIDE},
                  status=422 if form.errors else 200)


def _post(request: HttpRequest, segment: Segment, forms: dict[str, Any]) -> bool:
    """Run the posted command; True when it went through (the page then redirects)."""
    action = request.POST.get("action", "")
    try:
        if action in COMMANDS:
            COMMANDS[action](actor=request.user, segment=segment, note=request.POST.get("note", "")[:2000])
        elif action == "sizing" and forms["sizing"].is_valid():
            f = forms["sizing"]
            services.segment_size(actor=request.user, segment=segment, competitor_shares=f.shares(),
                                  **{k: f.cleaned_data[k] for k in ("period", "tam", "sam", "currency",
                                                                    "growth_pct", "share_pct")})
        elif action == "ratings" and forms["ratings"].is_valid():
            services.segment_rate(actor=request.user, segment=segment, scores=forms["ratings"].scores())
        elif action == "appeals" and forms["appeals"].is_valid():
            services.segment_score_appeals(actor=request.user, segment=segment, scores=forms["appeals"].scores(),
                                           competitor=forms["appeals"].cleaned_data["competitor"])
        else:
            return False
    except DomainError as exc:
        if action in forms:
            forms[action].add_domain_error(exc)
        else:
            messages.error(request, exc.detail)
            return True
        return False
    messages.success(request, _("Segment updated."))
    return True


def radar_chart(appeals: Any) -> dict[str, Any]:
    labels = dict(AppealsFactor.choices)
    series = [{"name": _("Us"), "data": [appeals.ours.get(f) for f in AppealsFactor.values]}]
    series += [{"name": name, "data": [scores.get(f) for f in AppealsFactor.values]}
               for name, scores in sorted(appeals.theirs.items())]
    return {"kind": "radar", "indicators": [{"name": str(labels[f]), "max": 5} for f in AppealsFactor.values],
            "series": series}


@login_required
def segment_detail(request: HttpRequest, segment_id: Any) -> HttpResponse:
    segment = selectors.segment_get(user=request.user, segment_id=segment_id)
    criteria = list(selectors.criteria())
    competitors = selectors.competitor_list()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    forms = {
        "sizing": SizingForm(data if action == "sizing" else None, competitors=competitors, prefix="sizing"),
        "ratings": RatingsForm(data if action == "ratings" else None, criteria=criteria, prefix="ratings"),
        "appeals": AppealsForm(data if action == "appeals" else None, competitors=competitors, prefix="appeals"),
    }
    if request.method == "POST":
        _planner(request)
        if _post(request, segment, forms):
            return redirect("insight:segment-detail", segment.pk)
    settings = selectors.span_settings()
    point = selectors.span_points([segment], settings=settings)[0]
    if not forms["ratings"].is_bound:
        forms["ratings"].initial = {f"c_{code}": str(score) for code, score in point.ratings.items()}
    appeals = selectors.segment_appeals(segment)
    business = selectors.segment_business(user=request.user, segment=segment)
    ratings = [(c, point.ratings.get(c.code)) for c in criteria]
    return render(request, "insight/segment_detail.html", {
        "segment": segment, "point": point, "settings": settings, "forms": forms, "ratings": ratings,
        "axes": SpanAxis.choices, "appeals": appeals, "factors": AppealsFactor.choices,
        "appeal_rows": [(label, appeals.ours.get(f), [(n, s.get(f)) for n, s in sorted(appeals.theirs.items())])
                        for f, label in AppealsFactor.choices],
        "competitor_names": sorted(appeals.theirs),
        "business": business, "reporting_currency": reporting_currency(),
        "customers": list(selectors.segment_customers(user=request.user, segment=segment)[:20]),
        "sizings": selectors.segment_sizings(segment), "targets": SEGMENT_MACHINE.targets(segment.status),
        "target_lists": selectors.target_list_list(user=request.user, segment=segment.pk)[:10],
        "can_plan": can_plan(request.user), "quadrants": dict(Quadrant.choices),
        "timeline": core_events.timeline_labelled(segment)[:20],
        "charts": {"appeals-radar": radar_chart(appeals)} if appeals.ours or appeals.theirs else {},
        "suggested_competitors": selectors.competitor_names_seen(user=request.user, limit=8) if can_plan(request.user) else [],
    }, status=422 if any(f.errors for f in forms.values()) else 200)
