"""The contract's transition table (domain.md 11.5): exactly the listed moves, and every other move refused
with 409 and nothing written."""

from __future__ import annotations

import itertools

import pytest

from m2c.contracts import services
from m2c.contracts.models import Contract
from m2c.contracts.states import CONTRACT_MACHINE, ContractStatus
from m2c.core.errors import DomainError, InvalidTransition
from m2c.core.models import Event

S = ContractStatus
DOMAIN_11_5 = {
    (S.DRAFT, S.UNDER_REVIEW), (S.UNDER_REVIEW, S.APPROVED), (S.APPROVED, S.SIGNED), (S.SIGNED, S.IN_EXECUTION),
    (S.IN_EXECUTION, S.CHANGE_PENDING), (S.CHANGE_PENDING, S.IN_EXECUTION), (S.IN_EXECUTION, S.SUSPENDED),
    (S.SUSPENDED, S.IN_EXECUTION), (S.IN_EXECUTION, S.FULFILLED), (S.FULFILLED, S.CLOSED),
    (S.SIGNED, S.TERMINATED), (S.IN_EXECUTION, S.TERMINATED), (S.SUSPENDED, S.TERMINATED),
}


def test_the_table_is_domain_11_5():
    allowed = {(a, b) for a, b in itertools.product(S.values, S.values) if CONTRACT_MACHINE.find(a, b)}
    assert allowed == {(a.value, b.value) for a, b in DOMAIN_11_5}
    assert CONTRACT_MACHINE.terminal == {S.CLOSED, S.TERMINATED}


def test_every_move_not_in_the_table_is_refused_and_writes_nothing(won):
    contract = won.contract
    for source, target in itertools.product(S.values, S.values):
        if CONTRACT_MACHINE.find(source, target):
            continue
        Contract.objects.filter(pk=contract.pk).update(status=source)
        before = (Event.objects.count(), Contract.objects.get(pk=contract.pk).version)
        with pytest.raises(InvalidTransition):
            CONTRACT_MACHINE.apply(Contract.objects.get(pk=contract.pk), target, actor=won.deal.ar,
                                   context={"reason": "walk", "signed_on": won.today})
        assert (Event.objects.count(), Contract.objects.get(pk=contract.pk).version) == before
        assert Contract.objects.get(pk=contract.pk).status == source


@pytest.mark.parametrize("command", ["contract_suspend", "contract_terminate", "contract_fulfil", "contract_close"])
def test_a_refused_command_changes_nothing(won, command):
    """From SIGNED: suspend and fulfil are not in the table; terminate needs ATAC; close needs FULFILLED."""
    before = (Event.objects.count(), Contract.objects.get(pk=won.contract.pk).version)
    with pytest.raises(DomainError):
        getattr(services, command)(contract=won.contract, actor=won.deal.ar, reason="walk")
    assert (Event.objects.count(), Contract.objects.get(pk=won.contract.pk).version) == before
    assert Contract.objects.get(pk=won.contract.pk).status == "SIGNED"


def test_suspend_and_resume_need_a_reason(won):
    c = services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)
    with pytest.raises(DomainError) as exc:
        services.contract_suspend(contract=c, actor=won.deal.ar, reason=" ")
    assert exc.value.errors[0]["field"] == "reason"
    c = services.contract_suspend(contract=c, actor=won.deal.ar, reason="客户暂停施工")
    assert c.status == "SUSPENDED" and c.status_reason == "客户暂停施工"
    assert services.contract_resume(contract=c, actor=won.deal.ar, reason="复工").status == "IN_EXECUTION"
