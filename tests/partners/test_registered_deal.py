"""A registered deal won end to end: registration → opportunity → ATC GO → contract carrying the registered
partner → incentives accrued by themselves, each on the contract's lines in its policy's category → invoice PAID →
ELIGIBLE on the cash collected → PAID (domain.md 8.2 rule 7, 8.3, 11.11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from m2c.billing import services as billing
from m2c.contracts.models import Contract
from m2c.core.models import Event
from m2c.opportunities import services as opportunities
from m2c.opportunities.models import PriceListItem
from m2c.opportunities.states import TeamRole
from m2c.partners import services
from m2c.partners.models import IncentiveAccrual
from m2c.partners.performance import partner_performance, quarters
from m2c.partners.reasons import reason_texts
from tests.billing.conftest import TERMS, invoice, pay
from tests.clients import zh_client as _zh
from tests.contracts.conftest import deal, rates, two_site_quote  # noqa: F401 - fixtures reused
from tests.opportunities import flows
from tests.opportunities.factories import ProductFactory

from .conftest import invoice_the_rest, register

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def policies(channel):
    """Campus rebate 2% (threshold 1M), a fixed deal-registration reward, and two that must not accrue."""
    today = TODAY()
    start, end = today - dt.timedelta(days=25), today + dt.timedelta(days=5)
    common = {"actor": channel.cm, "period_start": start, "period_end": end}
    return SimpleNamespace(
        rebate=services.policy_create(code="campus-rebate", name="园区网络销售返利", kind="SALES_REBATE",
                                      product_category="Campus Network", rate_pct="2", threshold="1000000", **common),
        drr=services.policy_create(code="drr", name="报备奖励", kind="DRR", fixed="50000", **common),
        other_category=services.policy_create(code="dc-specialty", name="数据中心专项返利", kind="SPECIALTY_REBATE",
                                              product_category="Data Center", rate_pct="3", **common),
        other_currency=services.policy_create(code="usd-rebate", name="美元返利", kind="SALES_REBATE",
                                              rate_pct="1", currency="USD", **common),
    )


def two_category_quote(opp, deal):  # noqa: F811
    """10.0M net: 6,000 access points (Campus Network, 6.0M) and 40 data-centre switches (Data Center, 4.0M)."""
    dc = ProductFactory(code="DC-CE", name="数据中心交换机", name_en="Data centre switch", offering_line=deal.lines.dc,
                        standard_cost=Decimal("70000"))
    PriceListItem.objects.create(price_list=deal.price_list, product=dc, list_price=Decimal("100000"))
    q = opportunities.quote_create(opportunity=opp, actor=deal.sr, price_list=deal.price_list)
    opportunities.quote_line_add(quote=q, actor=deal.sr, product=deal.products.ap, quantity="6000", site="北校区 Campus North")
    opportunities.quote_line_add(quote=q, actor=deal.sr, product=dc, quantity="40", site="数据中心 Data Centre")
    q = opportunities.quote_request_approval(quote=q, actor=deal.sr)
    q.refresh_from_db()
    return q


def win_registered(deal, opp, quote=two_site_quote):  # noqa: F811
    """The converted opportunity through ATI, ATB and ATC GO to WON, on the two-site 10.0M quote (or ``quote``)."""
    opportunities.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    flows.decide(flows.submit(opp, "ATI", deal.ar, margin_pct="30"), deal.sdt_shanghai, "GO")
    opp = opportunities.opportunity_advance(opportunity=opp, actor=deal.ar)
    opportunities.bid_record(opportunity=opp, actor=deal.ar, rfp_received_on=TODAY(), deadline=deal.deadline,
                             reference="SJU-2026-017")
    flows.quote(opp, deal, approve=False)
    opp = opportunities.opportunity_advance(opportunity=opp, actor=deal.ar)
    q = quote(opp, deal)
    opportunities.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    flows.decide(flows.submit(opp, "ATB", deal.ar), deal.sdt_shanghai, "GO", floor_price=Decimal("9400000"))
    opportunities.bid_submit(bid=opp.bids.get(), actor=deal.ar, quote=q)
    opp = opportunities.opportunity_advance(opportunity=opp, actor=deal.ar)
    review = flows.submit(opp, "ATC", deal.ar, answers={"credit_used": "1000000", "retention_pct": "10"})
    flows.decide(review, deal.sdt_east, "GO")
    return opportunities.opportunity_win(opportunity=opp, actor=deal.ar)


def test_a_won_registered_deal_accrues_and_pays_only_on_collected_cash(channel, deal, users):  # noqa: F811
    plan = policies(channel)
    # The partner registers University A under another spelling; the channel manager approves and converts.
    reg = register(channel, channel.p1, channel.p1_user, name="申江大学 ")
    assert reg.status == "UNDER_REVIEW" and reg.customer == deal.customer
    services.registration_approve(registration=reg, actor=channel.cm)
    services.registration_convert(registration=reg, actor=channel.cm)
    reg.refresh_from_db()
    assert reg.opportunity.registered_partner_id == channel.p1.pk
    assert not IncentiveAccrual.objects.exists()

    opp = win_registered(deal, reg.opportunity)
    contract = Contract.objects.get(opportunity=opp)
    reg.refresh_from_db()
    assert reg.status == "WON"
    # The contract carries the registered partner, and says so on its creation event.
    assert contract.registered_partner_id == channel.p1.pk
    created = Event.objects.get(event_type="contracts.contract.created", subject_id=str(contract.pk))
    assert created.payload["registered_partner"] == str(channel.p1.pk)
    # The AR reads it on the contract page (in Chinese) and in the contract API.
    client = _zh(deal.ar)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "报备合作伙伴" in page and channel.p1.legal_name in page
    assert client.get(f"/api/v1/contracts/{contract.pk}").json()["registered_partner_id"] == str(channel.p1.pk)
    assert client.get("/api/v1/contracts").json()["items"][0]["registered_partner_id"] == str(channel.p1.pk)
    # The applicable policies accrued by themselves: the campus rebate (2% of 10.0M) and the reward, nothing else.
    accruals = {a.policy.code: a for a in IncentiveAccrual.objects.filter(contract_id=contract.pk)}
    assert sorted(accruals) == ["campus-rebate", "drr"]
    assert accruals["campus-rebate"].amount == Decimal("200000.00") and accruals["campus-rebate"].base == Decimal("10000000.00")
    assert accruals["drr"].amount == Decimal("50000.00") and accruals["drr"].registration_id == reg.pk
    assert {a.partner_id for a in accruals.values()} == {channel.p1.pk}
    assert {a.status for a in accruals.values()} == {"ACCRUED"}
    assert Event.objects.filter(event_type="partners.accrual.created").count() == 2
    # Accruing again (a replayed event) adds nothing.
    assert services.accrue_registered_deal(contract_id=contract.pk, partner_id=channel.p1.pk) == []
    assert plan.other_category.accruals.count() == plan.other_currency.accruals.count() == 0

    # After the period: not payable while the contract is not invoiced, nor while its invoice is unpaid.
    after = plan.rebate.period_end + dt.timedelta(days=1)
    assert services.incentive_sweep(today=after) == 0
    assert [b["code"] for b in IncentiveAccrual.objects.get(pk=accruals["drr"].pk).blockers] == ["not_invoiced"]
    day0 = TODAY() - dt.timedelta(days=10)  # signed ten days back, so invoice and receipts fall in the past
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0)
    contract.refresh_from_db()
    s = SimpleNamespace(contract=contract, deal=deal, finance=users.finance, day=lambda n: day0 + dt.timedelta(days=n))
    billing.milestone_plan(contract=contract, actor=users.finance, rows=TERMS)
    inv = invoice(s, 2, "26312000000000000001")
    pay(s, inv, "1000000", 5, "B-5")
    assert inv.status == "PARTIALLY_PAID"
    assert services.incentive_sweep(today=after) == 0
    assert [b["code"] for b in IncentiveAccrual.objects.get(pk=accruals["drr"].pk).blockers] == ["not_invoiced", "unpaid"]
    pay(s, inv, "2000000", 8, "B-8")
    assert inv.status == "PAID"
    # The advance is paid, but the collection is not complete: 7.0M of the contract is not invoiced yet.
    assert services.incentive_sweep(today=after) == 0
    blocked = IncentiveAccrual.objects.get(pk=accruals["campus-rebate"].pk)
    assert blocked.status == "ACCRUED" and [b["code"] for b in blocked.blockers] == ["not_invoiced"]
    assert blocked.blockers[0]["params"] == {"c": "CNY", "r": "7,000,000.00"}
    pac, fac = invoice_the_rest(s, 4)
    pay(s, pac, "6000000", 8, "B-8b")
    pay(s, fac, "1000000", 9, "B-9")
    assert services.incentive_sweep(today=after) == 2
    rebate = IncentiveAccrual.objects.get(pk=accruals["campus-rebate"].pk)
    # Payable on the whole 10.0M collected.
    assert rebate.status == "ELIGIBLE" and rebate.collected_base == Decimal("10000000.00")
    assert rebate.amount == Decimal("200000.00")
    reward = IncentiveAccrual.objects.get(pk=accruals["drr"].pk)
    assert reward.status == "ELIGIBLE" and reward.amount == Decimal("50000.00")  # a fixed reward stays fixed
    services.accrual_pay(actor=channel.cm, accrual=rebate, reference="FK-2026-007")
    rebate.refresh_from_db()
    assert rebate.status == "PAID" and rebate.paid_on == TODAY()

    # The partner's performance per quarter: the won registration, the won pipeline, the cash collected on its
    # contract, incentives accrued against paid, MDF used against its quota.
    services.quota_set(actor=channel.cm, partner=channel.p1, period_start=quarters(TODAY())[-1][1],
                       period_end=quarters(TODAY())[-1][2], amount="80000")
    figures = partner_performance(channel.p1)["figures"]
    assert figures["periods"] == [label for label, _s, _e in quarters(TODAY())] and len(figures["periods"]) == 4
    assert figures["registrations"] == {"WON": [0, 0, 0, 1]}
    assert figures["won"][-1] == Decimal("10000000.00") and sum(figures["won"]) == Decimal("10000000.00")
    assert sum(figures["cash"]) == Decimal("10000000.00")
    assert sum(figures["accrued"]) == Decimal("250000.00") and sum(figures["paid"]) == Decimal("200000.00")
    assert figures["mdf_quota"][-1] == Decimal("80000.00") and figures["mdf_used"][-1] == 0
    # Its page draws them for the channel manager and for the partner's own user; another partner gets nothing.
    page = _zh(channel.cm).get(f"/partners/{channel.p1.pk}/").content.decode()
    assert 'id="chart-won-cash"' in page and "10000000.0" in page and "赢单与回款" in page
    assert 'id="chart-registrations"' in _zh(channel.p1_user).get(f"/partners/{channel.p1.pk}/").content.decode()
    assert _zh(channel.p2_user).get(f"/partners/{channel.p1.pk}/").status_code == 404
    # The same figures through the API, for the partner's own user; nothing for another partner's.
    api = _zh(channel.p1_user).get(f"/api/v1/partners/{channel.p1.pk}/performance").json()
    assert api["currency"] == "CNY" and api["registrations"] == {"WON": [0, 0, 0, 1]}
    assert Decimal(api["won"][-1]) == Decimal("10000000") and sum(Decimal(v) for v in api["cash"]) == Decimal("10000000")
    assert sum(Decimal(v) for v in api["paid"]) == Decimal("200000")
    assert _zh(channel.p2_user).get(f"/api/v1/partners/{channel.p1.pk}/performance").status_code == 404


def test_a_blacklisted_partner_accrues_nothing_on_its_registered_deal(channel, deal):  # noqa: F811
    policies(channel)
    reg = register(channel, channel.p1, channel.p1_user, name="申江大学")
    services.registration_approve(registration=reg, actor=channel.cm)
    services.registration_convert(registration=reg, actor=channel.cm)
    reg.refresh_from_db()
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="虚假报备")
    opp = win_registered(deal, reg.opportunity)
    contract = Contract.objects.get(opportunity=opp)
    assert contract.registered_partner_id == channel.p1.pk
    assert not IncentiveAccrual.objects.exists()


def test_a_contract_of_two_categories_accrues_each_policy_on_its_lines_and_pays_on_the_cash(channel, deal, users):  # noqa: F811
    """6.0M of Campus Network and 4.0M of Data Center: the Campus rebate accrues on 6.0M, the Data Center specialty
    rebate on 4.0M, a rebate with no category on all 10.0M, a specialty rebate in a category the contract does not
    sell not at all. The advance invoice (3.0M) credited by 1,234.57 and the rest paid: still ACCRUED, 7.0M of the
    contract not invoiced; the PAC and FAC invoices (6.0M, 1.0M) paid too: each ELIGIBLE base is its share of the
    9,998,765.43 collected, to the fen."""
    today = TODAY()
    common = {"actor": channel.cm, "period_start": today - dt.timedelta(days=25), "period_end": today + dt.timedelta(days=5)}
    services.policy_create(code="campus-rebate", name="园区网络销售返利", kind="SALES_REBATE",
                           product_category="Campus Network", rate_pct="2", **common)
    services.policy_create(code="dc-specialty", name="数据中心专项返利", kind="SPECIALTY_REBATE",
                           product_category="Data Center", rate_pct="3", **common)
    services.policy_create(code="sales-rebate", name="销售返利", kind="SALES_REBATE", rate_pct="1", **common)
    security = services.policy_create(code="security-specialty", name="安全专项返利", kind="SPECIALTY_REBATE",
                                      product_category="Security", rate_pct="5", **common)
    reg = register(channel, channel.p1, channel.p1_user, name="申江大学")
    services.registration_approve(registration=reg, actor=channel.cm)
    services.registration_convert(registration=reg, actor=channel.cm)
    reg.refresh_from_db()
    opp = win_registered(deal, reg.opportunity, quote=two_category_quote)
    contract = Contract.objects.get(opportunity=opp)
    assert contract.total_value == Decimal("10000000.00")

    accruals = {a.policy.code: a for a in IncentiveAccrual.objects.filter(contract_id=contract.pk)}
    assert sorted(accruals) == ["campus-rebate", "dc-specialty", "sales-rebate"]
    assert security.accruals.count() == 0
    booked = {code: (a.base, a.amount) for code, a in accruals.items()}
    assert booked == {"campus-rebate": (Decimal("6000000.00"), Decimal("120000.00")),
                      "dc-specialty": (Decimal("4000000.00"), Decimal("120000.00")),
                      "sales-rebate": (Decimal("10000000.00"), Decimal("100000.00"))}
    assert {a.contract_value for a in accruals.values()} == {Decimal("10000000.00")}

    day0 = TODAY() - dt.timedelta(days=10)
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0)
    contract.refresh_from_db()
    s = SimpleNamespace(contract=contract, deal=deal, finance=users.finance, day=lambda n: day0 + dt.timedelta(days=n))
    billing.milestone_plan(contract=contract, actor=users.finance, rows=TERMS)
    inv = invoice(s, 2, "26312000000000000001")
    assert inv.total == Decimal("3000000.00")
    billing.credit_note_issue(invoice=inv, actor=users.finance, amount_="1234.57", reason="质量折让", issued_on=s.day(3))
    pay(s, inv, "2998765.43", 5, "B-5")
    assert inv.status == "PAID"
    after = common["period_end"] + dt.timedelta(days=1)
    assert services.incentive_sweep(today=after) == 0
    waiting = IncentiveAccrual.objects.get(pk=accruals["campus-rebate"].pk)
    assert waiting.status == "ACCRUED" and waiting.collected_base is None
    assert [b["code"] for b in waiting.blockers] == ["not_invoiced"]
    with translation.override("zh-hans"):
        assert reason_texts(waiting.blockers) == ["合同尚有 CNY 7,000,000.00 未开票。"]
    pac, fac = invoice_the_rest(s, 4)
    assert (pac.total, fac.total) == (Decimal("6000000.00"), Decimal("1000000.00"))
    pay(s, pac, "6000000", 8, "B-8")
    assert services.incentive_sweep(today=after) == 0  # the FAC invoice is not paid yet
    pay(s, fac, "1000000", 9, "B-9")
    assert services.incentive_sweep(today=after) == 2
    result = {a.policy.code: (a.status, a.collected_base, a.amount)
              for a in IncentiveAccrual.objects.filter(contract_id=contract.pk).select_related("policy")}
    # 9,998,765.43 × 60% = 5,999,259.258 → 5,999,259.26, × 2% = 119,985.1852 → 119,985.19;
    # 9,998,765.43 × 1% = 99,987.6543 → 99,987.65. P1 is not certified for Data Center: its specialty rebate waits.
    assert result == {"campus-rebate": ("ELIGIBLE", Decimal("5999259.26"), Decimal("119985.19")),
                      "sales-rebate": ("ELIGIBLE", Decimal("9998765.43"), Decimal("99987.65")),
                      "dc-specialty": ("ACCRUED", None, Decimal("120000.00"))}
    dc = IncentiveAccrual.objects.get(pk=accruals["dc-specialty"].pk)
    assert [b["code"] for b in dc.blockers] == ["not_certified"]
    event = Event.objects.get(event_type="partners.accrual.eligible", subject_id=str(accruals["campus-rebate"].pk))
    assert event.payload["changes"] == {"collected_base": [None, "5999259.26"], "amount": ["120000.00", "119985.19"]}
    assert event.payload["base"] == "6000000.00"
