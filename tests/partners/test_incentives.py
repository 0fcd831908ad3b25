"""Incentives on collected cash: ELIGIBLE only with the certification valid throughout the period, the threshold
met and the contract's collection complete (fully invoiced, every invoice PAID), the base then restated on the
cash collected (to the fen, net of credit notes, pro rata to the scope's share); blacklisting cancels; S15's
rebate part.

The contract is billing's S7 contract: 10.0M of Campus Network access points, planned 30/60/10: the advance
invoice is 3.0M, the PAC invoice 6.0M, the FAC invoice 1.0M (``invoice_the_rest``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from m2c.billing import services as billing
from m2c.contracts import services as contract_services
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.partners import services
from m2c.partners.models import IncentiveAccrual
from m2c.partners.reasons import reason_texts
from m2c.partners.states import CERTIFICATION_MACHINE
from tests.billing.conftest import handover, invoice, pay, planned, signed  # noqa: F401 - fixtures reused
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused

from .conftest import invoice_the_rest

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def rebate(channel, *, start_days: int = 25, threshold: str = "1000000", code: str = "campus-rebate"):
    today = TODAY()
    return services.policy_create(actor=channel.cm, code=code, name="园区网络销售返利", kind="SALES_REBATE",
                                  product_category="Campus Network", rate_pct="2", threshold=threshold,
                                  period_start=today - dt.timedelta(days=start_days), period_end=today)


def accrue(channel, planned, policy, base: str | None = None):  # noqa: F811
    return services.accrual_record(actor=channel.cm, policy=policy, partner=channel.p1,
                                   contract=planned.contract, base=base)


def codes(accrual):
    accrual.refresh_from_db()
    return [b["code"] for b in accrual.blockers]


TOMORROW = lambda: TODAY() + dt.timedelta(days=1)  # noqa: E731 - the period (ending today) has closed


def collect_in_full(planned, *, credit: str = ""):  # noqa: F811
    """The whole 10.0M invoiced (advance, PAC, FAC) and paid; ``credit``: a credit note on the FAC invoice first."""
    pay(planned, invoice(planned, 2, "26312000000000000001"), "3000000", 20, "B-20")
    pac, fac = invoice_the_rest(planned, 60)
    if credit:
        billing.credit_note_issue(invoice=fac, actor=planned.finance, amount_=credit, reason="折让",
                                  issued_on=planned.day(64))
    pay(planned, pac, "6000000", 70, "B-70")
    pay(planned, fac, str(Decimal("1000000") - Decimal(credit or 0)), 80, "B-80")
    assert fac.status == "PAID"


def test_an_unpaid_invoice_or_a_contract_not_fully_invoiced_keeps_the_accrual_accrued(channel, planned):  # noqa: F811
    accrual = accrue(channel, planned, rebate(channel))
    # Booked on the contract's Campus Network lines (all of it): 2% of 10.0M.
    assert accrual.base == Decimal("10000000.00") and accrual.contract_value == Decimal("10000000.00")
    assert str(accrual.amount) == "200000.00" and accrual.collected_base is None
    services.accrual_evaluate(accrual, today=TOMORROW())
    assert accrual.status == "ACCRUED" and codes(accrual) == ["not_invoiced"]
    inv = invoice(planned, 2, "26312000000000000001")
    services.incentive_sweep(today=TOMORROW())
    assert codes(accrual) == ["not_invoiced", "unpaid"]
    pay(planned, inv, "1000000", 20, "B-20")
    assert inv.status == "PARTIALLY_PAID"
    assert services.incentive_sweep(today=TOMORROW()) == 0
    accrual.refresh_from_db()
    assert accrual.status == "ACCRUED" and codes(accrual) == ["not_invoiced", "unpaid"]
    pay(planned, inv, "2000000", 30, "B-30")
    assert inv.status == "PAID"
    # The advance is paid, but 7.0M of the contract is not invoiced yet: its collection is not complete.
    assert services.incentive_sweep(today=TOMORROW()) == 0
    accrual.refresh_from_db()
    assert accrual.status == "ACCRUED" and codes(accrual) == ["not_invoiced"] and accrual.collected_base is None
    assert reason_texts(accrual.blockers) == ["CNY 7,000,000.00 of the contract is not invoiced yet."]
    with translation.override("zh-hans"):
        assert reason_texts(accrual.blockers) == ["合同尚有 CNY 7,000,000.00 未开票。"]
    pac, fac = invoice_the_rest(planned, 60)
    assert (pac.total, fac.total) == (Decimal("6000000.00"), Decimal("1000000.00"))
    assert services.incentive_sweep(today=TOMORROW()) == 0 and codes(accrual) == ["unpaid"]
    pay(planned, pac, "6000000", 70, "B-70")
    pay(planned, fac, "1000000", 80, "B-80")
    assert services.incentive_sweep(today=TOMORROW()) == 1
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE" and accrual.blockers == []
    # Payable on the whole 10.0M collected.
    assert accrual.collected_base == Decimal("10000000.00") and accrual.amount == Decimal("200000.00")
    with pytest.raises(PermissionDenied):
        services.accrual_pay(actor=channel.p1_user, accrual=accrual, reference="X")
    services.accrual_pay(actor=channel.cm, accrual=accrual, reference="FK-2026-001")
    accrual.refresh_from_db()
    assert accrual.status == "PAID" and accrual.paid_on == TODAY()


def test_an_open_period_and_an_unmet_threshold_block(channel, planned):  # noqa: F811
    inv = invoice(planned, 2, "26312000000000000001")
    pay(planned, inv, "3000000", 20, "B-20")
    accrual = accrue(channel, planned, rebate(channel, threshold="10000000.01"))
    services.accrual_evaluate(accrual)
    assert codes(accrual) == ["period_open", "threshold", "not_invoiced"]


def test_the_threshold_counts_the_collected_base_once_known(channel, planned):  # noqa: F811
    """Booked 10.0M would pass a 9,999,000 threshold; once the collection is complete the 9,998,765.43 collected
    (the FAC invoice credited by 1,234.57) counts instead."""
    accrual = accrue(channel, planned, rebate(channel, threshold="9999000"))
    inv = invoice(planned, 2, "26312000000000000001")
    pay(planned, inv, "3000000", 20, "B-20")
    services.accrual_evaluate(accrual, today=TOMORROW())
    assert codes(accrual) == ["not_invoiced"]  # still on the booked base: 10.0M reaches the threshold
    pac, fac = invoice_the_rest(planned, 60)
    billing.credit_note_issue(invoice=fac, actor=planned.finance, amount_="1234.57", reason="折让", issued_on=planned.day(64))
    pay(planned, pac, "6000000", 70, "B-70")
    pay(planned, fac, "998765.43", 80, "B-80")
    services.accrual_evaluate(accrual, today=TOMORROW())
    accrual.refresh_from_db()
    assert codes(accrual) == ["threshold"] and accrual.status == "ACCRUED" and accrual.collected_base is None
    assert accrual.blockers[0]["params"]["r"] == "9,998,765.43"


def test_a_partly_credited_contract_pays_on_the_cash_to_the_fen(channel, planned):  # noqa: F811
    """A 6.0M scope of the 10.0M contract (60%); the 3.0M advance invoice credited by 1,234.57 and the rest paid:
    not payable while 7.0M is not invoiced (a credit note does not make it "invoiced"); once the PAC and FAC
    invoices are paid too the collected base is 9,998,765.43 × 60% = 5,999,259.258 → 5,999,259.26, the incentive
    2% = 119,985.1852 → 119,985.19; the event carries the diff."""
    accrual = accrue(channel, planned, rebate(channel), base="6000000")
    assert accrual.amount == Decimal("120000.00")
    inv = invoice(planned, 2, "26312000000000000001")
    billing.credit_note_issue(invoice=inv, actor=planned.finance, amount_="1234.57", reason="折让", issued_on=planned.day(3))
    inv.refresh_from_db()
    pay(planned, inv, "2998765.43", 20, "B-20")
    assert inv.status == "PAID" and inv.credited == Decimal("1234.57")
    assert services.incentive_sweep(today=TOMORROW()) == 0
    accrual.refresh_from_db()
    assert accrual.status == "ACCRUED" and codes(accrual) == ["not_invoiced"]
    assert accrual.blockers[0]["params"] == {"c": "CNY", "r": "7,000,000.00"}
    pac, fac = invoice_the_rest(planned, 60)
    pay(planned, pac, "6000000", 70, "B-70")
    assert services.incentive_sweep(today=TOMORROW()) == 0 and codes(accrual) == ["unpaid"]
    pay(planned, fac, "1000000", 80, "B-80")
    assert services.incentive_sweep(today=TOMORROW()) == 1
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE" and accrual.base == Decimal("6000000.00")
    assert accrual.collected_base == Decimal("5999259.26") and accrual.amount == Decimal("119985.19")
    event = Event.objects.get(event_type="partners.accrual.eligible", subject_id=str(accrual.pk))
    assert event.payload["changes"] == {"collected_base": [None, "5999259.26"], "amount": ["120000.00", "119985.19"]}
    assert Decimal(event.payload["base"]) == Decimal("6000000")
    # The channel manager and the partner read both bases, on the page and through the API.
    from tests.clients import zh_client

    page = zh_client(channel.p1_user).get("/partners/incentives/").content.decode()
    assert "计提基数" in page and "回款基数" in page and "5,999,259.26" in page and "6,000,000.00" in page
    api = zh_client(channel.cm).get(f"/api/v1/incentives/accruals/{accrual.pk}").json()
    assert Decimal(api["base"]["amount"]) == Decimal("6000000") and Decimal(api["collected_base"]["amount"]) == Decimal("5999259.26")
    assert Decimal(api["amount"]["amount"]) == Decimal("119985.19")


def test_a_change_that_lowers_the_contract_lowers_the_incentive_with_the_cash(channel, planned):  # noqa: F811
    """Booked on 10.0M; a price change takes 500,000 off (pro rata to the sites) before the advance is invoiced, so
    the advance is 30% of 9.5M = 2.85M, and the PAC and FAC invoices 5.7M and 0.95M; paid, the collected base is
    9.5M and the incentive 2% of it, 190,000."""
    accrual = accrue(channel, planned, rebate(channel))
    assert accrual.base == Decimal("10000000.00") and accrual.amount == Decimal("200000.00")
    contract = handover(planned)
    change = contract_services.change_request(contract=contract, actor=planned.deal.ar, kind="PRICE", reason="降价",
                                              lines=[{"description": "价格调整", "site": "北校区 Campus North", "quantity": "1",
                                                      "unit_price": "-300000"},
                                                     {"description": "价格调整", "site": "南校区 Campus South", "quantity": "1",
                                                      "unit_price": "-200000"}], effective_on=planned.day(4))
    change = contract_services.change_submit(change=change, actor=planned.deal.ar)
    assert not change.needs_atac
    contract_services.change_approve(change=change, actor=planned.deal.sdt_shanghai)
    contract.refresh_from_db()
    assert contract.total_value == Decimal("9500000.00")
    inv = invoice(planned, 5, "26312000000000000001")
    assert inv.total == Decimal("2850000.00")
    pay(planned, inv, "2850000", 20, "B-20")
    assert services.incentive_sweep(today=TOMORROW()) == 0
    # What is left to invoice is the contract's value after the change: 9.5M − 2.85M.
    assert codes(accrual) == ["not_invoiced"] and accrual.blockers[0]["params"]["r"] == "6,650,000.00"
    pac, fac = invoice_the_rest(planned, 60)
    assert (pac.total, fac.total) == (Decimal("5700000.00"), Decimal("950000.00"))
    pay(planned, pac, "5700000", 70, "B-70")
    pay(planned, fac, "950000", 80, "B-80")
    assert services.incentive_sweep(today=TOMORROW()) == 1
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE" and accrual.base == Decimal("10000000.00")
    assert accrual.collected_base == Decimal("9500000.00") and accrual.amount == Decimal("190000.00")


def test_a_terminated_contract_invoices_nothing_more_so_what_is_left_does_not_block(channel, planned):  # noqa: F811
    """The 3.0M advance paid, the contract terminated on ATAC GO: its PAC and FAC milestones are cancelled, nothing
    more will be invoiced, so the 7.0M left does not block; ELIGIBLE on the 3.0M collected, 2% = 60,000."""
    from m2c.contracts.models import Contract
    from m2c.opportunities import services as opportunity_services
    from tests.opportunities import flows

    accrual = accrue(channel, planned, rebate(channel))
    inv = invoice(planned, 2, "26312000000000000001")
    contract = handover(planned)
    pay(planned, inv, "3000000", 25, "B-25")
    services.accrual_evaluate(accrual, today=TOMORROW())
    assert codes(accrual) == ["not_invoiced"]
    review = contract_services.contract_review_open(contract=contract, actor=planned.deal.ar, gate_type="ATAC",
                                                    summary="终止合同")
    review = opportunity_services.gate_review_submit(review=flows.answer_all(review, planned.deal.ar),
                                                     actor=planned.deal.ar)
    flows.decide(review, planned.deal.sdt_shanghai, "GO")
    contract = contract_services.contract_terminate(contract=Contract.objects.get(pk=contract.pk),
                                                    actor=planned.deal.ar, reason="客户项目取消")
    assert contract.status == "TERMINATED" and contract.total_value == Decimal("10000000.00")
    assert services.incentive_sweep(today=TOMORROW()) == 1
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE" and accrual.blockers == []
    assert accrual.collected_base == Decimal("3000000.00") and accrual.amount == Decimal("60000.00")


def test_the_sweep_reads_the_contracts_values_and_invoices_once_for_all_its_accruals(channel, planned):  # noqa: F811
    """Three accruals on the contract: the sweep reads the contracts' values and their invoices in one query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    accruals = [accrue(channel, planned, rebate(channel, code=code)) for code in ("a", "b", "c")]
    pay(planned, invoice(planned, 2, "26312000000000000001"), "3000000", 20, "B-20")
    with CaptureQueriesContext(connection) as ctx:
        assert services.incentive_sweep(today=TOMORROW()) == 0
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in sql if 'FROM "contracts_contract"' in q]) == 1
    assert len([q for q in sql if 'FROM "billing_invoice"' in q]) == 1
    assert {tuple(codes(a)) for a in accruals} == {("not_invoiced",)}


