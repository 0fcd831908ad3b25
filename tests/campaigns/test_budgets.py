"""Marketing budgets (domain.md 7.4, 11.1; S1, S14's release): the ledger, commitment at approval,
release on close and cancel, the spend guard with its tolerance and re-approval, and who may commit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from m2c.campaigns import services
from m2c.campaigns.models import BudgetEntry, Campaign, MarketingBudget
from m2c.core.errors import Conflict, DuplicateRecord, PermissionDenied, ValidationFailed
from m2c.core.models import Event, FxRate, OrgUnit, Role
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def _plan(budget, actor, name, amount, **fields):
    data = {"name": name, "level": "regional", "journey_stage": "evaluation", "org_unit": budget.org_unit,
                "start_date": TODAY + dt.timedelta(days=20), "end_date": TODAY + dt.timedelta(days=22),
                "target_valid_leads": 40, "target_opportunities": 10, "target_pipeline": Decimal("20000000"),
                "budget": budget, "budget_amount": Decimal(amount)}
    data.update(fields)
    return services.campaign_create(actor=actor, **data)


def _approved(budget, actor, name="智慧园区巡展", amount="200000"):
    campaign = _plan(budget, actor, name, amount)
    services.campaign_submit(campaign=campaign, actor=actor)
    services.campaign_approve(campaign=campaign, actor=actor)
    return campaign


def _ledger_matches(budget: MarketingBudget) -> None:
    """The running totals are the sums of the ledger (every movement went through ``post``)."""
    budget.refresh_from_db()
    sums = {kind: Decimal(0) for kind in BudgetEntry.Kind.values}
    for kind, amount in budget.entries.values_list("kind", "amount"):
        sums[kind] += amount
    assert budget.amount == sums["grant"] + sums["allocate_in"]
    assert budget.allocated == sums["allocate_out"]
    assert budget.committed == sums["commit"] - sums["release"]
    assert budget.spent == sums["spend"]
    last = budget.entries.order_by("-id").first()
    assert last is None or last.available_after == budget.available


def test_s1_regional_campaign_planned_under_central_budget(users, east_budget):
    assert (east_budget.amount, east_budget.available) == (Decimal("2000000"), Decimal("2000000"))
    roadshow = _plan(east_budget, users.marketing, "Smart Campus Roadshow 智慧园区巡展", "200000")
    services.campaign_submit(campaign=roadshow, actor=users.marketing)  # submission succeeds
    services.campaign_approve(campaign=roadshow, actor=users.marketing)
    east_budget.refresh_from_db()
    assert (east_budget.committed, east_budget.available) == (Decimal("200000"), Decimal("1800000"))
    assert Campaign.objects.get(pk=roadshow.pk).committed_amount == Decimal("200000")
    approved = Event.objects.for_subject(roadshow).get(event_type="campaigns.campaign.approved")
    assert Decimal(approved.payload["committed"]) == Decimal("200000") and approved.payload["budget"] == str(east_budget.pk)

    second = _plan(east_budget, users.marketing, "华东全年品牌计划", "1900000")
    services.campaign_submit(campaign=second, actor=users.marketing)
    entries, events = BudgetEntry.objects.count(), Event.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_approve(campaign=second, actor=users.marketing)
    assert refused.value.code == "budget_exceeded" and refused.value.errors[0]["field"] == "budget_amount"
    assert "1,800,000.00" in refused.value.detail
    second.refresh_from_db()
    east_budget.refresh_from_db()
    assert second.status == "SUBMITTED" and second.committed_amount == 0
    assert east_budget.committed == Decimal("200000")
    assert (BudgetEntry.objects.count(), Event.objects.count()) == (entries, events)
    _ledger_matches(east_budget)


def test_closing_releases_the_unspent_commitment_s14(users, east_budget):
    roadshow = _approved(east_budget, users.marketing)
    services.campaign_prepare(campaign=roadshow, actor=users.marketing)
    services.campaign_expense_add(campaign=roadshow, actor=users.marketing, category="venue", supplier="上海国际会议中心",
                                  amount="120000", spent_on=TODAY)
    services.campaign_expense_add(campaign=roadshow, actor=users.marketing, category="catering", supplier="锦江餐饮",
                                  amount="65000.00", spent_on=TODAY)
    Campaign.objects.filter(pk=roadshow.pk).update(status="EVALUATED")
    roadshow.refresh_from_db()
    services.campaign_close(campaign=roadshow, actor=users.marketing, reason="T+180 评估完成")
    roadshow.refresh_from_db()
    east_budget.refresh_from_db()
    assert (roadshow.actual_spend, roadshow.committed_amount) == (Decimal("185000"), Decimal("185000"))
    assert (east_budget.committed, east_budget.spent, east_budget.available) == (
        Decimal("185000"), Decimal("185000"), Decimal("1815000"))
    release = east_budget.entries.get(kind="release")
    assert (release.amount, release.campaign) == (Decimal("15000"), roadshow)  # S14: 15k back to the region
    closed = Event.objects.for_subject(roadshow).get(event_type="campaigns.campaign.closed")
    assert Decimal(closed.payload["released"]) == Decimal("15000")
    _ledger_matches(east_budget)


def test_cancelling_releases_the_whole_commitment(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    services.campaign_cancel(campaign=campaign, actor=users.marketing, reason="场地取消")
    east_budget.refresh_from_db()
    assert east_budget.committed == 0 and east_budget.available == Decimal("2000000")
    _ledger_matches(east_budget)


def test_spend_above_the_commitment_plus_tolerance_needs_a_re_approval(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="venue", supplier="会展中心",
                                  amount="210000")
    campaign.refresh_from_db()
    east_budget.refresh_from_db()
    # Within the 10 % tolerance: accepted, the 10k above the commitment committed from the budget too.
    assert (campaign.actual_spend, campaign.committed_amount) == (Decimal("210000"), Decimal("210000"))
    assert (east_budget.committed, east_budget.spent) == (Decimal("210000"), Decimal("210000"))
    before = (BudgetEntry.objects.count(), Event.objects.count(), campaign.expenses.count())
    with pytest.raises(Conflict) as refused:  # the guard reads the commitment now in force: 210k × 1.1 = 231k
        services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="media", supplier="广告公司",
                                      amount="21000.01")
    assert refused.value.code == "needs_reapproval" and refused.value.errors[0]["field"] == "amount"
    assert (BudgetEntry.objects.count(), Event.objects.count(), campaign.expenses.count()) == before
    services.campaign_budget_reapprove(campaign=campaign, actor=users.marketing, amount="50000", reason="追加媒体投放")
    services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="media", supplier="广告公司",
                                  amount="21000.01")
    campaign.refresh_from_db()
    assert (campaign.committed_amount, campaign.actual_spend) == (Decimal("260000"), Decimal("231000.01"))
    assert Event.objects.for_subject(campaign).filter(event_type="campaigns.campaign.budget_reapproved").count() == 1
    _ledger_matches(east_budget)


def test_an_expense_in_another_currency_needs_a_rate(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="speakers",
                                      supplier="Keynote Ltd", amount="1000", currency="USD", spent_on=TODAY)
    assert refused.value.errors[0]["field"] == "fx_rate" and "USD" in refused.value.detail
    assert not campaign.expenses.exists()
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", rate=Decimal("7.1"), valid_on=TODAY)
    expense = services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="speakers",
                                            supplier="Keynote Ltd", amount="1000", currency="USD", spent_on=TODAY)
    assert (expense.amount, expense.currency, expense.budget_amount) == (Decimal("1000"), "USD", Decimal("7100.00"))
    given = services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="travel",
                                          supplier="Air", amount="100", currency="USD", fx_rate="7.2")
    assert given.budget_amount == Decimal("720.00")
    campaign.refresh_from_db()
    assert campaign.actual_spend == Decimal("7820.00")


def test_an_expense_names_each_bad_field_and_checks_its_evidence(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="yacht", supplier=" ",
                                      amount="-5")
    assert {e["field"] for e in refused.value.errors} == {"category", "supplier", "amount"}
    fake = SimpleUploadedFile("发票.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="printing",
                                      supplier="印刷厂", amount="800", evidence=fake)
    assert refused.value.errors[0]["field"] == "evidence"
    pdf = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    expense = services.campaign_expense_add(campaign=campaign, actor=users.marketing, category="printing",
                                            supplier="印刷厂", amount="800", evidence=pdf)
    assert expense.evidence_name == "发票.pdf" and expense.evidence.read().startswith(b"%PDF")
    expense.evidence.delete(save=False)
    draft = _plan(east_budget, users.marketing, "草稿活动", "1000")
    with pytest.raises(Conflict):
        services.campaign_expense_add(campaign=draft, actor=users.marketing, category="venue", supplier="x",
                                      amount="1")


def test_allocation_moves_money_down_and_back_and_never_below_zero(users, org, east_budget):
    hq = east_budget.parent
    hq.refresh_from_db()
    assert (hq.amount, hq.allocated, hq.available) == (Decimal("10000000"), Decimal("2000000"), Decimal("8000000"))
    with pytest.raises(ValidationFailed) as refused:
        services.budget_allocate(parent=hq, child=east_budget, actor=users.admin, amount="8000000.01")
    assert refused.value.errors[0]["field"] == "amount"
    _approved(east_budget, users.marketing, amount="1500000")
    with pytest.raises(ValidationFailed):  # only 500k of the region's 2.0M is unused
        services.budget_allocate(parent=hq, child=east_budget, actor=users.admin, amount="-500000.01")
    services.budget_allocate(parent=hq, child=east_budget, actor=users.admin, amount="-500000", note="年中回收")
    east_budget.refresh_from_db()
    hq.refresh_from_db()
    assert (east_budget.amount, east_budget.available) == (Decimal("1500000"), Decimal("0"))
    assert (hq.allocated, hq.available) == (Decimal("1500000"), Decimal("8500000"))
    _ledger_matches(east_budget)
    _ledger_matches(hq)
    north = services.budget_create(actor=users.admin, name="华北", level="regional", org_unit=org.north,
                                   fiscal_year=2026, parent=hq)
    with pytest.raises(ValidationFailed):  # money moves only between a budget and its own children
        services.budget_allocate(parent=east_budget, child=north, actor=users.admin, amount="1")


def test_the_database_refuses_an_overcommitted_budget_and_entries_are_never_changed(users, east_budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingBudget.objects.filter(pk=east_budget.pk).update(committed=Decimal("2000000.01"))
    entry = east_budget.entries.first()
    entry.note = "改写"
    with pytest.raises(ValueError):
        entry.save()


def test_budget_set_up_is_checked_and_named(users, org, east_budget):
    with pytest.raises(ValidationFailed) as refused:
        services.budget_create(actor=users.admin, name="", level="global", org_unit=org.north, fiscal_year=1999,
                               currency="XXX", amount="-1")
    assert {e["field"] for e in refused.value.errors} == {"name", "level", "fiscal_year", "currency", "amount"}
    with pytest.raises(DuplicateRecord):
        services.budget_create(actor=users.admin, name="又一个华东", level="regional", org_unit=org.east,
                               fiscal_year=2026, parent=east_budget.parent)
    with pytest.raises(ValidationFailed) as refused:
        services.budget_create(actor=users.admin, name="上海", level="customer_group", org_unit=org.beijing,
                               fiscal_year=2027, parent=east_budget, amount="5")
    assert {e["field"] for e in refused.value.errors} == {"amount", "org_unit", "fiscal_year"}
    with pytest.raises(PermissionDenied):  # an East marketer cannot grant the HQ budget
        services.budget_create(actor=users.marketing, name="2027 公司级", level="corporate", org_unit=org.hq,
                               fiscal_year=2027, amount="1")
    with pytest.raises(PermissionDenied):
        services.budget_create(actor=users.ar, name="x", level="regional", org_unit=org.shanghai, fiscal_year=2027)


def test_only_marketing_with_authority_over_the_budget_approves(users, org, east_budget):
    campaign = _plan(east_budget, users.marketing, "智慧园区巡展", "200000")
    services.campaign_submit(campaign=campaign, actor=users.marketing)
    north_marketer = UserFactory(username="mkt.north", roles=[Role.MARKETING], org_unit=org.north)
    with pytest.raises(PermissionDenied):
        services.campaign_approve(campaign=campaign, actor=north_marketer)
    campaign.refresh_from_db()
    east_budget.refresh_from_db()
    assert campaign.status == "SUBMITTED" and east_budget.committed == 0
    # A member of the East campaign center works for the East region: it may commit East's budget.
    center = OrgUnitFactory(code="east-campaign", name="华东营销活动中心", type=OrgUnit.Type.CAMPAIGN_CENTER,
                            parent=org.east)
    center_marketer = UserFactory(username="mkt.center", roles=[Role.MARKETING], org_unit=center)
    services.campaign_approve(campaign=campaign, actor=center_marketer)
    east_budget.refresh_from_db()
    assert east_budget.committed == Decimal("200000")


def test_the_budget_line_is_fixed_after_approval(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_update(campaign=campaign, actor=users.marketing, budget_amount=Decimal("300000"))
    assert refused.value.errors[0]["field"] == "budget_amount"
    services.campaign_update(campaign=campaign, actor=users.marketing, name="智慧园区巡展（华东站）")
    assert Campaign.objects.get(pk=campaign.pk).budget_amount == Decimal("200000")


def test_submission_needs_a_budget_line_of_the_campaigns_level(users, org, east_budget):
    corporate = east_budget.parent
    campaign = _plan(corporate, users.marketing, "区域活动挂公司预算", "1000")
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_submit(campaign=campaign, actor=users.marketing)
    assert [e["field"] for e in refused.value.errors] == ["budget"]
