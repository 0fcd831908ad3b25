"""Demo marketing assets: a small library in both languages across offering lines and journey stages, one
version each (a one-page PDF), most published, one due for review soon, one expired, linked to the demo
campaigns that use them. Idempotent (found by title); run by ``campaigns.demo.load``."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

# title, English title, type, language, offering line, stage, tags, review due (days from today), status, campaign
ASSETS = [
    ("智慧园区解决方案白皮书", "Smart Campus Solution White Paper", "white_paper", "zh", "campus", "interest",
     "园区, 高校, 智慧校园", 240, "PUBLISHED", "smart-campus-roadshow"),
    ("Wi-Fi 7 无线局域网产品手册", "Wi-Fi 7 WLAN Brochure", "brochure", "zh", "wlan", "awareness",
     "Wi-Fi 7, 无线, AP", 20, "PUBLISHED", "corporate-launch-2026"),
    ("Campus Network Customer Case: Shenjiang University", "", "case_study", "en", "campus", "evaluation",
     "university, campus, case", 300, "PUBLISHED", "smart-campus-roadshow"),
    ("金融数据中心网络方案胶片", "Financial DC Network Slides", "slides", "zh", "dc", "evaluation",
     "金融, 数据中心, 双活", 120, "PUBLISHED", "finance-dc-summit"),
    ("Data Center Fabric Solution Guide", "", "solution_guide", "en", "dc", "decision",
     "fabric, bank, data center", -15, "EXPIRED", ""),
    ("园区网络竞争应对卡", "Campus Competitive Battle Card", "battle_card", "zh", "campus", "decision",
     "竞争, 园区", 90, "DRAFT", ""),
]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


def load(progress: bool = True) -> str:
    from m2c.core.models import OfferingLine, Role, User

    from . import services
    from .models import Campaign, MarketingAsset

    owner = (User.objects.filter(username="mkt.hq").first()
             or User.objects.filter(groups__name=Role.MARKETING).order_by("username").first())
    if owner is None:
        return "assets +0"
    lines = {line.code: line for line in OfferingLine.objects.all()}
    today = timezone.localdate()
    created = 0
    for title, title_en, kind, language, line, stage, tags, due, status, campaign_code in ASSETS:
        if line not in lines or MarketingAsset.objects.filter(title=title).exists():
            continue
        ahead = max(due, 30)  # published with a date ahead, then aged as the demo needs
        asset = services.asset_create(
            actor=None, title=title, title_en=title_en, asset_type=kind, language=language, offering_line=lines[line],
            journey_stage=stage, owner=owner, tags=tags, review_due=today + dt.timedelta(days=ahead),
            summary="", summary_en="", file=ContentFile(PDF, name=f"{kind}-{language}.pdf"), note="")
        if status in ("PUBLISHED", "EXPIRED"):
            services.asset_submit(asset=asset, actor=None)
            services.asset_publish(asset=asset, actor=None)
        if due != ahead:
            MarketingAsset.objects.filter(pk=asset.pk).update(review_due=today + dt.timedelta(days=due))
        campaign = Campaign.objects.filter(code=campaign_code).first() if campaign_code else None
        if campaign is not None:
            services.campaign_asset_link(campaign=campaign, asset=asset, actor=None, purpose="")
        created += 1
    services.asset_expiry_sweep(today=today)
    return f"assets +{created}"
