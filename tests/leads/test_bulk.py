"""The batch path's insert (literals for constant columns on SQLite, COPY on PostgreSQL) stores what
the single path stores."""

from decimal import Decimal

import pytest

from m2c.core.models import Event
from m2c.leads import services
from m2c.leads.models import CampaignTouch, Lead

pytestmark = pytest.mark.django_db

# Quotes, per cent signs and a placeholder-like text: the same in every row, so SQLite gets them as
# literals of the statement.
TRICKY = "它's 100% %s 'x' \"y\" \\ —"

COMPARED = ["status", "channel", "source_type", "source_campaign_id", "industry", "province", "city",
            "contact_title", "contact_role", "budget_status", "budget_note", "budget_amount", "estimated_amount",
            "currency", "expected_purchase_date", "decision_chain_known", "pain_confirmed", "utm", "invalid_reasons",
            "score", "temperature", "score_breakdown", "owner_id", "queue_id", "region_id", "customer_group_id",
            "needs_review", "review_reason", "match", "description", "journey_stage", "consent", "version",
            "sla_breaches", "previous_owner_ids", "created_by_id"]


NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃"


def _item(n: int, roadshow) -> dict:
    return {"customer_name": f"{NAMES[n]}{NAMES[-n - 1]}研究院", "contact_name": "张三", "contact_title": TRICKY, "contact_phone": f"1380013{n:04d}",
            "offering_lines": ["campus", "wlan"], "province": "上海", "industry": "education", "budget_amount": "200万",
            "estimated_amount": "1,234,567.891", "expected_purchase_date": "2027-03-01", "decision_chain_known": "是",
            "pain_confirmed": True, "description": TRICKY, "source_campaign": roadshow.code, "utm": {"utm_source": TRICKY}}


def test_the_batch_insert_stores_what_a_single_capture_stores(users, lines, rules, org, roadshow):
    results = services.lead_create_bulk(actor=users.marketing, items=[_item(n, roadshow) for n in range(30)])
    assert [r["result"] for r in results] == ["created"] * 30
    single, _outcome = services.lead_create(actor=users.marketing, data=_item(31, roadshow), channel="bulk_api")
    batch = Lead.objects.filter(pk__in=[r["id"] for r in results])
    assert batch.count() == 30
    for lead in batch:
        for field in COMPARED:
            assert getattr(lead, field) == getattr(single, field), field
        assert lead.description == TRICKY and lead.utm == {"utm_source": TRICKY}
        assert lead.budget_amount == Decimal("2000000.0000") and lead.estimated_amount == Decimal("1234567.8910")
        assert sorted(lead.offering_lines.values_list("code", flat=True)) == ["campus", "wlan"]
        assert lead.score_breakdown and lead.score_breakdown[0]["dimension"] == "budget"
    # Every stored lead has its capture event and its campaign touch.
    ids = {str(r["id"]) for r in results}
    captured = Event.objects.filter(event_type="leads.lead.captured", subject_id__in=ids)
    assert captured.count() == 30
    assert all(e.payload["path"][0] == "NEW" and e.to_state == e.payload["path"][-1] for e in captured)
    assert CampaignTouch.objects.filter(lead_id__in=[r["id"] for r in results]).count() == 30
