"""The campaign page's outcome panel: targets against live actuals with a chart, the cash ROI to date under
the chosen attribution model, and the T+30 / T+90 / T+180 evaluations, recorded here by marketing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError
from m2c.core.forms import M2CForm

from .. import selectors, services
from ..attribution import INFLUENCED, MODELS, SOURCED, cash_roi
from .campaigns import _planner


class EvaluationForm(M2CForm):
    review = forms.CharField(label=gettext_lazy("Written review"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


MODEL_LABELS = {SOURCED: gettext_lazy("Sourced (100 % to the campaign that sourced the deal)"),
                INFLUENCED: gettext_lazy("Influenced (40/20/40 over the touches; two touches 50/50)")}


def _percent(ratio: Any) -> Decimal | None:
    """A stored ratio (0.83, "-1.000") as a percentage (83, -100) for display."""
    return None if ratio in (None, "") else Decimal(str(ratio)) * 100


def outcome_context(campaign: Any, user: Any, *, model: str = SOURCED, form: EvaluationForm | None = None,
                    form_for: int | None = None, quality: dict[str, Any] | None = None) -> dict[str, Any]:
    model = model if model in MODELS else SOURCED
    roi = cash_roi(campaign, model=model)
    figures = services.campaign_figures(campaign, model=model, roi=roi, quality=quality)
    counts = ("valid_leads", "opportunities")
    labels = {"valid_leads": _("Valid leads"), "opportunities": _("Opportunities"), "pipeline": _("Pipeline"),
              "bookings": _("Bookings"), "cash": _("Cash collected")}
    evaluations = list(campaign.evaluations.select_related("recorded_by").order_by("due_on"))
    can_plan = selectors.campaign_can_plan(user)
    return {
        "outcome": {"figures": figures, "roi": roi, "model": model, "model_label": MODEL_LABELS[model],
                    "models": [(m, MODEL_LABELS[m]) for m in MODELS],
                    "roi_percent": _percent(roi["roi"]),
                    "rows": [(labels[k], figures["targets"][k], figures["actuals"][k],
                              _percent(figures["attainment"][k]), k not in counts) for k in labels]},
        "evaluations": [(e, (form if form_for == e.pk else EvaluationForm()) if can_plan and e.status == "DUE" else None,
                         _percent((e.figures or {}).get("cash_roi"))) for e in evaluations],
        "outcome_charts": {
            "chart-outcomes": {"kind": "bar", "labels": [str(labels[k]) for k in counts], "series": [
                {"name": _("Target"), "data": [int(Decimal(figures["targets"][k])) for k in counts]},
                {"name": _("Actual"), "data": [int(Decimal(figures["actuals"][k])) for k in counts]}]},
            "chart-money-outcomes": {"kind": "bar", "labels": [str(labels[k]) for k in ("pipeline", "bookings", "cash")],
                                     "series": [
                {"name": _("Target"), "data": [float(figures["targets"][k]) for k in ("pipeline", "bookings", "cash")]},
                {"name": _("Actual"), "data": [float(figures["actuals"][k]) for k in ("pipeline", "bookings", "cash")]}]},
        },
    }


@login_required
@require_POST
def evaluation_record(request: HttpRequest, campaign_id: Any, evaluation_id: int) -> HttpResponse:
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    evaluation = get_object_or_404(campaign.evaluations.all(), pk=evaluation_id)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_record(evaluation=evaluation, actor=request.user, review=form.cleaned_data["review"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Evaluation recorded."))
            return redirect("campaigns:detail", campaign.pk)
    from .budgets import _campaign_page

    return _campaign_page(request, campaign, evaluation_form=form, evaluation_for=evaluation.pk)
