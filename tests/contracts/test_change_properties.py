"""Hypothesis property of contract changes: whatever changes are approved (more value or less, on existing or
new sites) after part of the contract is invoiced, invoiced amounts never move, the milestones add up to the
new contract value to the fen, the sites share out exactly 100 %, and once every site has its PAC and FAC
everything is billable exactly once. A change that would go below what is invoiced is refused and writes
nothing. Each example runs in a savepoint rolled back afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from m2c.billing.models import BillingItem, BillingMilestone, Invoice
from m2c.contracts import services
from m2c.contracts.models import Contract
from m2c.core.errors import DomainError
from tests.billing.conftest import handover, invoice, pac

PROPS = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SITES = ("北校区 Campus North", "南校区 Campus South", "图书馆 Library", "体育馆 Gym")


class Rollback(Exception):
    pass


changes = st.lists(st.tuples(st.sampled_from(SITES), st.integers(-3000, 3000), st.integers(1, 99_999)),
                   min_size=1, max_size=3)


@pytest.mark.django_db
def test_approved_changes_never_move_invoiced_amounts_and_milestones_always_add_up(planned):
    s = planned
    invoice(s, 2, "26312000000000000001")
    c = handover(s)
    pac(s, c.sites.first(), 60)
    invoice(s, 62, "26312000000000000002")
    invoiced_before = {i.pk: i.amount for i in BillingItem.objects.filter(invoice__isnull=False)}

    @PROPS
    @given(rows=changes)
    def run(rows):
        try:
            with transaction.atomic():
                for site, quantity, price_fen in rows:
                    contract = Contract.objects.get(pk=c.pk)
                    if quantity == 0:
                        continue
                    try:
                        change = services.change_request(
                            contract=contract, actor=s.deal.ar, kind="PRICE", reason="性质测试",
                            lines=[{"description": "AP", "site": site, "quantity": str(abs(quantity)),
                                    "unit_price": str(Decimal(price_fen if quantity > 0 else -price_fen) / 100)}],
                            effective_on=s.day(70))
                    except DomainError as exc:  # a site or the contract would go negative: named, refused
                        assert exc.errors and exc.errors[0]["field"].startswith("lines")
                        continue
                    change = services.change_submit(change=change, actor=s.deal.ar)
                    if change.needs_atac:
                        services.change_withdraw(change=change, actor=s.deal.ar, reason="too big for the test")
                        continue
                    before_events = BillingMilestone.objects.aggregate(s=Sum("amount"))["s"]
                    try:
                        services.change_approve(change=change, actor=s.deal.sdt_shanghai)
                    except DomainError:
                        # Refused (below what is invoiced): nothing written.
                        assert BillingMilestone.objects.aggregate(s=Sum("amount"))["s"] == before_events
                        assert Contract.objects.get(pk=c.pk).status == "CHANGE_PENDING"
                        services.change_withdraw(change=change, actor=s.deal.ar, reason="refused")
                        continue
                    contract = Contract.objects.get(pk=c.pk)
                    assert sum(x.share_pct for x in contract.sites.all()) == 100
                    total = BillingMilestone.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"]
                    assert total == contract.total_value
                for item_id, amount in invoiced_before.items():
                    assert BillingItem.objects.get(pk=item_id).amount == amount
                assert sum(i.total for i in Invoice.objects.all()) == Decimal("6600000.00")
                contract = Contract.objects.get(pk=c.pk)
                for site in contract.sites.all():
                    if not BillingItem.objects.filter(milestone__seq=2, site=site).exists():
                        pac(s, site, 80)
                services.certificate_record(contract=contract, actor=s.deal.ar, type="FAC", whole_contract=True,
                                            signed_on=s.day(90), signatory="王处长")
                billable = BillingItem.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"]
                assert billable == contract.total_value
                raise Rollback
        except Rollback:
            pass

    run()
