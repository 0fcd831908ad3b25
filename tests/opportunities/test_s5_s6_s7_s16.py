"""The acceptance scenarios of domain.md 13 with their numbers: S5 (ATI and the iron triangle), S6 (bid,
ATB with the floor price, a no-bid), S7 (ATC with the credit check; the 9.2M price-floor variant) and
S16 (a requirement raised from a lost deal)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event, Role
from m2c.core.money import Money
from m2c.core.notifications import Notification
from m2c.insight import selectors as insight_selectors
from m2c.insight import services as insight_services
from m2c.insight.models import Requirement
from m2c.opportunities import selectors, services
from m2c.opportunities.models import GateCondition, Opportunity
from m2c.opportunities.states import TeamRole
from tests.factories import CustomerFactory, UserFactory

from . import flows

M = Decimal(1_000_000)


def _snapshot(opp):
    opp.refresh_from_db()
    return (opp.stage, opp.version, Event.objects.count(), GateCondition.objects.count())


def test_s5_ati_grades_b_decides_at_rep_office_with_a_condition_that_blocks_atb(deal):
    opp = flows.new_deal(deal, amount="10000000", priority_type="competitive")
    assert opp.grade == "B"
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)

    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    assert review.required_level == "rep_office"
    assert review.authority_rule_version == 1
    assert review.status == "IN_REVIEW" and review.decision_body == deal.bodies.shanghai

    due = review.submitted_at.date() + __import__("datetime").timedelta(days=14)
    flows.decide(review, deal.sdt_shanghai, "GO_WITH_CONDITIONS",
                 conditions=[{"text": "SR completes the site survey", "owner": deal.sr, "due_date": due}])
    condition = GateCondition.objects.get(review=review)
    assert (condition.owner, condition.due_date, condition.status) == (deal.sr, due, "OPEN")

    opp = services.opportunity_advance(opportunity=opp, actor=deal.ar)
    assert opp.stage == "O2_SHAPE" and opp.probability == 25
    holders = {r.role: r.user for r in opp.team.filter(valid_to=None)}
    assert holders == {"AR": deal.ar, "SR": deal.sr}  # FR covered by the AR until ATB (grade B)

    # ATB while the survey condition is open is blocked, and nothing is written.
    services.bid_record(opportunity=opp, actor=deal.ar, rfp_received_on=review.submitted_at.date(), deadline=deal.deadline)
    flows.quote(opp, deal, approve=False)
    services.opportunity_advance(opportunity=opp, actor=deal.ar)
    q = flows.quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    atb = flows.prepare(opp, "ATB", deal.ar)
    atb.refresh_from_db()
    before = (atb.status, atb.version, Event.objects.count())
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_submit(review=atb, actor=deal.ar)
    assert exc.value.code == "conditions_open"
    atb.refresh_from_db()
    assert (atb.status, atb.version, Event.objects.count()) == before

    services.condition_close(condition=condition, actor=deal.sr, note="Survey report uploaded")
    atb = services.gate_review_submit(review=atb, actor=deal.ar)
    assert atb.status == "IN_REVIEW" and atb.quote == q


def test_s5_team_rules_follow_the_grade(deal):
    big = flows.new_deal(deal, amount="60000000", name="Grade A campus")
    assert big.grade == "A"
    review = flows.submit(big, "ATI", deal.ar, margin_pct="30")
    assert review.required_level == "hq"
    flows.decide(review, deal.sdt_hq, "GO")
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_advance(opportunity=big, actor=deal.ar)
    assert exc.value.code == "team_incomplete"
    services.team_assign(opportunity=big, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    with pytest.raises(InvalidTransition):
        services.opportunity_advance(opportunity=big, actor=deal.ar)  # grade A needs its own FR at ATI
    with pytest.raises(ValidationFailed):
        services.team_assign(opportunity=big, actor=deal.ar, role=TeamRole.FR, user=deal.ar)
    services.team_assign(opportunity=big, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    assert services.opportunity_advance(opportunity=big, actor=deal.ar).stage == "O2_SHAPE"

    strategic = flows.new_deal(deal, amount="1000000", priority_type="strategic", name="Hilltop")
    assert strategic.grade == "A"
    small = flows.new_deal(deal, amount="1000000", priority_type="routine", name="Small")
    assert small.grade == "C"
    services.team_assign(opportunity=small, actor=deal.ar, role=TeamRole.FR, user=deal.ar)  # AR covers FR for C


def test_s6_bid_atb_floor_and_stage_o4(deal):
    opp = flows.to_o3(deal)
    assert opp.stage == "O3_BID" and opp.probability == 40
    q = flows.quote(opp, deal)
    assert (q.total_net, q.total_cost, q.margin_pct, q.status) == (10 * M, 7 * M, Decimal("30.0000"), "APPROVED")
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)

    atb = flows.submit(opp, "ATB", deal.ar)
    assert atb.required_level == "rep_office"  # margin 30% ≥ the 25% target: no regional SDT
    from m2c.opportunities.rules import working_days_left

    assert working_days_left(atb.bid.deadline) == 8
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_advance(opportunity=opp, actor=deal.ar)
    assert exc.value.code == "gate_not_passed"

    flows.decide(atb, deal.sdt_shanghai, "GO", floor_price=Decimal("9400000"))
    bid = opp.bids.get()
    services.bid_submit(bid=bid, actor=deal.ar, quote=q)
    opp = services.opportunity_advance(opportunity=opp, actor=deal.ar)
    assert opp.stage == "O4_NEGOTIATE" and opp.probability == 75
    assert (opp.floor_price, opp.floor_currency, opp.floor_review_id) == (Decimal("9400000"), "CNY", atb.pk)
    assert Event.objects.for_subject(opp).filter(event_type="opportunities.opportunity.floor_frozen").count() == 1


def test_s6_university_c_with_15_percent_margin_needs_the_regional_sdt_and_becomes_a_no_bid(deal, org, users):
    from m2c.campaigns.models import Campaign

    roadshow = Campaign.objects.create(code="smart-campus-roadshow", name="Smart Campus Roadshow", level="regional",
                                       start_date="2026-03-01", end_date="2026-04-30", org_unit=org.east)
    uni_c = CustomerFactory(legal_name="申城大学", normalized_name="申城大学", org_unit=org.shanghai)
    opp = flows.to_o3(deal, customer=uni_c, name="University C campus", source_campaign=roadshow)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    q = flows.quote(opp, deal)
    atb = flows.submit(opp, "ATB", deal.ar, margin_pct="15")
    assert q.margin_pct == Decimal("30.0000")
    assert atb.margin_pct == Decimal("15")
    assert atb.required_level == "region" and atb.decision_body == deal.bodies.east
    assert [r["level"] for r in atb.level_reasons] == ["region"]

    with pytest.raises(PermissionDenied):  # the rep office cannot decide a regional review
        flows.decide(atb, deal.sdt_shanghai, "NO_GO")
    flows.decide(atb, deal.sdt_east, "NO_GO", rationale="15% margin: no bid")
    opp.refresh_from_db()
    assert (opp.stage, opp.abandon_reason, opp.forecast_category) == ("ABANDONED", "no_bid", "omitted")
    assert selectors.campaign_outcomes(campaign=roadshow) == {"open": 0, "on_hold": 0, "won": 0, "lost": 0,
                                                              "abandoned": 1, "pipeline": 0, "bookings": 0,
                                                              "currency": "CNY"}


def _atc(opp, deal, **answers):
    review = flows.submit(opp, "ATC", deal.ar, answers=answers)
    return review


def test_s7_atc_with_credit_check_then_won(deal):
    opp, q = flows.to_o4(deal)
    review = _atc(opp, deal, credit_used="1000000", retention_pct="10")
    # 12M limit − 1M used = 11M available ≥ 10M: the check passes. A 10M contract is decided regionally.
    assert review.required_level == "region" and review.decision_body == deal.bodies.east
    flows.decide(review, deal.sdt_east, "GO")
    opp = services.opportunity_win(opportunity=opp, actor=deal.ar)
    assert (opp.stage, opp.probability, opp.forecast_category) == ("WON", Decimal(100), "closed")
    won = Event.objects.for_subject(opp).get(event_type="opportunities.opportunity.won")
    assert won.payload["amount"] == "10000000.0000" and won.payload["quote_version"] == q.number


def test_s7_credit_exposure_above_the_limit_needs_a_mitigation(deal):
    opp, _q = flows.to_o4(deal)
    review = flows.prepare(opp, "ATC", deal.ar, answers={"credit_used": "3000000"})
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_submit(review=review, actor=deal.ar)
    assert exc.value.code == "credit_exceeded"  # 3M + 10M > 12M
    services.gate_review_update(review=review, actor=deal.ar, answers={"credit_mitigation": "Letter of credit"})
    assert services.gate_review_submit(review=review, actor=deal.ar).status == "IN_REVIEW"


def test_s7_variant_price_of_9_2m_below_the_9_4m_floor_refuses_won_and_requires_atb(deal):
    opp, q = flows.to_o4(deal)
    review = _atc(opp, deal)
    flows.decide(review, deal.sdt_east, "GO")
    # The customer negotiates 8% off: 9.2M, below the 9.4M floor.
    q2 = services.quote_create(opportunity=opp, actor=deal.sr, copy_from=q)
    line = q2.lines.get()
    services.quote_line_update(line=line, actor=deal.sr, discount_pct="8")
    q2 = services.quote_request_approval(quote=q2, actor=deal.sr)
    assert q2.status == "APPROVED"  # 8% is within the SR's 15% authority
    q2 = services.quote_submit(quote=q2, actor=deal.sr)
    q.refresh_from_db()
    assert (q2.total_net, q.status) == (Decimal("9200000.00"), "SUPERSEDED")

    before = _snapshot(opp)
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_win(opportunity=opp, actor=deal.ar)
    assert exc.value.code == "below_floor"
    assert exc.value.extra["required"] == "ATB"
    assert _snapshot(opp) == before

    atc = flows.prepare(opp, "ATC", deal.ar)
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_submit(review=atc, actor=deal.ar)
    assert exc.value.code == "below_floor"
    services.gate_review_withdraw(review=atc, actor=deal.ar)

    opp = services.opportunity_send_back_to_bid(opportunity=opp, actor=deal.ar, reason="Negotiated 9.2M < floor 9.4M")
    assert opp.stage == "O3_BID" and opp.bid_reopened_at is not None
    # The earlier ATB GO no longer counts: a new ATB decision is required.
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_advance(opportunity=opp, actor=deal.ar)
    assert exc.value.code == "gate_not_passed"


def test_s16_lost_deal_raises_a_requirement_that_analysts_dispose(deal, users, lines):
    museum = CustomerFactory(legal_name="省博物馆", normalized_name="省博物馆", org_unit=deal.customer.org_unit)
    opp = flows.to_o2(deal, customer=museum, name="Provincial Museum", amount="4000000")
    mi = UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=deal.customer.org_unit.parent)

    def gaps() -> int:
        return sum(g["lost"] for g in insight_selectors.solution_gaps(user=users.executive)
                   if g["offering_line_id"] == lines.campus.pk)

    assert gaps() == 0
    opp = services.opportunity_lose(
        opportunity=opp, actor=deal.ar, loss_reason="solution", detail="missing feature X", competitor="Vendor Z",
        price_gap=Money("300000", "CNY"), raise_requirement=True,
    )
    assert (opp.stage, opp.loss_reason, opp.loss_detail) == ("LOST", "solution", "missing feature X")
    rr = Requirement.objects.get(opportunity=opp)
    assert (rr.source_type, rr.business_value, rr.status, rr.offering_line) == ("loss", 4 * M, "NEW", lines.campus)

    assert gaps() == 1  # the solution-gap count of the offering line went up by one
    [row] = insight_selectors.backlog(user=mi)
    assert (row.requirement, row.value, row.score) == (rr, 4 * M, 8 * M)  # 4M × medium (2)

    rr = insight_services.requirement_start_analysis(requirement=rr, actor=mi)
    mail.outbox.clear()
    rr = insight_services.requirement_dispose(requirement=rr, actor=mi, disposition="ACCEPTED_ROADMAP",
                                              target_release="R3")
    assert (rr.status, rr.target_release) == ("ACCEPTED_ROADMAP", "R3")
    notified = set(Notification.objects.filter(subject_id=str(rr.pk)).values_list("recipient__username", flat=True))
    assert notified == {"ar.li", "mi.analyst"}

    report = selectors.win_loss_report(user=users.executive)
    row = next(r for r in report["rows"] if r["offering_line_id"] == lines.campus.pk)
    assert row["loss_reasons"] == {"solution": 1} and row["lost"] == 1


def test_s16_a_requirement_outside_the_table_is_refused(deal):
    opp = flows.to_o2(deal, name="Museum 2")
    rr = services.opportunity_raise_requirement(opportunity=opp, actor=deal.ar, title="X", description="Need X")
    with pytest.raises(InvalidTransition):
        insight_services.requirement_dispose(requirement=rr, actor=deal.ar, disposition="ACCEPTED_ROADMAP",
                                             target_release="R3")
    rr.refresh_from_db()
    assert rr.status == "NEW"
    assert Opportunity.objects.get(pk=opp.pk).stage == "O2_SHAPE"
