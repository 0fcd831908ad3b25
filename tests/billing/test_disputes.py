"""Disputes (domain.md 11.9): the state walk, the invoice's disputed amount as the sum of contested disputes,
escalation by age or amount, and refusals that change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.billing import selectors, services
from m2c.billing.models import Dispute, Invoice
from m2c.billing.services.disputes import dispute_escalation_sweep
from m2c.billing.states import DISPUTE_MACHINE
from m2c.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event

from .conftest import invoice, pay
from .test_scenarios import s9


@pytest.fixture
def inv2(planned):
    _inv1, inv2, _inv3 = s9(planned)
    return inv2


def _state(d: Dispute) -> tuple:
    d.refresh_from_db()
    inv = Invoice.objects.get(pk=d.invoice_id)
    return d.status, d.proposed_credit, inv.status, inv.disputed, inv.credited


def test_every_row_of_the_dispute_table_names_known_states():
    assert DISPUTE_MACHINE.states() == {"OPEN", "INVESTIGATING", "PROPOSED", "RESOLVED", "ESCALATED", "CLOSED"}
    assert DISPUTE_MACHINE.targets("OPEN") == ["INVESTIGATING", "ESCALATED"]
    assert DISPUTE_MACHINE.targets("RESOLVED") == ["CLOSED"] and DISPUTE_MACHINE.is_terminal("CLOSED")


def test_s11_dispute_walks_open_to_closed_and_credits_0_1m_of_the_0_4m(planned, inv2):
    d = services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="400000", category="ACCEPTANCE",
                              reason="Missing access points at North", opened_on=planned.day(125))
    assert (d.number[:3], d.owner, d.contract, d.currency) == ("ZY-", planned.deal.ar, planned.contract, "CNY")
    assert _state(d) == ("OPEN", None, "DISPUTED", Decimal("400000.00"), 0)
    pay(planned, inv2, "3200000", 130, "B-130")
    services.dispute_investigate(dispute=d, actor=planned.deal.ar)
    services.dispute_propose(dispute=d, actor=planned.deal.ar, credit="100000", proposal="100 APs were missing")
    assert _state(d) == ("PROPOSED", Decimal("100000.00"), "DISPUTED", Decimal("400000.00"), 0)
    services.dispute_resolve(dispute=d, actor=planned.finance, on=planned.day(150))
    d.refresh_from_db()
    assert (d.resolved_on, d.credit_note.total, d.credit_note.issued_on) == (
        planned.day(150), Decimal("100000.00"), planned.day(150))
    assert _state(d) == ("RESOLVED", Decimal("100000.00"), "PARTIALLY_PAID", 0, Decimal("100000.00"))
    pay(planned, inv2, "300000", 160, "B-160")
    services.dispute_close(dispute=d, actor=planned.deal.ar)
    assert _state(d)[:3] == ("CLOSED", Decimal("100000.00"), "PAID")
    kinds = list(Event.objects.for_subject(d).values_list("event_type", flat=True))
    assert kinds == ["billing.dispute.opened", "billing.dispute.status_changed", "billing.dispute.proposed",
                     "billing.dispute.resolved", "billing.dispute.status_changed"]
    assert not selectors.open_disputes(planned.contract.pk, include_resolved=True).exists()


def test_two_disputes_on_one_invoice_hold_their_sum_and_a_rejected_one_credits_nothing(planned, inv2):
    a = services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="400000", reason="Missing APs",
                              opened_on=planned.day(110))
    b = services.dispute_open(invoice=inv2, actor=planned.finance, amount_="50000.50", reason="Price of cables",
                              category="PRICE", opened_on=planned.day(112))
    inv2.refresh_from_db()
    assert (inv2.status, inv2.disputed) == ("DISPUTED", Decimal("450000.50"))
    assert list(selectors.open_disputes(planned.contract.pk)) == [b, a]
    # More than the open amount not yet disputed is refused.
    with pytest.raises(ValidationFailed) as exc:
        services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="3149999.51", reason="x")
    assert exc.value.errors[0]["field"] == "amount" and Dispute.objects.count() == 2
    services.dispute_investigate(dispute=b, actor=planned.finance)
    services.dispute_propose(dispute=b, actor=planned.finance, credit="0", proposal="The price is as contracted")
    services.dispute_resolve(dispute=b, actor=planned.finance, on=planned.day(120))
    assert _state(b) == ("RESOLVED", 0, "DISPUTED", Decimal("400000.00"), 0)
    assert list(selectors.open_disputes(planned.contract.pk)) == [a]


def test_refusals_change_nothing(planned, inv2):
    d = services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="80000", reason="Late delivery",
                              category="DELAY_PENALTY", opened_on=planned.day(110))
    before = _state(d)
    # The disputed part is credited only by resolving the dispute, so the invoice's disputed amount stays its sum.
    with pytest.raises(ValidationFailed) as exc:
        services.credit_note_issue(invoice=inv2, actor=planned.finance, amount_="3520000.01", reason="x")
    assert exc.value.errors[0]["field"] == "amount" and _state(d) == before
    with pytest.raises(InvalidTransition):
        services.dispute_propose(dispute=d, actor=planned.deal.ar, credit="1", proposal="too early")
    with pytest.raises(InvalidTransition):
        services.dispute_resolve(dispute=d, actor=planned.finance)
    services.dispute_investigate(dispute=d, actor=planned.deal.ar)
    before = _state(d)
    with pytest.raises(ValidationFailed) as exc:
        services.dispute_propose(dispute=d, actor=planned.deal.ar, credit="80000.01", proposal="")
    assert {e["field"] for e in exc.value.errors} == {"credit", "proposal"}
    with pytest.raises(PermissionDenied):
        services.dispute_propose(dispute=d, actor=planned.users.marketing, credit="1", proposal="x")
    assert _state(d) == before
    services.dispute_propose(dispute=d, actor=planned.deal.ar, credit="20000", proposal="Penalty per contract")
    before = _state(d)
    with pytest.raises(PermissionDenied):
        services.dispute_resolve(dispute=d, actor=planned.deal.ar)  # resolving credits: finance only
    with pytest.raises(ValidationFailed):
        services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="1", reason="x", category="WEATHER")
    assert _state(d) == before and Dispute.objects.count() == 1
    assert Event.objects.for_subject(d).count() == 3


def test_escalation_by_age_in_the_worker_and_back_to_investigation_after_the_decision(planned, inv2):
    d = services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="50000", reason="Quality of 50 APs",
                              category="QUALITY", opened_on=planned.day(110))
    # Small and young: escalating is refused, and the sweep leaves it alone.
    with pytest.raises(Conflict) as exc:
        services.dispute_escalate(dispute=d, actor=planned.finance, on=planned.day(140))
    assert exc.value.code == "escalation_not_due"
    assert dispute_escalation_sweep(on=planned.day(140)) == 0 and _state(d)[0] == "OPEN"
    assert dispute_escalation_sweep(on=planned.day(141)) == 1  # 31 days old
    d.refresh_from_db()
    assert (d.status, d.escalated_on) == ("ESCALATED", planned.day(141))
    with pytest.raises(Conflict):
        services.dispute_investigate(dispute=d, actor=planned.deal.ar)  # needs the escalation decision
    with pytest.raises(PermissionDenied):
        services.dispute_escalation_decide(dispute=d, actor=planned.deal.ar, decision="Go on")
    services.dispute_escalation_decide(dispute=d, actor=planned.finance, decision="Replace the 50 APs")
    d.refresh_from_db()
    assert (d.status, d.escalation_decision) == ("INVESTIGATING", "Replace the 50 APs")
    assert dispute_escalation_sweep(on=planned.day(160)) == 0  # escalated once
    assert "billing.dispute.escalation_decided" in Event.objects.for_subject(d).values_list("event_type", flat=True)


def test_a_dispute_above_the_threshold_escalates_at_once(planned, inv2, settings):
    settings.M2C_DISPUTE_ESCALATION_THRESHOLD = "100000"
    big = services.dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="400000", reason="Missing APs",
                                opened_on=planned.day(125))
    assert dispute_escalation_sweep(on=planned.day(126)) == 1 and _state(big)[0] == "ESCALATED"
    assert big.owner.notifications.filter(kind="billing.dispute.escalated").exists()


def test_the_invoice_shortcut_walks_the_dispute(planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    services.invoice_dispute_open(invoice=inv1, actor=planned.deal.ar, amount_="10000", reason="Tax rate",
                                  category="TAX", opened_on=planned.day(10))
    inv1 = services.invoice_dispute_resolve(invoice=inv1, actor=planned.finance, credit="10000",
                                            reason="Wrong rate on one line", on=planned.day(20))
    d = Dispute.objects.get()
    assert (d.status, d.proposed_credit, inv1.status, inv1.credited, inv1.disputed) == (
        "RESOLVED", Decimal("10000.00"), "ISSUED", Decimal("10000.00"), 0)
