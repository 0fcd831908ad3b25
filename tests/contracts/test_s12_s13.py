"""Scenarios S12 (contract change via ATAC) and S13 (FAC, closure and ATCC) of domain.md 13, to the fen:
University A's 10.0M contract (North 60 %, South 40 %, terms 30/60/10) gains the Library site (+1.5M) on
day 100, and closes after FAC on day 400 and the last payment on day 450."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from m2c.billing import services as billing_services
from m2c.billing.models import BillingItem, BillingMilestone
from m2c.contracts import selectors, services
from m2c.contracts.models import ChangeRequest, Contract, ContractVersion
from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.opportunities import services as opportunity_services
from tests.billing.conftest import M, handover, invoice, pac, pay
from tests.opportunities import flows

LIBRARY = "图书馆 Library"


@pytest.fixture(scope="module")
def s7_days_ago():
    """The S7 contract signed 470 days ago (so S13's day 450 is in the past); ``planned`` (tests/shared_data.py)
    plans the 30/60/10 terms on it."""
    return 470


def _amounts(contract):
    return [(m.seq, m.amount, m.status) for m in BillingMilestone.objects.filter(contract=contract).order_by("seq")]


def _day100(s):
    """S8–S10 up to day 100: INV-1 paid (days 25 and 70), INV-2 (3.6M) and INV-3 (2.4M) issued and open."""
    inv1 = invoice(s, 2, "26312000000000000001")
    c = handover(s)
    north, south = c.sites.all()
    pac(s, north, 60)
    inv2 = invoice(s, 62, "26312000000000000002")
    pay(s, inv1, "2000000", 25, "B-25")
    pay(s, inv1, "1000000", 70, "B-70")
    pac(s, south, 95)
    inv3 = invoice(s, 97, "26312000000000000003")
    c.refresh_from_db()
    return c, inv1, inv2, inv3


def _library_change(s, c, **kwargs):
    return services.change_request(
        contract=c, actor=s.deal.ar, kind="SCOPE", reason="客户新增图书馆站点 Library site added",
        lines=[{"description": "Wi-Fi 7 AP 图书馆", "site": LIBRARY, "quantity": "1500", "unit_price": "1000",
                "unit_cost": "700"}], effective_on=s.day(100), **kwargs)


def _s12(s):
    c, inv1, inv2, inv3 = _day100(s)
    change = _library_change(s, c)
    change = services.change_submit(change=change, actor=s.deal.ar)
    review = flows.answer_all(change.review, s.deal.ar, credit_used="1000000")
    review = opportunity_services.gate_review_submit(review=review, actor=s.deal.ar)
    flows.decide(review, s.deal.sdt_shanghai, "GO")
    change.refresh_from_db()
    c.refresh_from_db()
    return c, change, (inv1, inv2, inv3)


def test_s12_library_change_needs_atac_and_the_credit_check_passes_at_9_5m(planned):
    c, inv1, inv2, inv3 = _day100(planned)
    change = _library_change(planned, c)
    assert (change.status, change.delta_value, change.delta_pct, change.number) == (
        "DRAFT", Decimal("1500000.00"), Decimal("15.0000"), f"{c.number}-CR01")
    change = services.change_submit(change=change, actor=planned.deal.ar)
    c.refresh_from_db()
    assert (change.status, change.needs_atac, c.status) == ("SUBMITTED", True, "CHANGE_PENDING")
    assert change.review.gate_type == "ATAC" and change.review.value_amount == Decimal("1500000.00")
    # Exposure = 1M other AR + 6.0M open (INV-2, INV-3) + 1.0M unbilled M3 + 1.5M new = 9.5M ≤ 12M.
    exposure = selectors.credit_exposure(customer=c.customer, deal=change.review.value_money)
    other_ar = 1 * M
    assert (exposure.open_receivables, exposure.unbilled, exposure.deal) == (6 * M, 1 * M, Decimal("1500000.00"))
    assert other_ar + exposure.total == Decimal("9500000.00") <= exposure.limit == 12 * M
    # Nobody approves an ATAC change by hand, not even a decision-team member.
    with pytest.raises(InvalidTransition):
        services.change_approve(change=change, actor=planned.deal.sdt_shanghai)
    assert ContractVersion.objects.filter(contract=c).count() == 1
    review = flows.answer_all(change.review, planned.deal.ar, credit_used="1000000")
    review = opportunity_services.gate_review_submit(review=review, actor=planned.deal.ar)
    flows.decide(review, planned.deal.sdt_shanghai, "GO")
    change.refresh_from_db()
    c.refresh_from_db()
    assert (change.status, c.status, c.current_version, c.total_value) == (
        "APPROVED", "IN_EXECUTION", 2, Decimal("11500000.00"))


def test_s12_only_unbilled_items_change_and_milestones_are_recomputed_to_11_5m(planned):
    c, change, (inv1, inv2, inv3) = _s12(planned)
    version = c.versions.get(number=2)
    assert (version.total_value, change.contract_version, change.effective_on) == (
        Decimal("11500000.00"), version, planned.day(100))
    assert [s["name"] for s in version.snapshot["sites"]][-1] == LIBRARY
    assert sum(s.share_pct for s in c.sites.all()) == 100
    # M1 3.45M (3.0M invoiced + the 0.45M amendment item), M2 6.9M, M3 1.15M: 11.5M in all.
    assert _amounts(c) == [(1, Decimal("3450000.00"), "PARTIALLY_INVOICED"),
                           (2, Decimal("6900000.00"), "PARTIALLY_INVOICED"),
                           (3, Decimal("1150000.00"), "PLANNED")]
    assert sum(a for _s, a, _st in _amounts(c)) == Decimal("11500000.00")
    advance = BillingItem.objects.get(milestone__seq=1, contract=c, change=change)
    assert (advance.amount, advance.billable_on, advance.invoice) == (Decimal("450000.00"), planned.day(100), None)
    inv4 = invoice(planned, 103, "26312000000000000004")
    assert (inv4.total, inv4.issued_on) == (Decimal("450000.00"), planned.day(103))
    # The Library's M2 item waits for its PAC; then it is exactly 60 % × 1.5M.
    library = c.sites.get(name=LIBRARY)
    assert not BillingItem.objects.filter(site=library).exists()
    pac(planned, library, 250)
    item = BillingItem.objects.get(milestone__seq=2, site=library)
    assert (item.amount, item.billable_on) == (Decimal("900000.00"), planned.day(250))
    # An attempt to edit INV-2's amount is refused: issued invoices have no edit command (credit notes only).
    client = Client()
    client.force_login(planned.finance)
    for method in (client.patch, client.put):
        response = method(f"/api/v1/invoices/{inv2.pk}", {"total": "3000000"}, content_type="application/json")
        assert response.status_code == 405
    # INV-1 to INV-3 untouched.
    for inv, total in ((inv1, "3000000.00"), (inv2, "3600000.00"), (inv3, "2400000.00")):
        before = inv.total
        inv.refresh_from_db()
        assert inv.total == before == Decimal(total)
    kinds = list(Event.objects.filter(event_type="billing.milestone.recomputed").values_list("payload", flat=True))
    assert sorted((p["milestone"], p["before"], p["after"]) for p in kinds) == [
        ("M1", "3000000.00", "3450000.00"), ("M2", "6000000.00", "6900000.00"), ("M3", "1000000.00", "1150000.00")]


def test_s12_a_change_below_the_threshold_is_approved_by_the_manager_never_by_its_requester(planned):
    c, *_ = _day100(planned)
    change = services.change_request(contract=c, actor=planned.deal.ar, kind="PRICE", reason="加装 50 个 AP",
                                     lines=[{"description": "AP", "site": c.sites.first().name, "quantity": "50",
                                             "unit_price": "1000"}], effective_on=planned.day(100))
    change = services.change_submit(change=change, actor=planned.deal.ar)
    assert (change.needs_atac, change.review) == (False, None)
    with pytest.raises(PermissionDenied):
        services.change_approve(change=change, actor=planned.deal.ar)
    change.refresh_from_db()
    c.refresh_from_db()
    assert (change.status, c.status, c.total_value, c.current_version) == (
        "SUBMITTED", "CHANGE_PENDING", 10 * M, 1)
    change = services.change_approve(change=change, actor=planned.deal.sdt_shanghai)
    c.refresh_from_db()
    assert (change.status, c.status, c.total_value) == ("APPROVED", "IN_EXECUTION", Decimal("10050000.00"))
    assert selectors.change_count(c) == 1


def test_s12_bad_change_input_names_the_field_and_writes_nothing(planned):
    c, *_ = _day100(planned)
    before = Event.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.change_request(contract=c, actor=planned.deal.ar, kind="NOPE", reason="",
                                lines=[{"description": "", "site": "", "quantity": "-1", "unit_price": "x"}])
    fields = {e["field"] for e in exc.value.errors}
    assert {"kind", "reason", "lines.0.description", "lines.0.site", "lines.0.quantity",
            "lines.0.unit_price"} <= fields
    assert Event.objects.count() == before and not ChangeRequest.objects.exists()
    # A rejected change leaves the contract as it was.
    change = services.change_submit(change=_library_change(planned, c), actor=planned.deal.ar)
    review = flows.answer_all(change.review, planned.deal.ar, credit_used="1000000")
    review = opportunity_services.gate_review_submit(review=review, actor=planned.deal.ar)
    flows.decide(review, planned.deal.sdt_shanghai, "NO_GO")
    change.refresh_from_db()
    c.refresh_from_db()
    assert (change.status, c.status, c.total_value, c.sites.count()) == ("REJECTED", "IN_EXECUTION", 10 * M, 2)
    assert _amounts(c)[2][1] == 1 * M


def test_s13_fac_closure_through_atcc_stores_the_evaluation(planned):
    s = planned
    c, change, (inv1, inv2, inv3) = _s12(s)
    # S11 on INV-2: 0.4M disputed, 3.2M paid on day 130, CN-1 of 0.1M on day 150, 0.3M paid on day 160.
    inv2 = billing_services.invoice_dispute_open(invoice=inv2, actor=s.deal.ar, amount_="400000",
                                                 reason="Missing access points at North",
                                                 opened_on=s.day(125))
    inv4 = invoice(s, 103, "26312000000000000004")
    pay(s, inv2, "3200000", 130, "B-130")
    pay(s, inv4, "450000", 130, "B-130b")
    pay(s, inv3, "2400000", 140, "B-140")
    inv2 = billing_services.invoice_dispute_resolve(invoice=inv2, actor=s.finance, credit="100000",
                                                    reason="Customer upheld for 100 APs", on=s.day(150))
    pay(s, inv2, "300000", 160, "B-160")
    library = c.sites.get(name=LIBRARY)
    pac(s, library, 250)
    inv5 = invoice(s, 252, "26312000000000000005")
    assert inv5.total == Decimal("900000.00")
    pay(s, inv5, "900000", 300, "B-300")
    services.certificate_record(contract=c, actor=s.deal.ar, type="FAC", whole_contract=True, signed_on=s.day(400),
                                signatory="王处长")
    inv6 = invoice(s, 402, "26312000000000000006")
    assert inv6.total == Decimal("1150000.00")
    # FAC on 100 % fulfils the contract; it does not close while INV-6 is open.
    c = Contract.objects.get(pk=c.pk)
    assert c.status == "FULFILLED" and selectors.closure_checks(c)[1]["ok"] is False
    pay(s, inv6, "1150000", 450, "B-450")
    # A resolved dispute still counts until it is closed (the credit note carried out).
    assert {ch["code"]: ch["ok"] for ch in selectors.closure_checks(c)}["disputes"] is False
    billing_services.dispute_close(dispute=inv2.disputes.get(), actor=s.deal.ar, note="CN-1 已开具")
    assert {ch["code"]: ch["ok"] for ch in selectors.closure_checks(c)} == {
        "accepted": True, "receivables": True, "disputes": True, "risks": True, "changes": True, "post_mortem": False}
    with pytest.raises(ValidationFailed) as exc:
        services.contract_evaluation_save(contract=c, actor=s.deal.ar, actual_cost="-1", post_mortem=" ")
    assert {e["field"] for e in exc.value.errors} == {"actual_cost", "post_mortem"}
    # Actual cost 8.208M on 11.4M net revenue (11.5M invoiced less CN-1) is a 28 % margin against 30 % at ATB.
    services.contract_evaluation_save(contract=c, actor=s.deal.ar, actual_cost="8208000",
                                      post_mortem="图书馆扩容顺利；北校区验收争议导致 0.1M 红字发票。")
    review = services.contract_review_open(contract=c, actor=s.deal.ar, gate_type="ATCC")
    review = opportunity_services.gate_review_submit(review=flows.answer_all(review, s.deal.ar), actor=s.deal.ar)
    flows.decide(review, s.deal.sdt_shanghai, "GO")
    c = Contract.objects.get(pk=c.pk)
    ev = c.evaluation
    assert (c.status, ev.final, ev.revenue, ev.collected) == (
        "CLOSED", True, Decimal("11400000.00"), Decimal("11400000.00"))
    assert (ev.margin_atb_pct, ev.margin_actual_pct, ev.erosion_pts) == (
        Decimal("30.0000"), Decimal("28.0000"), Decimal("2.0000"))
    # 90 % of 11.5M = 10.35M is reached with INV-6's payment on day 450 (10.25M collected by day 300).
    assert (ev.days_to_90pct_collected, ev.change_count) == (450, 1)
    assert "红字发票" in ev.post_mortem


def test_termination_needs_its_own_atac_go_cancels_unbilled_milestones_and_settles_billed_ones(planned):
    s = planned
    inv1 = invoice(s, 2, "26312000000000000001")
    c = handover(s)
    north = c.sites.first()
    pac(s, north, 60)  # M2's North item (3.6M) is billable, not invoiced
    pay(s, inv1, "3000000", 25, "B-25")
    with pytest.raises(InvalidTransition) as exc:
        services.contract_terminate(contract=c, actor=s.deal.ar, reason="客户项目取消")
    assert exc.value.code == "gate_not_passed"
    review = services.contract_review_open(contract=c, actor=s.deal.ar, gate_type="ATAC",
                                           summary="终止合同")
    review = opportunity_services.gate_review_submit(review=flows.answer_all(review, s.deal.ar), actor=s.deal.ar)
    flows.decide(review, s.deal.sdt_shanghai, "GO")
    c = services.contract_terminate(contract=Contract.objects.get(pk=c.pk), actor=s.deal.ar, reason="客户项目取消")
    assert c.status == "TERMINATED"
    assert _amounts(c) == [(1, Decimal("3000000.00"), "SETTLED"), (2, Decimal("6000000.00"), "CANCELLED"),
                           (3, Decimal("1000000.00"), "CANCELLED")]
    assert not BillingItem.objects.filter(milestone__seq=2, contract=c).exists()
    inv1.refresh_from_db()
    assert (inv1.status, inv1.total) == ("PAID", Decimal("3000000.00"))
