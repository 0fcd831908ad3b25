"""The influenced model computed in the database equals the reference computation over the touch sequences.

``cash_roi(model="influenced")`` reads, per opportunity, the touch counts and this campaign's first / last /
middle positions counted in SQL (``leads.selectors.touch_positions``) and hands the touched opportunities to
the contracts app as a subquery. The reference is the original path: every touch read in order
(``touch_sequences``), the shares of ``influenced_shares``, the cash collected per contract. Both must give
the same contracts, the same shares digit for digit, the same cash and ROI, for every campaign, on a mix
of one to five touches per opportunity, repeated touches of one campaign, a tie on the touch time, an
opportunity without a contract and contracts with partial, full and no cash.
"""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from m2c.billing import services as billing_services
from m2c.billing.selectors.collected import collected_by_contract
from m2c.campaigns.attribution import INFLUENCED, cash_roi, influenced_share, influenced_shares
from m2c.contracts.models import Contract
from m2c.leads import selectors as lead_selectors
from m2c.leads.models import CampaignTouch
from m2c.opportunities.models import Opportunity
from tests.billing.conftest import TERMS, invoice, pay, planned, signed  # noqa: F401 - fixtures reused
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _reference(campaign, on):
    """The original computation: every touch of the touched opportunities read in order into Python."""
    sequences = lead_selectors.touch_sequences(campaign=campaign)
    shares = {}
    for contract in Contract.objects.filter(opportunity_id__in=list(sequences)):
        share = influenced_shares(sequences[contract.opportunity_id]).get(campaign.pk, Decimal(0))
        if share:
            shares[contract.pk] = share
    collected = collected_by_contract(list(shares), on=on)
    cash = sum(((collected.get(pk, (Decimal(0), "CNY"))[0] * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                for pk, share in shares.items()), Decimal(0))
    spend = campaign.actual_spend
    roi = ((cash - spend) / spend).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if spend else None
    return shares, cash, roi


def _copy(s, n):
    """Another signed contract of the same customer on an opportunity of its own (rows copied from the
    fixture's), with one milestone of 100 % at signature planned through the billing service, as a namespace ``invoice`` and
    ``pay`` take."""
    opp = Opportunity.objects.get(pk=s.contract.opportunity_id)
    opp.pk, opp.name = uuid.uuid4(), f"{opp.name} {n}"
    opp.save(force_insert=True)
    contract = Contract.objects.get(pk=s.contract.pk)
    contract.pk, contract.number, contract.opportunity_id = uuid.uuid4(), f"{contract.number}-{n}", opp.pk
    contract.save(force_insert=True)
    billing_services.milestone_plan(contract=contract, actor=s.finance, rows=[{**TERMS[0], "percent": "100"}])
    return SimpleNamespace(**{**vars(s), "contract": contract}), opp


def test_influenced_roi_in_sql_equals_the_touch_sequence_reference(planned):  # noqa: F811
    roadshow = CampaignFactory(code="roadshow", status="CLOSED", actual_spend=Decimal("185000"), currency="CNY")
    launch = CampaignFactory(code="launch", level="corporate", status="CLOSED", actual_spend=Decimal("90000"))
    webinar = CampaignFactory(code="webinar", status="CLOSED", actual_spend=Decimal("33333"))
    expo = CampaignFactory(code="expo", status="CLOSED", actual_spend=Decimal(0))
    a = planned
    b, opp_b = _copy(planned, "B")
    c, opp_c = _copy(planned, "C")
    d, opp_d = _copy(planned, "D")
    # Cash: A partly paid (2.0M of its 3.0M advance), B partly (3.0M of 10.0M), C after the day asked, D none.
    pay(a, invoice(a, 2, "26312000000000000101"), "2000000", 25, "R-A")
    pay(b, invoice(b, 2, "26312000000000000102"), "3000000", 30, "R-B")
    pay(c, invoice(c, 2, "26312000000000000103"), "1234567.89", 190, "R-C")
    invoice(d, 2, "26312000000000000104")
    no_contract = Opportunity.objects.get(pk=a.contract.opportunity_id)  # an opportunity touched, never contracted
    no_contract.pk, no_contract.name = uuid.uuid4(), f"{no_contract.name} E"
    no_contract.save(force_insert=True)
    t0 = timezone.now() - dt.timedelta(days=300)
    same = t0 + dt.timedelta(days=50)
    sequences = {
        a.contract.opportunity_id: [(roadshow, 0), (launch, 5), (webinar, 9), (roadshow, 12)],  # 0.4 + 0.4 first & last
        opp_b.pk: [(launch, 0), (roadshow, 3), (webinar, 7)],  # 40/20/40
        opp_c.pk: [(webinar, 1), (roadshow, 2), (roadshow, 3), (launch, 4), (expo, 6)],  # middles of 0.2/3
        opp_d.pk: [(expo, 1), (expo, 2)],  # 50/50 to one campaign; the roadshow never touched it
        no_contract.pk: [(roadshow, 1), (launch, 2)],
    }
    for opportunity_id, touches in sequences.items():
        for campaign, day in touches:
            CampaignTouch.objects.create(campaign=campaign, opportunity_id=opportunity_id, customer=a.deal.customer,
                                         touched_at=t0 + dt.timedelta(days=day))
    # Two touches at the same moment on B: the order falls back to the touch id, the same in both paths.
    for campaign in (webinar, roadshow):
        CampaignTouch.objects.create(campaign=campaign, opportunity_id=opp_b.pk, customer=a.deal.customer,
                                     touched_at=same)
    on = a.day(130)
    for campaign in (roadshow, launch, webinar, expo):
        campaign.refresh_from_db()
        shares, cash, roi = _reference(campaign, on)
        result = cash_roi(campaign, on=on, model=INFLUENCED)
        assert {row["contract"]: row["share"] for row in result["contracts"]} == shares, campaign.code
        assert [str(row["share"]) for row in result["contracts"]] == [
            str(shares[row["contract"]]) for row in result["contracts"]]  # digit for digit
        assert (result["cash"].amount, result["roi"]) == (cash, roi), campaign.code
    roadshow_rows = {row["contract"]: row for row in cash_roi(roadshow, on=on, model=INFLUENCED)["contracts"]}
    assert roadshow_rows[a.contract.pk]["share"] == Decimal("0.8")
    assert roadshow_rows[a.contract.pk]["attributed"].amount == Decimal("1600000.00")  # 0.8 of the 2.0M paid
    assert roadshow_rows[c.contract.pk]["share"] == Decimal(0) + Decimal("0.2") / 3 + Decimal("0.2") / 3  # two middles
    assert roadshow_rows[c.contract.pk]["attributed"].amount == 0  # C's cash came after the day asked
    assert d.contract.pk not in roadshow_rows  # never touched by the roadshow
    expo_rows = {row["contract"]: row["share"] for row in cash_roi(expo, on=on, model=INFLUENCED)["contracts"]}
    assert expo_rows[d.contract.pk] == Decimal("1.0") and cash_roi(expo, on=on, model=INFLUENCED)["roi"] is None


def test_influenced_share_from_counts_matches_the_sequence_shares():
    """Every sequence of up to six touches over three campaigns: the count form gives the same Decimal."""
    import itertools

    for n in range(1, 7):
        for sequence in itertools.product("abc", repeat=n):
            shares = influenced_shares(list(sequence))
            for campaign in "abc":
                mine = sequence.count(campaign)
                got = influenced_share(n, mine, sequence[0] == campaign, sequence[-1] == campaign)
                assert got == shares.get(campaign, Decimal(0)) and str(got) == str(shares.get(campaign, Decimal(0))), \
                    (sequence, campaign)
