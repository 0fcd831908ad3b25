"""Incentives paid on collected cash only (domain.md 8.3, 11.11).

A policy (sales rebate, specialty rebate, deal-registration reward) gives a rate of the base, or a fixed
reward per registration, for a period, once the partner's base in that period reaches the threshold.

The base, booked at accrual, is the contract's value in the policy's scope: the value of the contract lines
whose catalogue product is in the policy's product category (contracts' ``value_by_product_category``), or
the whole contract for a policy with no category; nothing in scope, no accrual. The contract's value then is
kept too (``contract_value``), so the scope's share of the contract is ``base / contract_value``.

An accrual (ACCRUED) becomes ELIGIBLE only when all three hold, which the worker sweep checks every day:

- the partner's certification for the product category was valid throughout the period (no start after the
  period began, no end before it closed, no expert gap, never non-compliant, lapsed or revoked in it);
- the threshold is met by the partner's accruals under the policy;
- the contract's payment collection is complete (domain.md 8.3, for every tier): the contract is fully
  invoiced — its current value, after approved changes (contracts' ``values_by_contract``), less what its
  invoices billed gross (billing's ``invoice_states_by_contract``; a credit note does not reduce "billed") is
  zero or less — and every invoice is PAID, and there is at least one. A contract closed on ATCC GO or
  terminated on ATAC GO invoices nothing more, so what is left of it does not block.

At that transition the base is restated on **collected cash**: the cash applied to the contract's invoices
(already net of credit notes, which only ever take off an invoice's open amount) times the scope's share, in
the policy currency, to the fen (ROUND_HALF_UP); a rate-based amount is recomputed on it, a fixed reward is
not. So a credit note, a change request that lowers the contract, or a written-off remainder lowers the
incentive with the cash. The event carries the diff (``{"changes": {field: [old, new]}}``). The threshold
counts each accrual's collected base where it is known (the one being evaluated once its collection is
complete, and the ELIGIBLE or PAID ones), else its booked base.

The rule is kept simple: eligibility needs the whole contract invoiced and paid, and the collected base is
fixed then. A credit note or a refund after eligibility does not restate it; an ELIGIBLE or PAID accrual stays
as it is.
Lines a change request adds carry no product category, so a category's share stays as booked.

Each evaluation keeps its blockers on the accrual, so the partner reads why it is not payable yet. A channel
manager records the payment (ELIGIBLE → PAID). Blacklisting cancels ACCRUED and ELIGIBLE accruals
(``BLACKLIST_HOOKS``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.contracts import selectors as contract_selectors
from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.models import Event
from m2c.core.money import Money, normalise_currency, to_decimal
from m2c.core.roles import Actor, authenticated

from .. import events_channel as ev
from ..models import DealRegistration, IncentiveAccrual, IncentivePolicy, Partner, PartnerCertification
from ..reasons import reason
from ..states import CERTIFIED
from ..states_channel import ACCRUAL_MACHINE, AccrualStatus, IncentiveKind
from .numbering import create_numbered
from .partners import BLACKLIST_HOOKS, require_channel

A = AccrualStatus
CENT = Decimal("0.01")
GAP_EVENTS = ("partners.certification.non_compliant", "partners.certification.lapsed",
              "partners.certification.revoked")


def policy_create(*, actor: Actor, code: str, name: str, kind: str, period_start: dt.date, period_end: dt.date,
                  rate_pct: Any = 0, fixed: Any = 0, threshold: Any = 0, currency: str = "CNY",
                  product_category: str = "") -> IncentivePolicy:
    require_channel(actor)
    errors = FieldErrors()
    code = errors.text("code", code, required=_("A code is required."), max_length=40)
    name = errors.text("name", name, required=_("A name is required."), max_length=120)
    if kind not in IncentiveKind.values:
        errors.add("kind", _("Choose the kind of incentive."))
    values = {}
    for field, value in (("rate_pct", rate_pct), ("fixed", fixed), ("threshold", threshold)):
        try:
            values[field] = to_decimal(value if value not in (None, "") else 0, field=field)
        except ValidationFailed as exc:
            errors.add(field, exc.detail)
            continue
        if values[field] < 0:
            errors.add(field, _("Enter zero or more."))
    if values.get("rate_pct", 0) > 100:
        errors.add("rate_pct", _("A percentage is between 0 and 100."))
    if period_end < period_start:
        errors.add("period_end", _("The period cannot end before it starts."))
    if kind == IncentiveKind.SPECIALTY_REBATE and not (product_category or "").strip():
        errors.add("product_category", _("A specialty rebate names its product category."))
    if IncentivePolicy.objects.filter(code=code).exists():
        errors.add("code", _("A policy with this code exists."))
    errors.raise_if_any()
    return IncentivePolicy.objects.create(code=code, name=name, kind=kind, period_start=period_start,
                                          period_end=period_end, currency=normalise_currency(currency),
                                          product_category=(product_category or "").strip(),
                                          created_by=authenticated(actor), **values)


def scope_value(policy: IncentivePolicy, contract: Any) -> Decimal:
    """The contract's value in the policy's scope: its lines in the policy's product category, or all of it."""
    if not policy.product_category:
        return contract.total_value
    return contract_selectors.value_by_product_category(contract).get(policy.product_category, Decimal(0))


