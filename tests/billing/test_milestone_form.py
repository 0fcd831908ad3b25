"""Billing milestones on the web (saved in Chinese, read back) and periodic milestones released per
period, pro rata by days, never beyond the milestone's amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from m2c.billing import services
from m2c.billing.models import BillingItem, BillingMilestone
from m2c.core.errors import Conflict, ValidationFailed


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def test_add_and_edit_a_milestone_in_chinese_and_read_it_back(planned):
    c = planned.contract
    fin = _client(planned.finance)
    page = fin.get(f"/billing/contracts/{c.pk}/")
    assert "添加里程碑" in page.content.decode()
    # All 100 % is planned: a further 5 % is refused beside the percent field, nothing is written.
    response = fin.post(f"/billing/contracts/{c.pk}/milestones/new/", {
        "name": "质保金", "percent": "5", "trigger": "TIME_AFTER_EVENT", "trigger_event": "FAC", "offset_days": "365",
        "scope": "CONTRACT", "payment_days": "30"})
    assert response.status_code == 400 and "合同金额" in response.content.decode()
    assert c.milestones.count() == 3
    # The FAC milestone (10 %, nothing billed) is edited: 10 % → 6 %, then a 4 % retention is added.
    m3 = c.milestones.get(seq=3)
    form = fin.get(f"/billing/contracts/{c.pk}/milestones/{m3.pk}/").content.decode()
    assert 'name="percent" value="10"' in form
    response = fin.post(f"/billing/contracts/{c.pk}/milestones/{m3.pk}/", {
        "name": "终验款", "percent": "6", "trigger": "FAC", "scope": "CONTRACT", "payment_days": "45",
        "offset_days": "0"})
    assert response.status_code == 302
    response = fin.post(f"/billing/contracts/{c.pk}/milestones/new/", {
        "name": "质保金（终验后一年）", "amount": "400000.00", "trigger": "TIME_AFTER_EVENT", "trigger_event": "FAC",
        "offset_days": "365", "scope": "CONTRACT", "payment_days": "30"})
    assert response.status_code == 302
    rows = list(c.milestones.order_by("seq").values_list("seq", "name", "percent", "amount", "trigger",
                                                         "trigger_event", "offset_days", "payment_days"))
    assert rows[2:] == [
        (3, "终验款", Decimal("6.0000"), Decimal("600000.00"), "FAC", "", 0, 45),
        (4, "质保金（终验后一年）", None, Decimal("400000.00"), "TIME_AFTER_EVENT", "FAC", 365, 30)]
    # The advance has a billing item: it is no longer edited here.
    m1 = c.milestones.get(seq=1)
    with pytest.raises(Conflict):
        services.milestone_save(contract=c, actor=planned.finance, milestone=m1, row={
            "name": "x", "percent": "30", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30})
    response = fin.post(f"/billing/contracts/{c.pk}/milestones/{m1.pk}/", {
        "name": "预付款", "percent": "20", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": "30"})
    assert response.status_code == 400 and c.milestones.get(seq=1).percent == Decimal("30.0000")
    # Marketing has no access to invoices; an AR of another region does not find the contract.
    assert _client(planned.users.marketing).get(f"/billing/contracts/{c.pk}/milestones/new/").status_code == 403
    assert _client(planned.users.ar_north).get(f"/billing/contracts/{c.pk}/milestones/new/").status_code == 404


def test_periodic_milestone_bills_each_ended_quarter_pro_rata_and_never_beyond(signed):
    c = signed.contract
    start = signed.day0
    services.milestone_plan(contract=c, actor=signed.finance, rows=[
        {"name": "Advance", "percent": "90", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30},
        {"name": "运维服务费", "amount": "1000000.00", "trigger": "PERIODIC", "period": "QUARTERLY", "periods": 4,
         "starts_on": start, "scope": "CONTRACT", "payment_days": 30}])
    m2 = BillingMilestone.objects.get(contract=c, seq=2)
    schedule = services.milestones.period_schedule(m2, start)
    assert sum(a for _n, _d, a in schedule) == Decimal("1000000.00") and len(schedule) == 4
    days = [(schedule[0][1] - start).days + 1] + [(schedule[k][1] - schedule[k - 1][1]).days for k in range(1, 4)]
    total_days = sum(days)
    assert [a for _n, _d, a in schedule[:3]] == [
        (Decimal("1000000.00") * d / total_days).quantize(Decimal("0.01")) for d in days[:3]]
    # Day 200 after signature: two quarters have ended (the worker's job, run on demand).
    ended = sum(1 for _n, last, _a in schedule if last <= signed.day(200))
    assert ended == 2
    assert m2.items.count() == 2  # released by the plan itself
    assert services.periodic_release() == 0  # idempotent
    assert BillingMilestone.objects.get(pk=m2.pk).status == "PARTIALLY_BILLABLE"
    # A year on, every quarter is billed, and never more than the milestone's amount.
    assert services.periodic_release(on=start + dt.timedelta(days=800)) == 2
    assert services.periodic_release(on=start + dt.timedelta(days=900)) == 0
    items = BillingItem.objects.filter(milestone=m2)
    assert sum(i.amount for i in items) == Decimal("1000000.00")
    assert sorted(items.values_list("period_no", flat=True)) == [1, 2, 3, 4]
    assert BillingMilestone.objects.get(pk=m2.pk).status == "BILLABLE"


def test_a_periodic_milestone_needs_its_period_and_count(signed):
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_plan(contract=signed.contract, actor=signed.finance, rows=[
            {"name": "Fee", "amount": "1000", "trigger": "PERIODIC", "scope": "CONTRACT", "payment_days": 30}])
    assert {e["field"] for e in exc.value.errors} == {"milestones.0.period", "milestones.0.periods"}
    assert not BillingMilestone.objects.filter(contract=signed.contract).exists()


def test_a_periodic_milestone_through_the_api(signed):
    from tests.conftest import ApiClient

    response = ApiClient(signed.finance).post(f"/contracts/{signed.contract.pk}/billing-milestones", {"milestones": [
        {"name": "运维服务费", "amount": "120000.00", "trigger": "PERIODIC", "period": "MONTHLY", "periods": 12,
         "starts_on": str(signed.day0), "scope": "CONTRACT", "payment_days": 30}]})
    assert response.status_code == 200, response.content
    m = BillingMilestone.objects.get(contract=signed.contract)
    assert (m.period, m.periods, m.starts_on) == ("MONTHLY", 12, signed.day0)
    assert m.items.count() == 6  # six months of the 200 days have ended
    # On demand: finance may run the release (nothing new today); an AR may not.
    assert ApiClient(signed.finance).post("/billing/periodic-release").json() == {"created": 0}
    assert ApiClient(signed.deal.ar).post("/billing/periodic-release").status_code == 403