def test_a_fixed_reward_keeps_its_amount_and_a_base_above_the_contract_is_refused(channel, planned):  # noqa: F811
    from .conftest import register

    reg = register(channel, channel.p1, channel.p1_user)
    policy = services.policy_create(actor=channel.cm, code="drr", name="报备奖励", kind="DRR", fixed="50000",
                                    period_start=TODAY() - dt.timedelta(days=25), period_end=TODAY())
    with pytest.raises(ValidationFailed) as refused:
        services.accrual_record(actor=channel.cm, policy=rebate(channel), partner=channel.p1,
                                contract=planned.contract, base="10000000.01")
    assert [e["field"] for e in refused.value.errors] == ["base"]
    accrual = services.accrual_record(actor=channel.cm, policy=policy, partner=channel.p1, contract=planned.contract,
                                      registration=reg)
    collect_in_full(planned, credit="1234.57")
    services.accrual_evaluate(accrual, today=TOMORROW())
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE"
    assert accrual.amount == Decimal("50000.00") and accrual.collected_base == Decimal("9998765.43")


def test_a_certification_gap_in_the_period_blocks_eligibility(channel, planned):  # noqa: F811
    collect_in_full(planned)
    # The certification started 30 days ago: a period that began 40 days ago was not covered throughout.
    early = accrue(channel, planned, rebate(channel, start_days=40, code="early"))
    services.accrual_evaluate(early, today=TOMORROW())
    assert codes(early) == ["certification_period"]
    # Non-compliant for a while inside the period, compliant again now: still a gap.
    cert = channel.p1.certifications.get()
    CERTIFICATION_MACHINE.apply(cert, "NON_COMPLIANT", payload={"product_category": cert.product_category})
    CERTIFICATION_MACHINE.apply(cert, "ACTIVE", payload={"product_category": cert.product_category})
    policy = rebate(channel, code="gap")
    gap = services.accrual_record(actor=channel.cm, policy=policy, partner=channel.p1, contract=planned.contract)
    services.accrual_evaluate(gap, today=TOMORROW())
    assert codes(gap) == ["certification_gap"] and gap.status == "ACCRUED"