def _rated(policy: IncentivePolicy, base: Decimal) -> Decimal:
    if policy.kind == IncentiveKind.DEAL_REGISTRATION_REWARD and policy.fixed:
        return policy.fixed
    return (base * policy.rate_pct / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def accrual_record(*, actor: Actor, policy: IncentivePolicy, partner: Partner, contract: Any, base: Any = None,
                   registration: DealRegistration | None = None) -> IncentiveAccrual:
    """Accrue the policy's incentive on a contract the partner sold. The base is the contract's value in the
    policy's scope (``scope_value``) unless given (in the policy's currency, at most the contract's value)."""
    require_channel(actor)
    errors = FieldErrors()
    value = None
    if base in (None, ""):
        value = scope_value(policy, contract)
        if value <= 0:
            errors.add("base", _("The contract sells nothing in %(c)s.") % {"c": policy.product_category})
    else:
        try:
            value = to_decimal(base, field="base")
        except ValidationFailed as exc:
            errors.add("base", exc.detail)
        if value is not None and value <= 0:
            errors.add("base", _("Enter an amount above zero."))
        elif value is not None and value > contract.total_value:
            errors.add("base", _("The base cannot exceed the contract's value, %(v)s.")
                       % {"v": f"{contract.total_value:,.2f}"})
    if registration is not None and registration.partner_id != partner.pk:
        errors.add("registration", _("The registration belongs to another partner."))
    if policy.kind == IncentiveKind.DEAL_REGISTRATION_REWARD and registration is None:
        errors.add("registration", _("A deal registration reward names its registration."))
    if getattr(contract, "currency", policy.currency) != policy.currency:
        errors.add("contract", _("The contract is in %(c)s, the policy in %(p)s.")
                   % {"c": contract.currency, "p": policy.currency})
    if IncentiveAccrual.objects.filter(policy=policy, contract=contract).exists():
        errors.add("contract", _("This policy already accrued on this contract."))
    errors.raise_if_any()
    assert value is not None
    amount = _rated(policy, value)
    with transaction.atomic():
        accrual = create_numbered(IncentiveAccrual, "INC", policy=policy, partner=partner, contract=contract,
                                  registration=registration, base=value, contract_value=contract.total_value,
                                  amount=amount, currency=policy.currency, created_by=authenticated(actor))
        core_events.record(ev.ACCRUAL_CREATED, accrual, actor=actor, to_state=accrual.status,
                           payload={"partner": str(partner.pk), "base": str(value), "amount": str(amount),
                                    "currency": accrual.currency})
    return accrual


def cash_base(accrual: IncentiveAccrual, state: dict[str, Any], *, on: dt.date | None = None) -> Decimal:
    """The accrual's base restated on the cash collected on its contract (``state``: billing's
    ``invoice_states_by_contract`` row): collected × base / contract value at accrual, in the accrual's
    currency, to the fen."""
    collected = state.get("collected") or Decimal(0)
    currency = state.get("currency") or accrual.currency
    if currency != accrual.currency:
        collected = fx.convert(Money(collected, currency), accrual.currency, on).amount
    whole = accrual.contract_value or contract_selectors.contract_by_id(accrual.contract_id).total_value
    if not whole:
        return Decimal(0).quantize(CENT)
    return (collected * accrual.base / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def _category(accrual: IncentiveAccrual) -> str:
    if accrual.policy.product_category:
        return accrual.policy.product_category
    if accrual.registration_id:
        return accrual.registration.offering_line.product_category
    return ""


def certification_gaps(partner: Partner, category: str, start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """Why the partner's certification in ``category`` was not valid throughout ``start``..``end`` (empty: it was)."""
    cert = (PartnerCertification.objects.filter(partner=partner, product_category=category)
            .order_by("-valid_to").first())
    if cert is None:
        return [reason("not_certified", gettext_noop("No certification for %(c)s."), **{"c": category})]
    found = []
    if cert.status not in CERTIFIED:
        found.append(reason("certification_status", gettext_noop("The certification for %(c)s is %(s)s."), **{"c": category, "s": cert.get_status_display()}))
    if cert.valid_from > start or cert.valid_to < end:
        found.append(reason("certification_period", gettext_noop("The certification for %(c)s ran %(a)s to %(b)s, not the whole period."), **{"c": category, "a": cert.valid_from, "b": cert.valid_to}))
    if cert.expert_missing_since and cert.expert_missing_since <= end:
        found.append(reason("certification_gap", gettext_noop("A required expert was missing from %(d)s."), **{"d": cert.expert_missing_since}))
    gap = (Event.objects.filter(subject_id=str(cert.pk), event_type__in=GAP_EVENTS,
                                occurred_at__date__gte=start, occurred_at__date__lte=end).order_by("occurred_at").first())
    if gap is not None and not any(f["code"] == "certification_gap" for f in found):
        found.append(reason("certification_gap", gettext_noop("The certification for %(c)s was not in force on %(d)s."), **{"c": category, "d": timezone.localtime(gap.occurred_at).date()}))
    return found


def _assess(accrual: IncentiveAccrual, *, today: dt.date | None = None,
            invoices: dict[Any, dict[str, Any]] | None = None,
            contracts: dict[Any, dict[str, Any]] | None = None) -> tuple[list[dict[str, str]], Decimal | None]:
    """Every reason ``accrual`` is not ELIGIBLE yet (empty: it is), and its base on collected cash once its
    contract's collection is complete, fully invoiced and every invoice PAID (else None). ``invoices`` and
    ``contracts``: billing's ``invoice_states_by_contract`` and contracts' ``values_by_contract`` rows, read
    once for a whole sweep."""
    from m2c.billing.selectors.collected import invoice_states_by_contract

    policy = accrual.policy
    day = today or timezone.localdate()
    found: list[dict[str, str]] = []
    if day <= policy.period_end:
        found.append(reason("period_open", gettext_noop("The period runs until %(d)s."), **{"d": policy.period_end}))
    category = _category(accrual)
    if category:
        found += certification_gaps(accrual.partner, category, policy.period_start, policy.period_end)
    else:
        found.append(reason("no_category", gettext_noop("The policy names no product category.")))
    state = (invoices if invoices is not None else invoice_states_by_contract([accrual.contract_id])).get(
        accrual.contract_id)
    facts = (contracts if contracts is not None else contract_selectors.values_by_contract([accrual.contract_id])).get(
        accrual.contract_id) or {}
    invoiced = bool(state and state["invoices"])
    # Still to invoice: the contract's current value less what its invoices billed (gross of credit notes).
    to_invoice = (facts.get("value") or Decimal(0)) - (state["amount"] if state else Decimal(0))
    open_value = to_invoice > 0 and not facts.get("finished", False)
    restated = None
    if invoiced and state["paid"] == state["invoices"] and not open_value:
        restated = cash_base(accrual, state, on=day)
    # The others count their collected base where known (ELIGIBLE, PAID), else their booked base.
    others = (IncentiveAccrual.objects.filter(policy=policy, partner=accrual.partner)
              .exclude(status=A.CANCELLED).exclude(pk=accrual.pk)
              .aggregate(s=Sum(Coalesce("collected_base", "base")))["s"] or Decimal(0))
    reached = others + (restated if restated is not None else accrual.base)
    if reached < policy.threshold:
        found.append(reason("threshold", gettext_noop("Sales of %(r)s are below the threshold of %(t)s %(c)s."),
                            r=f"{reached:,.2f}", t=f"{policy.threshold:,.2f}", c=policy.currency))
    if open_value:
        found.append(reason("not_invoiced", gettext_noop("%(c)s %(r)s of the contract is not invoiced yet."),
                            c=facts.get("currency") or accrual.currency, r=f"{to_invoice:,.2f}"))
    elif not invoiced:
        found.append(reason("not_invoiced", gettext_noop("The contract has no invoice yet.")))
    if invoiced and state["paid"] < state["invoices"]:
        found.append(reason("unpaid", gettext_noop("%(n)s of %(t)s invoices of the contract are not fully paid."), **{"n": state["invoices"] - state["paid"], "t": state["invoices"]}))
    return found, restated


def blockers(accrual: IncentiveAccrual, *, today: dt.date | None = None,
             invoices: dict[Any, dict[str, Any]] | None = None,
             contracts: dict[Any, dict[str, Any]] | None = None) -> list[dict[str, str]]:
    """Every reason ``accrual`` is not ELIGIBLE yet (empty: it is)."""
    return _assess(accrual, today=today, invoices=invoices, contracts=contracts)[0]


def accrual_evaluate(accrual: IncentiveAccrual, *, today: dt.date | None = None,
                     invoices: dict[Any, dict[str, Any]] | None = None,
                     contracts: dict[Any, dict[str, Any]] | None = None) -> IncentiveAccrual:
    """ACCRUED → ELIGIBLE when nothing blocks, the base restated on collected cash and the amount with it;
    else the blockers are kept for the partner to read."""
    if accrual.status != A.ACCRUED:
        return accrual
    found, restated = _assess(accrual, today=today, invoices=invoices, contracts=contracts)
    if found or restated is None:
        IncentiveAccrual.objects.filter(pk=accrual.pk).update(blockers=found, evaluated_at=timezone.now())
        accrual.blockers = found
        return accrual
    amount = _rated(accrual.policy, restated)
    diff = {"collected_base": [None if accrual.collected_base is None else str(accrual.collected_base.quantize(CENT)),
                               str(restated)],
            "amount": [str(accrual.amount.quantize(CENT)), str(amount)]}
    return ACCRUAL_MACHINE.apply(accrual, A.ELIGIBLE,
                                 changes={"blockers": [], "evaluated_at": timezone.now(), "eligible_at": timezone.now(),
                                          "collected_base": restated, "amount": amount},
                                 payload={"partner": str(accrual.partner_id), "amount": str(amount),
                                          "currency": accrual.currency, "base": str(accrual.base.quantize(CENT)),
                                          "changes": diff})


def incentive_sweep(today: dt.date | None = None) -> int:
    """The worker's daily pass: evaluate every ACCRUED accrual; returns how many became ELIGIBLE."""
    from m2c.billing.selectors.collected import invoice_states_by_contract

    accruals = list(IncentiveAccrual.objects.filter(status=A.ACCRUED)
                    .select_related("policy", "partner", "registration__offering_line"))
    ids = sorted({a.contract_id for a in accruals})
    invoices = invoice_states_by_contract(ids)
    contracts = contract_selectors.values_by_contract(ids)
    count = 0
    for accrual in accruals:
        if accrual_evaluate(accrual, today=today, invoices=invoices, contracts=contracts).status == A.ELIGIBLE:
            count += 1
    return count


def accrual_pay(*, actor: Actor, accrual: IncentiveAccrual, paid_on: dt.date | None = None,
                reference: str = "") -> IncentiveAccrual:
    require_channel(actor)
    errors = FieldErrors()
    reference = errors.text("payment_reference", reference, required=_("Give the payment reference."), max_length=60)
    errors.raise_if_any()
    return ACCRUAL_MACHINE.apply(accrual, A.PAID, actor=actor,
                                 changes={"paid_on": paid_on or timezone.localdate(), "payment_reference": reference},
                                 payload={"partner": str(accrual.partner_id), "amount": str(accrual.amount),
                                          "currency": accrual.currency, "reference": reference})


def cancel_on_blacklist(partner: Partner, actor: Actor) -> int:
    """Blacklisting cancels the partner's unpaid incentives (ACCRUED and ELIGIBLE)."""
    note = _("Partner blacklisted: unpaid incentives cancelled.")
    count = 0
    for accrual in IncentiveAccrual.objects.filter(partner=partner, status__in=[A.ACCRUED, A.ELIGIBLE]):
        ACCRUAL_MACHINE.apply(accrual, A.CANCELLED, actor=actor, reason=note, context={"reason": note},
                              payload={"partner": str(partner.pk), "amount": str(accrual.amount),
                                       "currency": accrual.currency})
        count += 1
    return count


if cancel_on_blacklist not in BLACKLIST_HOOKS:
    BLACKLIST_HOOKS.append(cancel_on_blacklist)
