"""One journey (issue 11 item 3): where a customer stands along the buyer journey, which responses moved it
there, and the next stage's campaign to invite it to, for the customer page, the lead page and the
nurture list.

The customer's stage is the furthest one its responses reached (``CustomerJourney``, moved forward by
``services.responses.journey_advance``, never back). A lead's own ``journey_stage`` only says where the
lead was captured; when the lead names a customer that has a journey, the customer's stage decides what
comes next (a customer who went on to a decision-stage event is not invited to an interest-stage one
because an old lead says so).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from .models import Campaign, CampaignResponse, CustomerJourney, JourneyStage
from .selectors import next_campaign_for

STAGE_LABELS = dict(JourneyStage.choices)
NURTURE_ROWS = 200


def customer_stages(customer_ids: list[Any]) -> dict[str, str]:
    """{customer id (str): journey stage} for those of ``customer_ids`` that have one, in one query."""
    wanted = [c for c in customer_ids if c]
    if not wanted:
        return {}
    return {str(c): s for c, s in CustomerJourney.objects.filter(customer_id__in=wanted).values_list("customer_id", "stage")}


def _region(unit: Any) -> Any:
    """The region a customer's or lead's unit belongs to (campaigns run per region), else the unit."""
    if unit is None:
        return None
    return unit.region() or unit


def journey_moves(customer_id: Any) -> list[dict[str, Any]]:
    """The responses that moved the customer along the journey, oldest first: when, which campaign, what
    kind of response, and the stage before and after."""
    from m2c.core.models import Event

    from .events_responses import JOURNEY_ADVANCED

    events = list(Event.objects.filter(event_type=JOURNEY_ADVANCED, payload__customer=str(customer_id))
                  .order_by("occurred_at", "id").values_list("subject_id", "from_state", "to_state", "occurred_at"))
    ids = []
    for subject_id, *_rest in events:
        try:
            ids.append(uuid.UUID(str(subject_id)))
        except ValueError:
            continue
    responses = {str(r.pk): r for r in CampaignResponse.objects.filter(pk__in=ids).select_related("campaign")}
    moves = []
    for subject_id, before, after, occurred_at in events:
        response = responses.get(str(subject_id))
        moves.append({
            "response": response.pk if response else subject_id,
            "at": response.responded_at if response else occurred_at,
            "campaign": response.campaign if response else None,
            "type": response.type if response else "",
            "type_label": response.get_type_display() if response else "",
            "from_stage": before or "", "from_label": STAGE_LABELS.get(before or "", ""),
            "to_stage": after or "", "to_label": STAGE_LABELS.get(after or "", after or ""),
        })
    return moves


def customer_journey(*, customer: Any, on: dt.date | None = None) -> dict[str, Any]:
    """The customer page's journey panel: the current stage, the moves, and the next stage's campaign in
    the customer's region for the offering lines of the campaigns it responded to."""
    stage = customer_stages([customer.pk]).get(str(customer.pk))
    moves = journey_moves(customer.pk) if stage else []
    campaign_ids = {m["campaign"].pk for m in moves if m["campaign"] is not None}
    lines = list(Campaign.offering_lines.through.objects.filter(campaign_id__in=campaign_ids)
                 .values_list("offeringline_id", flat=True).distinct()) if campaign_ids else []
    following = None
    if stage:
        following = next_campaign_for(stage=stage, offering_line_ids=lines, region=_region(customer.org_unit),
                                      on=on or timezone.localdate())
    return {"stage": stage or "", "stage_label": STAGE_LABELS.get(stage or "", ""), "moves": moves,
            "next_campaign": following, "stages": [{"code": code, "label": label, "reached": bool(stage) and
                                                    list(STAGE_LABELS).index(code) <= list(STAGE_LABELS).index(stage)}
                                                   for code, label in JourneyStage.choices]}


def lead_stage(lead: Any, stages: dict[str, str] | None = None) -> tuple[str, str]:
    """(stage, whose): the customer's journey stage when the lead names a customer that has one
    (``"customer"``), else the lead's own (``"lead"``). ``stages`` is ``customer_stages``' answer when the
    caller read many at once."""
    if lead.customer_id:
        known = stages if stages is not None else customer_stages([lead.customer_id])
        if str(lead.customer_id) in known:
            return known[str(lead.customer_id)], "customer"
    return lead.journey_stage or "", "lead"


def next_campaign_for_lead(lead: Any, *, stages: dict[str, str] | None = None, on: dt.date | None = None,
                           line_ids: list[Any] | None = None) -> Campaign | None:
    """The next stage's campaign for a nurtured lead, from its customer's journey stage (``lead_stage``), in
    the lead's region and offering lines."""
    stage, _whose = lead_stage(lead, stages)
    if not stage:
        return None
    if line_ids is None:
        line_ids = [line.pk for line in lead.offering_lines.all()]
    return next_campaign_for(stage=stage, offering_line_ids=line_ids, region=_region(lead.region), on=on)


def nurture_list(*, user: Any, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Marketing's nurture list: each customer (or, without one, each lead) in nurture, whose leads the
    user may see, with its journey stage and the next stage's campaign to invite it to."""
    from m2c.leads import selectors as lead_selectors
    from m2c.leads.states import LeadStatus

    on = on or timezone.localdate()
    leads = list(lead_selectors.lead_list(user=user, status=[LeadStatus.RECYCLED, LeadStatus.NURTURING])
                 .prefetch_related("offering_lines")[:NURTURE_ROWS])
    stages = customer_stages([lead.customer_id for lead in leads])
    rows: dict[str, dict[str, Any]] = {}
    suggestions: dict[tuple[Any, ...], Campaign | None] = {}
    for lead in leads:
        key = f"c:{lead.customer_id}" if lead.customer_id else f"l:{lead.pk}"
        line_ids = sorted(line.pk for line in lead.offering_lines.all())
        row = rows.get(key)
        if row is None:
            stage, whose = lead_stage(lead, stages)
            row = rows[key] = {"customer": lead.customer, "name": lead.company_name, "stage": stage,
                               "stage_label": STAGE_LABELS.get(stage, ""), "whose": whose, "leads": [], "lines": set(), "next_campaign": None}
        row["leads"].append(lead)
        row["lines"].update(line_ids)
        row["region"] = row.get("region") or lead.region
    for row in rows.values():
        region = _region(row["region"])
        memo = (row["stage"], tuple(sorted(row["lines"])), region.pk if region else None)
        if memo not in suggestions:
            suggestions[memo] = next_campaign_for(stage=row["stage"], offering_line_ids=list(memo[1]), region=region,
                                                  on=on) if row["stage"] else None
        row["next_campaign"] = suggestions[memo]
    return sorted(rows.values(), key=lambda r: (r["next_campaign"] is None, r["name"]))