def test_blacklisting_cancels_accrued_and_eligible_accruals_but_not_paid_ones(channel, planned):  # noqa: F811
    collect_in_full(planned, credit="1234.57")
    paid = accrue(channel, planned, rebate(channel, code="a"))
    eligible = accrue(channel, planned, rebate(channel, code="b"))
    # Booked 10.0M, collected 9,998,765.43: a 9,999,000 threshold is not met on cash.
    accrued = accrue(channel, planned, rebate(channel, code="c", threshold="9999000"))
    assert services.incentive_sweep(today=TOMORROW()) == 2
    services.accrual_pay(actor=channel.cm, accrual=IncentiveAccrual.objects.get(pk=paid.pk), reference="FK-1")
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="虚假报备")
    states = {a.pk: a.status for a in IncentiveAccrual.objects.all()}
    assert states == {paid.pk: "PAID", eligible.pk: "CANCELLED", accrued.pk: "CANCELLED"}


def test_s15_rebate_becomes_eligible_only_after_the_invoices_are_paid_and_blacklisting_cancels_it(channel, planned):  # noqa: F811
    """S15, the rebate part: P1's won contract accrues a rebate; ELIGIBLE only once the distributor's invoices for
    that order are PAID, all of it; had P1 been blacklisted before payment, the accrual would be cancelled."""
    policy = rebate(channel)
    accrual = accrue(channel, planned, policy)
    inv = invoice(planned, 2, "26312000000000000001")
    services.incentive_sweep(today=TOMORROW())
    assert codes(accrual) == ["not_invoiced", "unpaid"]
    pay(planned, inv, "3000000", 40, "B-40")
    services.incentive_sweep(today=TOMORROW())
    assert codes(accrual) == ["not_invoiced"]
    pac, fac = invoice_the_rest(planned, 60)
    pay(planned, pac, "6000000", 70, "B-70")
    pay(planned, fac, "1000000", 80, "B-80")
    services.incentive_sweep(today=TOMORROW())
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE"
    # The blacklisting variant on a second accrual, before its payment.
    other = accrue(channel, planned, rebate(channel, code="variant"))
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="串货")
    other.refresh_from_db()
    assert other.status == "CANCELLED"


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")


