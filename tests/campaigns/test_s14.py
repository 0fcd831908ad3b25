"""S14 – campaign ROI down to cash, on the real S12/S13 contract, invoices and receipts.

The Smart Campus Roadshow (200k committed, 185k spent) closed at its T+180 evaluation before University A
signed: cash ROI −100 %, 15k released to the region. University A's contract (sourced 100 % by the
roadshow) then collects INV-1 3.0M + INV-2 3.2M + INV-4 0.45M = 6.65M by contract day 130: ROI to date
(6.65M − 0.185M) / 0.185M ≈ 34.9; by day 460 (after S13) 11.5M invoiced less the 0.1M credit note =
11.4M collected: ≈ 60.6. Every figure names its attribution model.
"""

import datetime as dt
from decimal import Decimal

import pytest

from m2c.billing import services as billing_services
from m2c.campaigns import services
from m2c.campaigns.attribution import SOURCED, cash_roi
from m2c.campaigns.models import Campaign
from m2c.contracts import services as contract_services
from m2c.contracts.models import Contract
from tests.billing.conftest import invoice, pac, pay
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused
from tests.contracts.test_s12_s13 import LIBRARY, _s12, s7_days_ago  # noqa: F401 - fixture reused (signed 470 days ago)
from tests.shared_data import planned, signed  # noqa: F401 - fixtures reused

from .test_budgets import _approved

pytestmark = pytest.mark.django_db


def _roadshow_closed_before_signature(s, budget, marketing):
    """Approved for 200k, 185k spent, executed and evaluated at T+30 and T+180 before contract day 0."""
    roadshow = _approved(budget, marketing, name="Smart Campus Roadshow 智慧园区巡展")
    services.campaign_expense_add(campaign=roadshow, actor=marketing, category="venue", supplier="上海国际会议中心",
                                  amount="120000")
    services.campaign_expense_add(campaign=roadshow, actor=marketing, category="catering", supplier="锦江餐饮",
                                  amount="65000")
    end = s.day0 - dt.timedelta(days=181)
    Campaign.objects.filter(pk=roadshow.pk).update(status="EXECUTED", start_date=end - dt.timedelta(days=2),
                                                   end_date=end)
    roadshow.refresh_from_db()
    services.evaluations_schedule(today=s.day0 - dt.timedelta(days=1))
    for checkpoint in ("T30", "T90", "T180"):
        services.evaluation_record(evaluation=roadshow.evaluations.get(checkpoint=checkpoint), actor=marketing,
                                   review=f"{checkpoint}：仅有管道，尚无回款", today=s.day0 - dt.timedelta(days=1))
    services.campaign_close(campaign=roadshow, actor=marketing)  # T+180 recorded: no reason needed
    roadshow.refresh_from_db()
    return roadshow


def test_s14_campaign_roi_down_to_cash(planned, users, east_budget):  # noqa: F811
    s = planned
    roadshow = _roadshow_closed_before_signature(s, east_budget, users.marketing)
    east_budget.refresh_from_db()
    assert roadshow.status == "CLOSED" and east_budget.entries.get(kind="release").amount == Decimal("15000")
    t180 = roadshow.evaluations.get(checkpoint="T180")
    assert t180.figures["cash_roi"] == "-1.000" and t180.figures["model"] == SOURCED  # −100 %, pipeline only
    Contract.objects.filter(pk=s.contract.pk).update(campaign=roadshow)  # the deal the roadshow sourced

    c, _change, (inv1, inv2, inv3) = _s12(s)  # INV-1 paid on days 25 and 70; the Library change adds INV-4
    inv2 = billing_services.invoice_dispute_open(invoice=inv2, actor=s.deal.ar, amount_="400000",
                                                 reason="Missing access points at North",
                                                 opened_on=s.day(125))
    inv4 = invoice(s, 103, "26312000000000000004")
    pay(s, inv2, "3200000", 130, "B-130")
    pay(s, inv4, "450000", 130, "B-130b")
    day130 = cash_roi(roadshow, on=s.day(130))
    assert day130["cash"].amount == Decimal("6650000.00")  # 3.0M + 3.2M + 0.45M
    assert day130["roi"] == Decimal("34.946") and day130["model"] == SOURCED  # ≈ 34.9

    pay(s, inv3, "2400000", 140, "B-140")
    billing_services.invoice_dispute_resolve(invoice=inv2, actor=s.finance, credit="100000",
                                             reason="Customer upheld for 100 APs", on=s.day(150))
    pay(s, inv2, "300000", 160, "B-160")
    pac(s, c.sites.get(name=LIBRARY), 250)
    pay(s, invoice(s, 252, "26312000000000000005"), "900000", 300, "B-300")
    contract_services.certificate_record(contract=c, actor=s.deal.ar, type="FAC", whole_contract=True,
                                         signed_on=s.day(400), signatory="王处长")
    pay(s, invoice(s, 402, "26312000000000000006"), "1150000", 450, "B-450")
    day460 = cash_roi(roadshow, on=s.day(460))
    # 11.5M invoiced less the 0.1M credit note = 11.4M collected: (11.4M − 0.185M) / 0.185M ≈ 60.6
    assert day460["cash"].amount == Decimal("11400000.00") and day460["roi"] == Decimal("60.622")
    # The report stays live after the campaign closed: the campaign page's figures read the same cash.
    assert services.campaign_figures(roadshow, on=s.day(460))["cash_roi"] == "60.622"
