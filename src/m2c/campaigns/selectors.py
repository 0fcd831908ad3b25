from __future__ import annotations

from django.db.models import QuerySet

from .models import Campaign


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("org_unit")


def campaign_by_code(code: str) -> Campaign | None:
    return Campaign.objects.filter(code=code).first()
