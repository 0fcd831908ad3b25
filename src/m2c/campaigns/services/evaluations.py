"""Campaign evaluations (domain.md 7.4, 7.7, 11.1): due at T+30, T+90 and T+180 days after the end,
created by the worker, recorded by marketing with a review and a snapshot of the live figures.

Recording T+30 moves an executed campaign to EVALUATED; the T+180 evaluation lets it close (domain.md
11.1). The figures are targets against actuals: valid leads, opportunities, pipeline, bookings and cash
collected (sourced attribution), cost per valid lead and per opportunity, budget utilisation, abandoned and
lost counts, and the cash ROI to date."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors
from m2c.core.roles import Actor, authenticated

from .. import events
from ..attribution import SOURCED, cash_roi
from ..lead_quality import campaign_lead_quality, snapshot
from ..models import CHECKPOINT_DAYS, Campaign, CampaignEvaluation, Checkpoint
from ..states import CampaignStatus
from ..states_evaluations import EVALUATION_MACHINE
from .campaigns import _require, campaign_evaluate

S = CampaignStatus
EVALUATED_STATES = (S.EXECUTED, S.EVALUATED, S.CLOSED)


def _ratio(part: Decimal, whole: Decimal, places: str = "0.01") -> Decimal | None:
    return (part / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP) if whole else None


def campaign_figures(campaign: Campaign, *, on: dt.date | None = None, model: str = SOURCED,
                     roi: dict[str, Any] | None = None, quality: dict[str, Any] | None = None) -> dict[str, Any]:
    """Targets against live actuals, costs, utilisation and the cash ROI to date (strings, for the snapshot).

    ``roi`` is ``cash_roi``'s answer and ``quality`` ``campaign_lead_quality``'s when the caller already has
    them (the campaign page shows each)."""
    from m2c.leads import selectors as lead_selectors
    from m2c.opportunities import selectors as opportunity_selectors

    on = on or timezone.localdate()
    leads = lead_selectors.campaign_lead_outcomes(campaign=campaign)
    opps = opportunity_selectors.campaign_outcomes(campaign=campaign)
    roi = roi or cash_roi(campaign, on=on, model=model)
    spend = campaign.actual_spend
    opportunities = opps["open"] + opps["on_hold"] + opps["won"] + opps["lost"] + opps["abandoned"]
    rows = [
        ("valid_leads", campaign.target_valid_leads, leads["valid"]),
        ("opportunities", campaign.target_opportunities, opportunities),
        ("pipeline", campaign.target_pipeline, opps["pipeline"]),
        ("bookings", campaign.target_bookings, opps["bookings"]),
        ("cash", campaign.target_cash, roi["cash"].amount),
    ]
    return {
        "on": on.isoformat(), "model": model, "currency": campaign.currency,
        "reporting_currency": opps["currency"],
        "targets": {key: str(target) for key, target, _actual in rows},
        "actuals": {key: str(actual) for key, _target, actual in rows},
        "attainment": {key: str(a) if (a := _ratio(Decimal(actual), Decimal(target))) is not None else None
                       for key, target, actual in rows},
        "leads": leads["leads"], "invalid_leads": leads["invalid"], "duplicates": leads["duplicates"],
        "won": opps["won"], "lost": opps["lost"], "abandoned": opps["abandoned"],
        "spend": str(spend), "committed": str(campaign.committed_amount),
        "cost_per_valid_lead": str(c) if (c := _ratio(spend, Decimal(leads["valid"]))) is not None else None,
        "cost_per_opportunity": str(c) if (c := _ratio(spend, Decimal(opportunities))) is not None else None,
        "budget_utilisation": str(u) if (u := _ratio(spend * 100, campaign.committed_amount, "0.1")) is not None
        else None,
        "cash_roi": str(roi["roi"]) if roi["roi"] is not None else None,
        # Lead-quality feedback (domain.md 7.7): what sales made of the campaign's leads, as of this evaluation.
        "lead_quality": snapshot(quality or campaign_lead_quality(campaign)),
    }


@transaction.atomic
def evaluations_schedule(*, today: dt.date | None = None) -> int:
    """Create the evaluations that have come due (the worker runs this daily); returns how many."""
    today = today or timezone.localdate()
    created = 0
    for campaign in Campaign.objects.filter(status__in=EVALUATED_STATES, end_date__lte=today - dt.timedelta(days=30)):
        have = set(campaign.evaluations.values_list("checkpoint", flat=True))
        for checkpoint, days in CHECKPOINT_DAYS.items():
            due = campaign.end_date + dt.timedelta(days=days)
            if checkpoint in have or due > today:
                continue
            evaluation = CampaignEvaluation.objects.create(campaign=campaign, checkpoint=checkpoint, due_on=due)
            core_events.record(events.EVALUATION_DUE, campaign, actor=None, payload={
                "evaluation": evaluation.pk, "checkpoint": checkpoint, "due_on": due.isoformat()})
            created += 1
    return created


@transaction.atomic
def evaluation_record(*, evaluation: CampaignEvaluation, actor: Actor, review: str,
                      today: dt.date | None = None) -> CampaignEvaluation:
    """Record a due evaluation with the written review; T+30 moves an executed campaign to EVALUATED."""
    _require(actor)
    errors = FieldErrors()
    review = errors.text("review", review, required=_("Write what the campaign achieved and what to change."),
                         max_length=5000)
    errors.raise_if_any()
    locked = CampaignEvaluation.objects.select_for_update().select_related("campaign").get(pk=evaluation.pk)
    if locked.status == CampaignEvaluation.Status.RECORDED:
        raise Conflict(_("This evaluation is already recorded."), code="evaluation_recorded")
    campaign = locked.campaign
    figures = campaign_figures(campaign, on=today)
    # DUE → RECORDED through the table (states_evaluations): the row is already locked above.
    EVALUATION_MACHINE.apply(locked, CampaignEvaluation.Status.RECORDED, actor=actor, held=True, subject=campaign,
                             context={"review": review},
                             changes={"figures": figures, "review": review, "recorded_at": timezone.now(),
                                      "recorded_by": authenticated(actor)},
                             payload={"evaluation": locked.pk, "checkpoint": locked.checkpoint,
                                      "cash_roi": figures.get("cash_roi"),
                                      "valid_leads": figures["actuals"]["valid_leads"]})
    if locked.checkpoint == Checkpoint.T30 and campaign.status == S.EXECUTED:
        campaign_evaluate(campaign=campaign, actor=actor)
    evaluation.__dict__.update({k: getattr(locked, k) for k in ("figures", "review", "status", "recorded_at")})
    return locked
