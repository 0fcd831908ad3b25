"""Scenarios S7 (the credit part), S8 (receipt, handover, PO) and S9's delivery and acceptance part, with
domain.md 13's numbers: a 10.0M contract over Campus North (60%) and Campus South (40%)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.contracts import selectors, services
from m2c.contracts.models import Contract, ContractVersion, ImmutableRecord
from m2c.core.errors import Conflict, InvalidTransition, ValidationFailed
from m2c.core.models import Event
from m2c.opportunities import services as opportunity_services
from tests.opportunities import flows

from .conftest import M, to_o4_two_sites


def test_s8_winning_the_deal_registers_the_contract_from_the_atc_approved_quote(won):
    c, q = won.contract, won.quote
    assert (c.status, c.customer, c.currency, c.total_value) == ("SIGNED", won.deal.customer, "CNY", Decimal("10000000.00"))
    assert c.number.startswith(f"HT-{won.today.year}-") and c.quote == q and c.opportunity == won.opp
    assert c.owner == won.deal.ar and c.signed_on == won.today and c.atc_review.gate_type == "ATC"
    assert c.retention_pct == Decimal("10") and c.margin_pct == Decimal("30.0000")
    assert [(s.name, s.share_pct) for s in c.sites.all()] == [("北校区 Campus North", Decimal("60.0000")),
                                                             ("南校区 Campus South", Decimal("40.0000"))]
    assert sum(line.amount for line in c.lines.all()) == c.total_value
    version = c.versions.get()
    assert version.number == 1 and version.snapshot["total_value"] == "10000000.00"
    version.reason = "edited"
    with pytest.raises(ImmutableRecord):
        version.save()
    created = Event.objects.for_subject(c).get(event_type="contracts.contract.created")
    assert created.payload["quote_version"] == q.number and created.to_state == "SIGNED"


def test_s8_handover_on_day_3_creates_the_delivery_project_with_pm_sun(won, users):
    c = won.contract
    with pytest.raises(ValidationFailed) as exc:
        services.contract_handover(contract=c, actor=won.deal.ar, pm="nobody-at-all")
    assert exc.value.errors[0]["field"] == "pm"
    assert Contract.objects.get(pk=c.pk).status == "SIGNED"
    c = services.contract_handover(contract=c, actor=won.deal.ar, pm=won.deal.fr, baseline_plan="Plan v1")
    assert c.status == "IN_EXECUTION" and c.delivery_project.pm == won.deal.fr
    po = services.purchase_order_record(contract=c, actor=won.deal.ar, number="PO-SJU-001", issued_on=won.today,
                                        amount="10000000")
    assert po.status == "CONFIRMED"
    over = services.purchase_order_record(contract=c, actor=won.deal.ar, number="PO-SJU-002", issued_on=won.today,
                                          amount="1")
    assert over.status == "CLARIFICATION"  # beyond the contract value not yet ordered


def test_s9_shipments_and_pac_per_site_then_fac_fulfils_the_contract(won):
    c = services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)
    north, south = c.sites.all()
    services.shipment_record(contract=c, actor=won.deal.ar, site=north.pk, description="6,000 APs",
                             shipped_on=won.today)
    services.shipment_record(contract=c, actor=won.deal.ar, site=south.pk, description="4,000 APs",
                             shipped_on=won.today, delivered_on=won.today)
    pac = services.certificate_record(contract=c, actor=won.deal.ar, type="PAC", sites=[north.pk],
                                      signed_on=won.today, signatory="王处长")
    assert pac.value_covered == Decimal("6000000.00")  # 60% of 10.0M
    assert selectors.acceptance_coverage(c)["PAC"] == Decimal("60.0000")
    with pytest.raises(ValidationFailed) as exc:  # North already has its PAC
        services.certificate_record(contract=c, actor=won.deal.ar, type="PAC", sites=[north.pk],
                                    signed_on=won.today, signatory="王处长")
    assert exc.value.errors[0]["field"] == "sites"
    services.certificate_record(contract=c, actor=won.deal.ar, type="PAC", sites=[south.pk], signed_on=won.today,
                                signatory="王处长")
    with pytest.raises(InvalidTransition) as exc:
        services.contract_fulfil(contract=c, actor=won.deal.ar)
    assert exc.value.code == "not_fully_accepted"
    services.certificate_record(contract=c, actor=won.deal.ar, type="FAC", whole_contract=True, signed_on=won.today,
                                signatory="王处长")
    c.refresh_from_db()
    assert c.status == "FULFILLED"


def test_s7_credit_exposure_counts_the_unbilled_value_of_signed_contracts(won):
    deal, first = won.deal, won.contract  # phase 1 of University A's campus, won
    exposure = selectors.credit_exposure(customer=deal.customer, deal=None)
    assert (exposure.limit, exposure.open_receivables, exposure.unbilled, exposure.available) == (
        12 * M, Decimal(0), 10 * M, 2 * M)
    # A second 10.0M deal of the same customer: 10M unbilled + 10M > 12M even though only 1M is declared.
    opp, _q = to_o4_two_sites(deal, name="University A campus, phase 2")
    review = flows.prepare(opp, "ATC", deal.ar, answers={"credit_used": "1000000"})
    with pytest.raises(InvalidTransition) as exc:
        opportunity_services.gate_review_submit(review=review, actor=deal.ar)
    assert exc.value.code == "credit_exceeded" and Decimal(exc.value.extra["exposure"]) == 20 * M
    opportunity_services.gate_review_update(review=review, actor=deal.ar,
                                            answers={"credit_mitigation": "Bank guarantee 保函 8M"})
    assert opportunity_services.gate_review_submit(review=review, actor=deal.ar).status == "IN_REVIEW"
    assert first.status == "SIGNED"


def test_atcc_go_closes_a_fulfilled_contract(won):
    c = services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)
    with pytest.raises(Conflict):
        services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATCC")
    services.certificate_record(contract=c, actor=won.deal.ar, type="FAC", whole_contract=True, signed_on=won.today,
                                signatory="王处长")
    c.refresh_from_db()
    services.contract_evaluation_save(contract=c, actor=won.deal.ar, actual_cost="7000000", post_mortem="按期交付")
    review = services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATCC")
    review = flows.answer_all(review, won.deal.ar)
    review = opportunity_services.gate_review_submit(review=review, actor=won.deal.ar)
    assert review.contract_id == c.pk and review.required_level == "rep_office"
    flows.decide(review, won.deal.sdt_shanghai, "GO")
    c.refresh_from_db()
    assert c.status == "CLOSED"
    assert ContractVersion.objects.filter(contract=c).count() == 1


def test_atac_repeats_the_credit_check_on_the_amendment_delta(won):
    """The 10.0M contract is unbilled (no billing yet): 10M + a 1.5M amendment = 11.5M ≤ 12M passes (S12's
    step); a 2.5M amendment would reach 12.5M and is blocked, writing nothing."""
    c = services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)
    big = services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATAC", delta="2500000",
                                        summary="增加图书馆站点")
    big = flows.answer_all(big, won.deal.ar, credit_used="0")
    before = Event.objects.count()
    with pytest.raises(InvalidTransition) as exc:
        opportunity_services.gate_review_submit(review=big, actor=won.deal.ar)
    assert exc.value.code == "credit_exceeded" and Decimal(exc.value.extra["exposure"]) == Decimal("12500000")
    assert Event.objects.count() == before
    opportunity_services.gate_review_withdraw(review=big, actor=won.deal.ar, reason="金额调整")
    small = services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATAC", delta="1500000")
    small = flows.answer_all(small, won.deal.ar, credit_used="0")
    small = opportunity_services.gate_review_submit(review=small, actor=won.deal.ar)
    assert small.status == "IN_REVIEW" and small.value_amount == Decimal("1500000")
