"""The board in a real browser: a drag without ATI is refused with the reason, a decision-team member
decides ATI on the review page, and the same drag is then accepted."""

from __future__ import annotations

import pytest

from m2c.opportunities import services
from m2c.opportunities.models import Opportunity
from m2c.opportunities.states import TeamRole
from tests.conftest import login

from . import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _drag(page, opportunity, target):
    card = page.locator(f'.m2c-card[data-id="{opportunity.pk}"]')
    card.drag_to(page.locator(f"#column-{target}"))


def test_drag_o1_to_o2_is_refused_without_ati_then_accepted_after_the_decision(page, browser, live_server, deal):
    opp = flows.new_deal(deal, name="Campus Wi-Fi 7 upgrade")
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    assert review.decision_body == deal.bodies.shanghai

    login(page, "ar.li")
    page.goto("/opportunities/")
    _drag(page, opp, "O2_SHAPE")
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    assert "ATI" in alert.inner_text()
    assert page.locator(f'#column-O1_VALIDATE .m2c-card[data-id="{opp.pk}"]').count() == 1
    assert Opportunity.objects.get(pk=opp.pk).stage == "O1_VALIDATE"

    # The decision-team member decides on the review page, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    decider = context.new_page()
    login(decider, "sdt.shanghai")
    decider.goto("/opportunities/inbox/")
    decider.click(f'#inbox-reviews a[href="/opportunities/reviews/{review.pk}/"]')
    decider.select_option("#decision-select", "GO")
    decider.fill("#rationale", "Fits the account plan; competition manageable.")
    decider.click("#record-decision")
    decider.locator("#decision-record").wait_for()
    assert decider.locator("#decision").inner_text() == "GO"
    context.close()

    page.reload()
    _drag(page, opp, "O2_SHAPE")
    page.locator("#board-alert .alert-success").wait_for()
    assert page.locator(f'#column-O2_SHAPE .m2c-card[data-id="{opp.pk}"]').count() == 1
    assert Opportunity.objects.get(pk=opp.pk).stage == "O2_SHAPE"
