"""The review page of an ATAC (contract change) and an ATCC (contract closure) review, read in Chinese (issue
10): it leads to the contract and the change request under review, has no "quote under review", starts from
the margin the change carries, and shows the ATCC reviewer the closure checklist and evaluation it decides
on. Users who may not see the review get 404."""

from __future__ import annotations

import re
from decimal import Decimal

from m2c.contracts import services
from m2c.opportunities import services as opportunity_services
from m2c.opportunities.models import GateReview
from tests.clients import zh_client as _zh
from tests.factories import OrgUnitFactory, UserFactory
from tests.opportunities import flows


def _in_execution(won):
    return services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)


def _atac(won, *, unit_cost="700"):
    """The Library change (+1.5M on a 10.0M contract, above the ATAC threshold) submitted by the AR."""
    c = _in_execution(won)
    change = services.change_request(
        contract=c, actor=won.deal.ar, kind="SCOPE", reason="客户新增图书馆站点",
        lines=[{"description": "Wi-Fi 7 AP 图书馆", "site": "图书馆 Library", "quantity": "1500", "unit_price": "1000",
                "unit_cost": unit_cost}], effective_on=won.today)
    change = services.change_submit(change=change, actor=won.deal.ar)
    return c, change, change.review


def test_atac_page_links_the_contract_and_change_hides_the_quote_and_starts_from_the_change_margin(won):
    c, change, review = _atac(won)
    # 1,500 APs at 1,000 with a unit cost of 700: the change carries a 30 % margin.
    assert review.margin_pct == Decimal("30.0000")
    page = _zh(won.deal.ar).get(f"/opportunities/reviews/{review.pk}/").content.decode()
    assert f'href="/contracts/{c.pk}/"' in page and c.number in page
    assert f'href="/contracts/{c.pk}/changes/{change.pk}/"' in page and change.number in page
    assert "客户新增图书馆站点" in page and "合同" in page
    assert f'href="/opportunities/{won.opp.pk}/"' in page
    followed = _zh(won.deal.ar).get(f"/contracts/{c.pk}/changes/{change.pk}/")
    assert followed.status_code == 200 and change.number in followed.content.decode()
    assert 'id="quote-select"' not in page and "评审的报价" not in page
    assert re.search(r'name="margin_pct" id="margin" value="30(\.0+)?"', page)
    # Saving the prefilled form keeps the margin and sets no quote even if one is posted.
    client = _zh(won.deal.ar)
    response = client.post(f"/opportunities/reviews/{review.pk}/", {
        "action": "save", "summary": "图书馆站点变更", "margin_pct": "28.5", "quote": str(won.quote.pk)})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.margin_pct, review.quote_id, review.summary) == (Decimal("28.5000"), None, "图书馆站点变更")
    # A deal's ATB review still shows its quote under review.
    atb = GateReview.objects.get(opportunity=won.opp, gate_type="ATB", contract_id__isnull=True)
    assert "评审的报价" in client.get(f"/opportunities/reviews/{atb.pk}/").content.decode()


def test_a_change_margin_below_minus_100_pct_is_left_to_the_requester(won):
    _c, _change, review = _atac(won, unit_cost="2500")  # -150 %: outside what a review's margin may be
    assert review.margin_pct is None
    page = _zh(won.deal.ar).get(f"/opportunities/reviews/{review.pk}/").content.decode()
    assert 'name="margin_pct" id="margin" value=""' in page


def test_the_decider_sees_the_contract_and_change_and_outsiders_get_404(won, users):
    c, change, review = _atac(won)
    review = opportunity_services.gate_review_submit(review=flows.answer_all(review, won.deal.ar,
                                                                             credit_used="1000000"),
                                                     actor=won.deal.ar)
    page = _zh(won.deal.sdt_shanghai).get(f"/opportunities/reviews/{review.pk}/").content.decode()
    assert 'id="subject-contract"' in page and 'id="subject-change-card"' in page
    assert re.search(r'id="subject-change-delta">1,500,000\.00 CNY', page)
    outsider = UserFactory(username="ar.far", roles=["ar"], org_unit=OrgUnitFactory(code="far"))
    for user in (outsider, users.ar_north, users.partner):
        assert _zh(user).get(f"/opportunities/reviews/{review.pk}/").status_code == 404
    assert _zh(outsider).post(f"/opportunities/reviews/{review.pk}/", {"action": "save"}).status_code == 404


def test_atcc_page_shows_the_finance_user_the_closure_checklist_and_the_evaluation(won, users):
    c = _in_execution(won)
    services.certificate_record(contract=c, actor=won.deal.ar, type="FAC", whole_contract=True,
                                signed_on=won.today, signatory="王处长")
    c.refresh_from_db()
    assert c.status == "FULFILLED"
    services.contract_evaluation_save(contract=c, actor=won.deal.ar, actual_cost="7100000",
                                      post_mortem="验收顺利，南校区交付延期两周。")
    review = services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATCC")
    assert review.margin_pct is None
    response = _zh(users.finance).get(f"/opportunities/reviews/{review.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ATCC：合同关闭决策" in page and "关闭与评价" in page
    assert 'id="closure-checks"' in page and "全部交付已验收（终验覆盖 100%）" in page
    assert 'data-code="post_mortem" data-ok="1"' in page and 'data-code="accepted" data-ok="1"' in page
    assert "验收顺利，南校区交付延期两周。" in page and 'id="contract-evaluation"' in page
    assert re.search(r"ATB 毛利率</dt><dd[^>]*>30\.00%", page)
    assert f'href="/contracts/{c.pk}/"' in page and 'id="quote-select"' not in page
    assert 'id="subject-change"' not in page
    for user in (users.ar_north, users.partner):
        assert _zh(user).get(f"/opportunities/reviews/{review.pk}/").status_code == 404


def test_atcc_page_says_when_no_evaluation_was_written(won, users):
    c = _in_execution(won)
    services.certificate_record(contract=c, actor=won.deal.ar, type="FAC", whole_contract=True,
                                signed_on=won.today, signatory="王处长")
    review = services.contract_review_open(contract=c, actor=won.deal.ar, gate_type="ATCC")
    page = _zh(users.finance).get(f"/opportunities/reviews/{review.pk}/").content.decode()
    assert 'data-code="post_mortem" data-ok="0"' in page and 'id="evaluation-missing"' in page
    assert 'id="contract-evaluation"' not in page
