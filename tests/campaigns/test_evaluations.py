"""Campaign evaluations and ROI down to cash (domain.md 7.4, 7.7, 10.3; S14 on real contracts and receipts)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.billing import services as billing_services
from m2c.campaigns import services
from m2c.campaigns.attribution import INFLUENCED, SOURCED, cash_roi, influenced_shares
from m2c.contracts.models import Contract
from m2c.core.errors import Conflict, ValidationFailed
from m2c.leads.models import CampaignTouch
from tests.billing.conftest import pay, planned, signed  # noqa: F401 - fixtures reused
from tests.billing.test_scenarios import s9
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_influenced_shares_follow_the_touch_order():
    assert influenced_shares(["a"]) == {"a": Decimal(1)}
    assert influenced_shares(["a", "b"]) == {"a": Decimal("0.5"), "b": Decimal("0.5")}
    assert influenced_shares(["a", "b", "c"]) == {"a": Decimal("0.4"), "b": Decimal("0.2"), "c": Decimal("0.4")}
    assert influenced_shares(["a", "b", "c", "d"]) == {"a": Decimal("0.4"), "b": Decimal("0.1"), "c": Decimal("0.1"),
                                                        "d": Decimal("0.4")}
    assert influenced_shares(["a", "b", "a"]) == {"a": Decimal("0.8"), "b": Decimal("0.2")}
    assert influenced_shares([]) == {}
    for n in range(1, 8):
        assert sum(influenced_shares(list(range(n))).values()) == 1


def test_s14_campaign_roi_down_to_cash(planned):  # noqa: F811
    """The roadshow (actual spend 185k) sourced University A's 10.0M contract: −100 % before any cash,
    then ROI to date read live from the receipts applied to its invoices; the influenced model splits a
    two-touch contract 50/50 and every figure names its model."""
    roadshow = CampaignFactory(code="smart-campus-roadshow", name="智慧园区巡展", status="CLOSED",
                               actual_spend=Decimal("185000"), currency="CNY")
    launch = CampaignFactory(code="corporate-launch", name="新品发布会", level="corporate", status="CLOSED")
    Contract.objects.filter(pk=planned.contract.pk).update(campaign=roadshow)
    before = cash_roi(roadshow, on=planned.day(-1))
    assert (before["model"], before["cash"].amount, before["roi"]) == (SOURCED, 0, Decimal("-1.000"))  # −100 %
    inv1, inv2, _inv3 = s9(planned)
    pay(planned, inv1, "2000000", 25, "B-25")
    pay(planned, inv1, "1000000", 70, "B-70")
    billing_services.invoice_dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="400000", reason="少 100 台 AP")
    pay(planned, inv2, "3200000", 130, "B-130")
    day129 = cash_roi(roadshow, on=planned.day(129))
    assert day129["cash"].amount == Decimal("3000000.00")
    day130 = cash_roi(roadshow, on=planned.day(130))
    # INV-1 3.0M + INV-2 3.2M applied by day 130: (6.2M − 0.185M) / 0.185M
    assert day130["cash"].amount == Decimal("6200000.00") and day130["roi"] == Decimal("32.514")
    # Influenced: the opportunity was touched by the roadshow, then the launch: 50/50.
    t0 = timezone.now() - dt.timedelta(days=300)
    for offset, campaign in ((0, roadshow), (10, launch)):
        CampaignTouch.objects.create(campaign=campaign, opportunity_id=planned.contract.opportunity_id,
                                     customer=planned.deal.customer, touched_at=t0 + dt.timedelta(days=offset))
    influenced = cash_roi(roadshow, on=planned.day(130), model=INFLUENCED)
    assert influenced["model"] == INFLUENCED and influenced["cash"].amount == Decimal("3100000.00")
    assert cash_roi(launch, on=planned.day(130), model=INFLUENCED)["cash"].amount == Decimal("3100000.00")
    assert cash_roi(launch, on=planned.day(130))["cash"].amount == 0  # it sourced nothing


def test_evaluations_come_due_are_recorded_once_and_move_the_campaign(users):
    today = timezone.localdate()
    campaign = CampaignFactory(status="EXECUTED", start_date=today - dt.timedelta(days=200),
                               end_date=today - dt.timedelta(days=95), target_valid_leads=40,
                               actual_spend=Decimal("185000"), committed_amount=Decimal("200000"))
    assert services.evaluations_schedule(today=today) == 2  # T+30 and T+90; T+180 is not due yet
    assert services.evaluations_schedule(today=today) == 0
    t30 = campaign.evaluations.get(checkpoint="T30")
    assert t30.due_on == campaign.end_date + dt.timedelta(days=30) and t30.status == "DUE"
    with pytest.raises(ValidationFailed) as refused:
        services.evaluation_record(evaluation=t30, actor=users.marketing, review="  ")
    assert refused.value.errors[0]["field"] == "review"
    recorded = services.evaluation_record(evaluation=t30, actor=users.marketing, review="有效线索不足，成本偏高")
    figures = recorded.figures
    assert figures["targets"]["valid_leads"] == "40" and figures["actuals"]["valid_leads"] == "0"
    assert figures["budget_utilisation"] == "92.5" and figures["cash_roi"] == "-1.000"
    assert figures["model"] == "sourced"
    campaign.refresh_from_db()
    assert campaign.status == "EVALUATED"
    with pytest.raises(Conflict):
        services.evaluation_record(evaluation=t30, actor=users.marketing, review="again")
    assert services.evaluations_schedule(today=today + dt.timedelta(days=90)) == 1  # T+180


def test_marketing_records_an_evaluation_on_the_campaign_page_in_chinese(users, api):
    from django.test import Client

    today = timezone.localdate()
    campaign = CampaignFactory(name="智慧园区巡展", status="EXECUTED", start_date=today - dt.timedelta(days=60),
                               end_date=today - dt.timedelta(days=40), target_valid_leads=40,
                               actual_spend=Decimal("185000"), committed_amount=Decimal("200000"))
    services.evaluations_schedule(today=today)
    t30 = campaign.evaluations.get()
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="evaluation-form-T30"' in page and "T+30 天" in page and "-100%" in page
    assert 'id="chart-outcomes"' in page and "来源归因" in page
    refused = client.post(f"/campaigns/{campaign.pk}/evaluations/{t30.pk}/record/", {"review": ""})
    assert refused.status_code == 422 and not campaign.evaluations.filter(status="RECORDED").exists()
    response = client.post(f"/campaigns/{campaign.pk}/evaluations/{t30.pk}/record/", {"review": "有效线索不足，下次提前邀约"})
    assert response.status_code == 302
    t30.refresh_from_db()
    assert t30.status == "RECORDED" and t30.review == "有效线索不足，下次提前邀约" and t30.recorded_by == users.marketing
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "有效线索不足，下次提前邀约" in page and "已评估" in page
    # The API: the same evaluation, the ROI with its model named; an AR is refused.
    evaluations = api(users.marketing).get(f"/campaigns/{campaign.pk}/evaluations").json()
    assert evaluations[0]["checkpoint"] == "T30" and evaluations[0]["figures"]["cash_roi"] == "-1.000"
    roi = api(users.marketing).get(f"/campaigns/{campaign.pk}/roi", {"model": "influenced"}).json()
    assert roi["model"] == "influenced" and roi["roi"] == "-1.000"
    assert api(users.ar).get(f"/campaigns/{campaign.pk}/roi").status_code == 403
    assert Client().get(f"/campaigns/{campaign.pk}/").status_code == 302
