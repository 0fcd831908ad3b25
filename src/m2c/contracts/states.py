"""Choices and the contract's transition table (domain.md 11.5).

:meth:`m2c.core.state_machine.StateMachine.apply` is the only way a contract changes status; a move
not listed here is refused with 409 and writes nothing. Guards live in :mod:`.guards`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.state_machine import StateMachine, t

from . import events, guards


class ContractStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    UNDER_REVIEW = "UNDER_REVIEW", _("Under review")
    APPROVED = "APPROVED", _("Approved")
    SIGNED = "SIGNED", _("Signed")
    IN_EXECUTION = "IN_EXECUTION", _("In execution")
    CHANGE_PENDING = "CHANGE_PENDING", _("Change pending")
    SUSPENDED = "SUSPENDED", _("Suspended")
    FULFILLED = "FULFILLED", _("Fulfilled")
    CLOSED = "CLOSED", _("Closed")
    TERMINATED = "TERMINATED", _("Terminated")


# Contracts whose unbilled value counts in the customer's credit exposure (signed and not finished).
EXPOSED_STATUSES = (ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING,
                    ContractStatus.SUSPENDED, ContractStatus.FULFILLED)
# Contracts on which delivery and acceptance may be recorded.
DELIVERING_STATUSES = (ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING)


class CertificateType(models.TextChoices):
    DELIVERY = "DELIVERY", _("Delivery note")
    PAC = "PAC", _("Preliminary acceptance (PAC)")
    FAC = "FAC", _("Final acceptance (FAC)")
    SERVICE = "SERVICE", _("Service acceptance")


# Certificates that count as final acceptance of their scope (fulfilment, domain.md 11.5).
FINAL_CERTIFICATES = (CertificateType.FAC, CertificateType.SERVICE)


class ChangeKind(models.TextChoices):
    """What a change request changes (domain.md 6.4)."""

    SCOPE = "SCOPE", _("Scope")
    PRICE = "PRICE", _("Price")
    SCHEDULE = "SCHEDULE", _("Schedule")
    PAYMENT_TERMS = "PAYMENT_TERMS", _("Payment terms")
    ACCEPTANCE = "ACCEPTANCE", _("Acceptance criteria")
    PARTIES = "PARTIES", _("Parties")


class ChangeStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class PurchaseOrderStatus(models.TextChoices):
    RECEIVED = "RECEIVED", _("Received")
    CONFIRMED = "CONFIRMED", _("Confirmed")
    CLARIFICATION = "CLARIFICATION", _("PO clarification")


CONTRACT_MACHINE = StateMachine(
    name=_("Contract"),
    labels=dict(ContractStatus.choices),
    default_event=events.CONTRACT_STATUS_CHANGED,
    transitions=[
        t(ContractStatus.DRAFT, ContractStatus.UNDER_REVIEW, guards=[guards.atc_submitted]),
        t(ContractStatus.UNDER_REVIEW, ContractStatus.APPROVED, guards=[guards.atc_passed]),
        t(ContractStatus.APPROVED, ContractStatus.SIGNED, guards=[guards.signature_recorded], event=events.CONTRACT_SIGNED),
        t(ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, guards=[guards.handover_done, guards.po_confirmed_if_required],
          event=events.CONTRACT_HANDED_OVER),
        t(ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING, guards=[guards.reason_given],
          event=events.CONTRACT_CHANGE_PENDING),
        t(ContractStatus.CHANGE_PENDING, ContractStatus.IN_EXECUTION, guards=[guards.reason_given],
          event=events.CONTRACT_CHANGE_SETTLED),
        t(ContractStatus.IN_EXECUTION, ContractStatus.SUSPENDED, guards=[guards.reason_given], event=events.CONTRACT_SUSPENDED),
        t(ContractStatus.SUSPENDED, ContractStatus.IN_EXECUTION, guards=[guards.reason_given], event=events.CONTRACT_RESUMED),
        t(ContractStatus.IN_EXECUTION, ContractStatus.FULFILLED, guards=[guards.fully_accepted],
          event=events.CONTRACT_FULFILLED),
        t(ContractStatus.FULFILLED, ContractStatus.CLOSED, guards=[guards.atcc_passed, guards.closure_ready],
          event=events.CONTRACT_CLOSED),
        t([ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.SUSPENDED], ContractStatus.TERMINATED,
          guards=[guards.reason_given, guards.atac_passed], event=events.CONTRACT_TERMINATED),
    ],
    terminal=frozenset({ContractStatus.CLOSED, ContractStatus.TERMINATED}),
)


CHANGE_MACHINE = StateMachine(
    name=_("Change request"),
    labels=dict(ChangeStatus.choices),
    default_event=events.CHANGE_STATUS_CHANGED,
    transitions=[
        t(ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, event=events.CHANGE_SUBMITTED),
        t(ChangeStatus.SUBMITTED, ChangeStatus.APPROVED, guards=[guards.change_approval], event=events.CHANGE_APPROVED),
        t(ChangeStatus.SUBMITTED, ChangeStatus.REJECTED, guards=[guards.reason_given], event=events.CHANGE_REJECTED),
        t([ChangeStatus.DRAFT, ChangeStatus.SUBMITTED], ChangeStatus.WITHDRAWN, event=events.CHANGE_WITHDRAWN),
    ],
    terminal=frozenset({ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.WITHDRAWN}),
)
