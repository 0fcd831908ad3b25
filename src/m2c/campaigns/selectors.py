"""Campaign reads for this app's pages and for the apps that reference campaigns (leads, opportunities).

Other apps never query ``Campaign`` themselves: they ask here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Campaign
from .states import ACCEPTS_RESPONSES


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("org_unit")


def campaign_get(*, campaign_id: Any) -> Campaign:
    """One campaign by id (404 when there is none)."""
    return get_object_or_404(campaign_list(), pk=campaign_id)


def campaign_by_code(code: str) -> Campaign | None:
    return Campaign.objects.filter(code=code).first()


def campaign_by_ref(ref: Any) -> Campaign | None:
    """A campaign by its code or its id, as channels name it; None when there is none."""
    key = str(ref).strip()
    if not key:
        return None
    found = Campaign.objects.filter(code=key).first()
    if found is None:
        try:
            found = Campaign.objects.filter(pk=uuid.UUID(key)).first()
        except ValueError:
            return None
    return found


def campaign_options(*, accepting_responses: bool = False) -> QuerySet[Campaign]:
    """Campaigns to choose from in a form, newest first; only those accepting responses when asked."""
    qs = Campaign.objects.all()
    if accepting_responses:
        qs = qs.filter(status__in=ACCEPTS_RESPONSES)
    return qs.order_by("-start_date", "code")


def campaign_offering_line_ids(*, campaign: Campaign) -> list[Any]:
    """The offering lines a campaign promotes (a lead that names none takes them)."""
    return list(campaign.offering_lines.order_by("code").values_list("pk", flat=True))
