"""Demo campaigns: a regional roadshow, a corporate launch and an industry summit, with their offering lines.

Idempotent (found by code) and run by ``m2c demo`` before the demo leads, which name these campaigns.
The statuses are set as data: the demo shows campaigns already executed, not their approval history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

CAMPAIGNS = [
    # code, name, level, journey stage, org unit, offering lines, target valid leads, spend, status, days ago (start, end)
    (
        "smart-campus-roadshow",
        "智慧园区巡展（华东）",
        "regional",
        "evaluation",
        "east",
        ["campus", "wlan"],
        40,
        "185000",
        "EXECUTED",
        (12, 10),
    ),
    (
        "corporate-launch-2026",
        "2026 全联接新品发布会",
        "corporate",
        "awareness",
        "hq",
        ["campus", "wlan", "dc"],
        120,
        "1200000",
        "EXECUTED",
        (40, 38),
    ),
    (
        "finance-dc-summit",
        "金融数据中心峰会",
        "customer_group",
        "interest",
        "cg-finance",
        ["dc", "storage"],
        25,
        "260000",
        "IN_EXECUTION",
        (2, -1),
    ),
]


def load(progress: bool = True) -> str:
    """Create the demo campaigns that are missing (found by code); dates are relative to today."""
    from m2c.core.models import OfferingLine, OrgUnit

    from .models import Campaign

    today = timezone.localdate()
    created_count = 0
    for code, name, level, stage, unit, lines, target, spend, status, (start, end) in CAMPAIGNS:
        campaign, created = Campaign.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "journey_stage": stage,
                "org_unit": OrgUnit.objects.filter(code=unit).first(),
                "start_date": today - dt.timedelta(days=start),
                "end_date": today - dt.timedelta(days=end),
                "status": status,
                "target_valid_leads": target,
                "actual_spend": Decimal(spend),
                "currency": "CNY",
            },
        )
        if created:
            campaign.offering_lines.set(OfferingLine.objects.filter(code__in=lines))
            created_count += 1
    return f"campaigns +{created_count}"
