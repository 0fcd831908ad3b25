"""The pages: every screen renders for the people who use it, actions call the services, refusals show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from m2c.insight.models import Requirement
from m2c.opportunities import services
from m2c.opportunities.models import Opportunity

from . import flows


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def o4(deal):
    opp, quote = flows.to_o4(deal)
    review = flows.submit(opp, "ATC", deal.ar)
    return opp, quote, review


def test_every_page_renders(deal, o4, users):
    opp, quote, review = o4
    lost = flows.to_o2(deal, name="Museum")
    services.opportunity_lose(opportunity=lost, actor=deal.ar, loss_reason="solution", detail="missing X",
                              raise_requirement=True)
    rr = Requirement.objects.get()
    pages = [
        reverse("opportunities:board"), reverse("opportunities:list"), reverse("opportunities:create"),
        reverse("opportunities:inbox"), reverse("opportunities:reports"), reverse("opportunities:configuration"),
        reverse("opportunities:detail", args=[opp.pk]), reverse("opportunities:edit", args=[opp.pk]),
        reverse("opportunities:detail", args=[lost.pk]), reverse("opportunities:review", args=[review.pk]),
        reverse("opportunities:quote", args=[quote.pk]), reverse("insight:index"),
        reverse("insight:requirement-detail", args=[rr.pk]),
    ]
    # Every page for the AR in Chinese and the executive in English; the decider's own pages too.
    decider_pages = [reverse("opportunities:review", args=[review.pk]), reverse("opportunities:inbox")]
    for person, language, urls in ((deal.ar, "zh-hans", pages), (users.executive, "en", pages),
                                   (deal.sdt_east, "zh-hans", decider_pages)):
        client = _client(person)
        client.cookies["m2c_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, person, response.status_code)
    reports = _client(users.executive).get(reverse("opportunities:reports")).content.decode()
    assert '<script id="chart-data" type="application/json">{"stages": [' in reports
    pdf = _client(deal.ar).get(reverse("opportunities:quote-pdf", args=[quote.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_pages_of_another_region_are_not_found(deal, o4, users):
    opp, quote, review = o4
    client = _client(users.ar_north)
    for url in (reverse("opportunities:detail", args=[opp.pk]), reverse("opportunities:review", args=[review.pk]),
                reverse("opportunities:quote", args=[quote.pk]), reverse("opportunities:quote-pdf", args=[quote.pk])):
        assert client.get(url).status_code == 404, url
    board = client.get(reverse("opportunities:board"))
    assert opp.name not in board.content.decode()
    assert client.post(reverse("opportunities:move", args=[opp.pk]), {"to": "WON"}).status_code == 404
    assert _client(users.partner).get(reverse("opportunities:reports")).status_code in (403, 404)


def test_the_board_move_refuses_with_the_reason_and_changes_nothing(deal):
    opp = flows.new_deal(deal)
    client = _client(deal.ar)
    response = client.post(reverse("opportunities:move", args=[opp.pk]), {"to": "O2_SHAPE"})
    assert response.status_code == 409
    body = response.json()
    assert body["ok"] is False and body["code"] == "gate_not_passed" and "ATI" in body["detail"]
    assert Opportunity.objects.get(pk=opp.pk).stage == "O1_VALIDATE"


def test_the_decision_form_records_a_decision_with_a_condition(deal):
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    client = _client(deal.sdt_shanghai)
    page = client.get(reverse("opportunities:review", args=[review.pk])).content.decode()
    assert 'id="decide-form"' in page
    response = client.post(reverse("opportunities:review", args=[review.pk]), {
        "action": "decide", "decision": "GO_WITH_CONDITIONS", "rationale": "OK", "condition_count": "3",
        "condition_0_text": "Site survey", "condition_0_owner": "sr.zhao", "condition_0_due": "2099-01-01",
        "condition_0_blocks": "next_gate",
    })
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.decision == "GO_WITH_CONDITIONS" and review.conditions.get().owner == deal.sr
    # The AR sees no decision form, and the record says it is final.
    page = _client(deal.ar).get(reverse("opportunities:review", args=[review.pk])).content.decode()
    assert 'id="decide-form"' not in page and 'id="decision-record"' in page


def test_the_checklist_form_saves_and_submits(deal):
    opp = flows.new_deal(deal)
    client = _client(deal.ar)
    response = client.post(reverse("opportunities:review-create", args=[opp.pk, "ATI"]))
    review = opp.gate_reviews.get()
    assert response.url == reverse("opportunities:review", args=[review.pk])
    response = client.post(reverse("opportunities:review", args=[review.pk]), {
        "action": "submit", "summary": "Library", "margin_pct": "30", "answer_strategic_fit": "yes",
        "answer_need_budget_timing": "yes", "answer_decision_chain": "yes", "answer_competition": "Vendor Z",
    })
    review.refresh_from_db()
    assert review.status == "IN_REVIEW" and review.required_level == "rep_office"


def test_quote_page_adds_lines_and_finalises(deal):
    opp = flows.to_o2(deal)
    client = _client(deal.sr)
    client.post(reverse("opportunities:quote-create", args=[opp.pk]), {"price_list": str(deal.price_list.pk)})
    quote = opp.quotes.get()
    client.post(reverse("opportunities:quote", args=[quote.pk]), {"action": "line", "product": str(deal.products.ap.pk),
                                                                  "quantity": "100", "discount_pct": "5"})
    client.post(reverse("opportunities:quote", args=[quote.pk]), {"action": "request_approval"})
    quote.refresh_from_db()
    assert (quote.total_net, quote.status) == (95000, "APPROVED")
