"""Incentives on collected cash: ELIGIBLE only with the certification valid throughout the period, the threshold
met and every invoice of the contract PAID; blacklisting cancels; S15's rebate part."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import PermissionDenied
from m2c.partners import services
from m2c.partners.models import IncentiveAccrual
from m2c.partners.states import CERTIFICATION_MACHINE
from tests.billing.conftest import invoice, pay, planned, signed  # noqa: F401 - fixtures reused
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def rebate(channel, *, start_days: int = 25, threshold: str = "1000000", code: str = "campus-rebate"):
    today = TODAY()
    return services.policy_create(actor=channel.cm, code=code, name="园区网络销售返利", kind="SALES_REBATE",
                                  product_category="Campus Network", rate_pct="2", threshold=threshold,
                                  period_start=today - dt.timedelta(days=start_days), period_end=today)


def accrue(channel, planned, policy, base: str = "3000000"):  # noqa: F811
    return services.accrual_record(actor=channel.cm, policy=policy, partner=channel.p1,
                                   contract=planned.contract, base=base)


def codes(accrual):
    accrual.refresh_from_db()
    return [b["code"] for b in accrual.blockers]


TOMORROW = lambda: TODAY() + dt.timedelta(days=1)  # noqa: E731 - the period (ending today) has closed


def test_an_unpaid_or_partly_paid_invoice_keeps_the_accrual_accrued(channel, planned):  # noqa: F811
    accrual = accrue(channel, planned, rebate(channel))
    assert str(accrual.amount) == "60000.00"
    services.accrual_evaluate(accrual, today=TOMORROW())
    assert accrual.status == "ACCRUED" and codes(accrual) == ["not_invoiced"]
    inv = invoice(planned, 2, "26312000000000000001")
    services.incentive_sweep(today=TOMORROW())
    assert codes(accrual) == ["unpaid"]
    pay(planned, inv, "1000000", 20, "B-20")
    assert inv.status == "PARTIALLY_PAID"
    assert services.incentive_sweep(today=TOMORROW()) == 0
    accrual.refresh_from_db()
    assert accrual.status == "ACCRUED" and codes(accrual) == ["unpaid"]
    pay(planned, inv, "2000000", 30, "B-30")
    assert inv.status == "PAID"
    assert services.incentive_sweep(today=TOMORROW()) == 1
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE" and accrual.blockers == []
    with pytest.raises(PermissionDenied):
        services.accrual_pay(actor=channel.p1_user, accrual=accrual, reference="X")
    services.accrual_pay(actor=channel.cm, accrual=accrual, reference="FK-2026-001")
    accrual.refresh_from_db()
    assert accrual.status == "PAID" and accrual.paid_on == TODAY()


def test_an_open_period_and_an_unmet_threshold_block(channel, planned):  # noqa: F811
    inv = invoice(planned, 2, "26312000000000000001")
    pay(planned, inv, "3000000", 20, "B-20")
    accrual = accrue(channel, planned, rebate(channel, threshold="5000000"))
    services.accrual_evaluate(accrual)
    assert codes(accrual) == ["period_open", "threshold"]


def test_a_certification_gap_in_the_period_blocks_eligibility(channel, planned):  # noqa: F811
    inv = invoice(planned, 2, "26312000000000000001")
    pay(planned, inv, "3000000", 20, "B-20")
    # The certification started 30 days ago: a period that began 40 days ago was not covered throughout.
    early = accrue(channel, planned, rebate(channel, start_days=40, code="early"))
    services.accrual_evaluate(early, today=TOMORROW())
    assert codes(early) == ["certification_period"]
    # Non-compliant for a while inside the period, compliant again now: still a gap.
    cert = channel.p1.certifications.get()
    CERTIFICATION_MACHINE.apply(cert, "NON_COMPLIANT", payload={"product_category": cert.product_category})
    CERTIFICATION_MACHINE.apply(cert, "ACTIVE", payload={"product_category": cert.product_category})
    policy = rebate(channel, code="gap")
    gap = services.accrual_record(actor=channel.cm, policy=policy, partner=channel.p1, contract=planned.contract,
                                  base="3000000")
    services.accrual_evaluate(gap, today=TOMORROW())
    assert codes(gap) == ["certification_gap"] and gap.status == "ACCRUED"


def test_blacklisting_cancels_accrued_and_eligible_accruals_but_not_paid_ones(channel, planned):  # noqa: F811
    inv = invoice(planned, 2, "26312000000000000001")
    pay(planned, inv, "3000000", 20, "B-20")
    paid = accrue(channel, planned, rebate(channel, code="a"))
    eligible = accrue(channel, planned, rebate(channel, code="b"))
    accrued = accrue(channel, planned, rebate(channel, code="c", threshold="9000000"))
    assert services.incentive_sweep(today=TOMORROW()) == 2
    services.accrual_pay(actor=channel.cm, accrual=IncentiveAccrual.objects.get(pk=paid.pk), reference="FK-1")
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="虚假报备")
    states = {a.pk: a.status for a in IncentiveAccrual.objects.all()}
    assert states == {paid.pk: "PAID", eligible.pk: "CANCELLED", accrued.pk: "CANCELLED"}


def test_s15_rebate_becomes_eligible_only_after_the_invoices_are_paid_and_blacklisting_cancels_it(channel, planned):  # noqa: F811
    """S15, the rebate part: P1's won contract accrues a rebate; ELIGIBLE only once the distributor's invoices for
    that order are PAID; had P1 been blacklisted before payment, the accrual would be cancelled."""
    policy = rebate(channel)
    accrual = accrue(channel, planned, policy)
    inv = invoice(planned, 2, "26312000000000000001")
    services.incentive_sweep(today=TOMORROW())
    assert codes(accrual) == ["unpaid"]
    pay(planned, inv, "3000000", 40, "B-40")
    services.incentive_sweep(today=TOMORROW())
    accrual.refresh_from_db()
    assert accrual.status == "ELIGIBLE"
    # The blacklisting variant on a second accrual, before its payment.
    other = accrue(channel, planned, rebate(channel, code="variant"))
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="串货")
    other.refresh_from_db()
    assert other.status == "CANCELLED"


def test_the_statement_of_a_partner_and_period_as_pdf_and_xlsx_in_chinese(channel, planned):  # noqa: F811
    import io

    from openpyxl import load_workbook

    from m2c.partners import statements

    accrual = accrue(channel, planned, rebate(channel))
    services.accrual_evaluate(accrual, today=TOMORROW())
    data = statements.statement(channel.p1, TODAY() - dt.timedelta(days=90), TODAY())
    assert [a.pk for a in data["accruals"]] == [accrual.pk]
    assert data["totals"]["CNY"]["ACCRUED"] == accrual.amount
    assert statements.statement(channel.p2, TODAY() - dt.timedelta(days=90), TODAY())["accruals"] == []
    pdf = statements.render_pdf(data)
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf  # the CJK font is embedded
    sheet = load_workbook(io.BytesIO(statements.render_xlsx(data))).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:2] == ["激励对账单", channel.p1.legal_name]
    row = next(r for r in cells if r and r[0] == accrual.number)
    assert row[5] == accrual.amount and row[7] == "已计提" and row[8] == "该合同尚未开票。"  # the blocker, read in Chinese