def test_the_statement_of_a_partner_and_period_as_pdf_and_xlsx_in_chinese(channel, planned):  # noqa: F811
    import io

    from openpyxl import load_workbook

    from m2c.partners import statements

    accrual = accrue(channel, planned, rebate(channel))
    services.accrual_evaluate(accrual, today=TOMORROW())
    eligible = accrue(channel, planned, rebate(channel, code="paid-on-cash"))
    collect_in_full(planned, credit="1234.57")
    services.accrual_evaluate(eligible, today=TOMORROW())
    eligible.refresh_from_db()
    assert eligible.status == "ELIGIBLE" and eligible.collected_base == Decimal("9998765.43")
    data = statements.statement(channel.p1, TODAY() - dt.timedelta(days=90), TODAY())
    assert [a.pk for a in data["accruals"]] == sorted([accrual.pk, eligible.pk], key=lambda pk: IncentiveAccrual.objects.get(pk=pk).number)
    assert data["totals"]["CNY"]["ACCRUED"] == accrual.amount and data["totals"]["CNY"]["ELIGIBLE"] == Decimal("199975.31")
    assert statements.statement(channel.p2, TODAY() - dt.timedelta(days=90), TODAY())["accruals"] == []
    pdf = statements.render_pdf(data)
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf  # the CJK font is embedded
    sheet = load_workbook(io.BytesIO(statements.render_xlsx(data))).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:2] == ["激励对账单", channel.p1.legal_name]
    assert cells[2][4:7] == ["计提基数", "回款基数", "激励"]
    row = next(r for r in cells if r and r[0] == accrual.number)
    assert row[4] == Decimal("10000000") and row[5] is None and row[6] == accrual.amount
    assert row[8] == "已计提" and row[9] == "合同尚有 CNY 10,000,000.00 未开票。"  # the blocker, read in Chinese
    row = next(r for r in cells if r and r[0] == eligible.number)
    assert row[4] == Decimal("10000000") and Decimal(str(row[5])) == Decimal("9998765.43") and Decimal(str(row[6])) == Decimal("199975.31")
    # The PDF shows the collected base too (its text is compressed: read it back with the same library).
    text = _pdf_text(pdf)
    assert "回款基数" in text and "9,998,765.43" in text
