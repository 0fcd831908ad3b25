"""The won S7 contract built once per module (tests/shared_data.py): every test of the module starts from the
state as built, whatever the test before it wrote, with Python objects of its own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from m2c.contracts import services
from m2c.contracts.models import Contract
from tests.shared_data import PLANNED, SIGNED, WON, module_level

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("run", [1, 2, 3])
def test_each_test_starts_from_the_contract_as_built_and_leaves_nothing_behind(won, deal, users, _s7_module, run):
    built = _s7_module._data.won
    # One build for the module, and this test's own copies of its objects.
    assert won.contract.pk == built.contract.pk and won.contract is not built.contract
    assert won.deal is deal and deal.ar is users.ar and won.contract.customer_id == deal.customer.pk
    # As built, not as the previous test of the module left it.
    contract = Contract.objects.get(pk=won.contract.pk)
    assert (contract.status, Contract.objects.count()) == ("SIGNED", 1)
    assert (won.contract.status, won.contract.total_value, users.ar.display_name) == (
        "SIGNED", contract.total_value, "李伟")
    # Write to the database and to the objects; the next test must see neither.
    services.contract_handover(contract=won.contract, actor=deal.ar, pm=deal.fr, handover_on=won.today)
    won.contract.total_value = 0
    users.ar.display_name = f"changed by run {run}"
    assert Contract.objects.get(pk=won.contract.pk).status == "IN_EXECUTION"


def _item(*names, transaction=False, marked=True):
    marker = SimpleNamespace(kwargs={"transaction": transaction}) if marked or transaction else None
    return SimpleNamespace(fixturenames=list(names), get_closest_marker=lambda name: marker)


@pytest.mark.parametrize(("items", "level"), [
    ([_item("won", "deal", "org"), _item("won", "deal", "org")], WON),
    ([_item("signed", "deal"), _item("planned", "signed", "deal")], SIGNED),
    ([_item("planned", "signed", "deal")] * 2, PLANNED),
    ([_item("won", "deal"), _item("db"), _item(marked=False)], WON),  # plain database and pure tests ride along
    ([_item("won", "deal"), _item("deal", "org")], None),  # the deal without the contract
    ([_item("won", "deal"), _item("signed", "deal")], None),  # two states of the contract
    ([_item("won", "deal"), _item("won", "deal", transaction=True)], None),  # a transactional test
    ([_item("won", "live_server", "deal")], None),
    ([_item("db"), _item(marked=False)], None),  # nothing to share
])
def test_which_modules_share_the_chain(items, level):
    assert module_level(items) == level
