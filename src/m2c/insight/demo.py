"""Demo market management: six segments with their sizing, SPAN ratings and $APPEALS scores, two registered
competitors (the ones the demo deals name), the financial gate, and a refreshed target-account list.

So a new user opens 市场洞察 → 细分市场 and sees a living SPAN chart: one bubble per segment, in all four
quadrants. Idempotent (segments found by code); everything goes through the services.
"""

from __future__ import annotations

COMPETITORS = [("Vendor Z", "园区与数据中心全线竞争对手，渠道覆盖广"), ("Vendor Y", "价格激进的区域厂商")]

# code, name, industry, region, line, tier, revenue, margin %, (TAM, SAM, growth %, share %), {competitor: share %},
# attractiveness (size, growth, profit, strategic), position (differentiation, cost), $APPEALS feeds position
SEGMENTS = [
    ("edu-east-campus", "华东高校园区网", "education", "east", "campus", "", "60000000", "32",
     ("1200000000", "420000000", "14", "22"), {"Vendor Z": "30", "Vendor Y": "12"}, (5, 4, 3, 4), (4, 3), False),
    ("fin-east-dc", "华东金融数据中心网络", "finance", "east", "dc", "strategic", "85000000", "38",
     ("2600000000", "900000000", "18", "9"), {"Vendor Z": "41"}, (5, 5, 4, 5), (2, 3), True),
    ("gov-north-campus", "华北政务园区网", "government", "north", "campus", "", "40000000", "27",
     ("800000000", "260000000", "8", "15"), {"Vendor Z": "35", "Vendor Y": "20"}, (4, 3, 3, 5), (2, 2), False),
    ("health-south-wlan", "华南医疗无线网络", "healthcare", "south", "wlan", "", "18000000", "30",
     ("300000000", "120000000", "6", "28"), {"Vendor Y": "25"}, (2, 2, 3, 2), (4, 4), False),
    ("mfg-west-optical", "西部制造光传送", "manufacturing", "west", "optical", "", "6000000", "18",
     ("500000000", "90000000", "3", "4"), {"Vendor Z": "45"}, (2, 2, 2, 3), (2, 1), False),
    ("energy-north-security", "华北能源网络安全", "energy", "north", "security", "strategic", "25000000", "35",
     ("600000000", "150000000", "12", "11"), {"Vendor Z": "20", "Vendor Y": "9"}, (3, 4, 3, 3), (3, 4), False),
]
CRITERIA = ("market_size", "growth", "profit_potential", "strategic_value")
APPEALS = {
    "fin-east-dc": {None: {"price": "3", "availability": "4", "packaging": "3.5", "performance": "4.5",
                           "ease_of_use": "3", "assurances": "4", "life_cycle_cost": "3.5", "social_acceptance": "3"},
                    "Vendor Z": {"price": "3.5", "availability": "4.5", "packaging": "4", "performance": "4",
                                 "ease_of_use": "4", "assurances": "4.5", "life_cycle_cost": "3.5",
                                 "social_acceptance": "4.5"}},
    "edu-east-campus": {None: {"price": "4", "availability": "4.5", "packaging": "4", "performance": "4.5",
                               "ease_of_use": "4", "assurances": "4", "life_cycle_cost": "4",
                               "social_acceptance": "4"},
                        "Vendor Z": {"price": "3.5", "availability": "4", "packaging": "4", "performance": "4",
                                     "ease_of_use": "4.5", "assurances": "4", "life_cycle_cost": "3.5",
                                     "social_acceptance": "4.5"},
                        "Vendor Y": {"price": "4.5", "availability": "3.5", "packaging": "3", "performance": "3",
                                     "ease_of_use": "3.5", "assurances": "3", "life_cycle_cost": "4",
                                     "social_acceptance": "3"}},
}


def load(progress: bool = True) -> str:
    from django.db import transaction
    from django.utils import timezone

    from m2c.core.models import OfferingLine, OrgUnit, User

    from . import selectors, services
    from .models import Competitor, Segment

    actor = User.objects.filter(username="mkt.hq").first()
    admin = User.objects.filter(is_superuser=True).first()
    created = 0
    with transaction.atomic():
        for name, description in COMPETITORS:
            if not Competitor.objects.filter(name=name).exists():
                services.competitor_create(actor=actor, name=name, description=description)
        settings = selectors.span_settings()
        if settings.gate_min_revenue == 0:
            services.span_settings_update(actor=admin, gate_min_revenue="10000000", gate_currency="CNY",
                                          gate_min_margin_pct="20")
        competitors = {c.name: c for c in Competitor.objects.all()}
        year = str(timezone.localdate().year)
        for (code, name, industry, region, line, tier, revenue, margin, (tam, sam, growth, share), shares,
             attractiveness, position, feeds) in SEGMENTS:
            if Segment.objects.filter(code=code).exists():
                continue
            segment = services.segment_create(
                actor=actor, code=code, name=name, industry=industry, region=OrgUnit.objects.get(code=region),
                offering_line=OfferingLine.objects.get(code=line), customer_tier=tier, expected_revenue=revenue,
                currency="CNY", gross_margin_pct=margin, appeals_feed_position=feeds)
            services.segment_size(actor=actor, segment=segment, period=year, tam=tam, sam=sam, growth_pct=growth,
                                  share_pct=share, competitor_shares={competitors[k].pk: v for k, v in shares.items()})
            scores = dict(zip(CRITERIA, attractiveness, strict=True))
            scores.update(dict(zip(("differentiation", "cost_advantage"), position, strict=True)))
            services.segment_rate(actor=actor, segment=segment, scores=scores)
            for competitor, factors in APPEALS.get(code, {}).items():
                services.segment_score_appeals(actor=actor, segment=segment, scores=factors,
                                               competitor=competitors.get(competitor) if competitor else None)
            point = selectors.span_points([segment])[0]
            if point.gate.passed and point.quadrant == "grow":
                services.segment_prioritise(actor=actor, segment=segment, note="SPAN 明星象限，通过财务门槛")
            created += 1
        first = Segment.objects.filter(code="edu-east-campus").first()
        if first is not None and not first.target_lists.exists():
            target = services.target_list_create(actor=actor, name="华东高校：无在途商机、90 天未接触", segment=first,
                                                 no_open_opportunity=True, last_contact_days=90)
            services.target_list_refresh(actor=actor, target_list=target)
    return f"segments +{created}"


__all__ = ["load"]
