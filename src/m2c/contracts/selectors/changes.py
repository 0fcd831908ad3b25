"""Reads of change requests and of a contract's closure: who may approve a change, the ATCC checklist and
the evaluation figures (domain.md 6.4, 6.6, S12, S13)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from m2c.core.errors import NotFound
from m2c.core.models import Role

from ..models import ChangeRequest, Contract, ContractEvaluation
from ..states import ChangeStatus
from . import seams
from .contracts import acceptance_coverage, contract_queryset

PCT = Decimal("0.0001")
# Roles that may approve a change below the ATAC threshold besides the managers of the contract's org units.
APPROVER_ROLES = tuple(getattr(settings, "M2C_CHANGE_APPROVER_ROLES", (Role.DECISION_TEAM, Role.ADMINISTRATOR)))


def change_list(*, contract: Contract) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(contract=contract).select_related("requested_by", "decided_by", "review",
                                                                          "contract_version").order_by("created_at")


def change_get(*, user: Any, change_id: Any) -> ChangeRequest:
    """The change request if ``user`` may see its contract; otherwise 404."""
    change = ChangeRequest.objects.select_related("contract", "review").filter(pk=change_id).first()
    if change is None or not contract_queryset(user).filter(pk=change.contract_id).exists():
        raise NotFound()
    return change


def change_count(contract: Contract) -> int:
    """Approved changes of the contract: what the evaluation counts."""
    return ChangeRequest.objects.filter(contract=contract, status=ChangeStatus.APPROVED).count()


def may_approve_change(contract: Contract, user: Any) -> bool:
    """The manager of the contract's org unit (or of one above it), or an authorised role."""
    if user is None:
        return True
    if getattr(user, "is_superuser", False) or user.has_role(*APPROVER_ROLES):
        return True
    unit = contract.org_unit
    while unit is not None:
        if unit.manager_id == user.pk:
            return True
        unit = unit.parent
    return False


def atac_threshold() -> dict[str, Any]:
    """domain.md 12: ±10 % or ±1M value, schedule +30 days; some kinds always need ATAC (4.3)."""
    return {
        "pct": Decimal(str(getattr(settings, "M2C_ATAC_THRESHOLD_PCT", 10))),
        "value": Decimal(str(getattr(settings, "M2C_ATAC_THRESHOLD_VALUE", 1_000_000))),
        "days": int(getattr(settings, "M2C_ATAC_THRESHOLD_DAYS", 30)),
        "kinds": tuple(getattr(settings, "M2C_ATAC_ALWAYS_KINDS", ("PAYMENT_TERMS", "ACCEPTANCE", "PARTIES"))),
    }


def needs_atac(*, kind: str, delta: Decimal, delta_reporting: Decimal, base: Decimal, schedule_days: int) -> bool:
    limits = atac_threshold()
    pct = abs(delta) / base * 100 if base else Decimal(100)
    return (kind in limits["kinds"] or pct > limits["pct"] or abs(delta_reporting) > limits["value"]
            or schedule_days > limits["days"])


def days_to_collected(signed_on: dt.date | None, collections: list[tuple[dt.date, Decimal]],
                      target: Decimal) -> int | None:
    """Days from signature until the collections, oldest first, reach ``target``; None if they never do."""
    if signed_on is None or target <= 0:
        return None
    total = Decimal(0)
    for day, amount in sorted(collections):
        total += amount
        if total >= target:
            return (day - signed_on).days
    return None


def evaluation_figures(contract: Contract, *, actual_cost: Decimal) -> dict[str, Any]:
    """The figures of the evaluation, computed now: net revenue (invoiced less credit notes), actual margin
    against the margin decided at ATB, days to 90 % of the contract value collected, approved changes."""
    from m2c.opportunities import selectors as opportunity_selectors

    cash = seams.contract_cash(contract.pk)
    revenue = cash.invoiced - cash.credited
    facts = (opportunity_selectors.closure_facts(opportunity_id=contract.opportunity_id)
             if contract.opportunity_id else {"atb_margin_pct": None, "open_risks": 0})
    margin = ((revenue - actual_cost) / revenue * 100).quantize(PCT, ROUND_HALF_UP) if revenue > 0 else None
    target = (contract.total_value * Decimal("0.9")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "revenue": revenue, "collected": cash.collected, "margin_actual_pct": margin,
        "margin_atb_pct": facts["atb_margin_pct"] if facts["atb_margin_pct"] is not None else contract.margin_pct,
        "days_to_90pct_collected": days_to_collected(contract.signed_on, cash.collections, target),
        "change_count": change_count(contract),
    }


def closure_checks(contract: Contract) -> list[dict[str, Any]]:
    """The ATCC checklist as the system verifies it (domain.md 4.3): each with a code, whether it holds, and
    what is wrong when it does not."""
    from m2c.opportunities import selectors as opportunity_selectors

    final = acceptance_coverage(contract)["final_pct"]
    cash = seams.contract_cash(contract.pk)
    disputes = seams.open_disputes(contract.pk)
    risks = (opportunity_selectors.closure_facts(opportunity_id=contract.opportunity_id)["open_risks"]
             if contract.opportunity_id else 0)
    pending = ChangeRequest.objects.filter(contract=contract, status=ChangeStatus.SUBMITTED).count()
    evaluation = ContractEvaluation.objects.filter(contract=contract).first()
    written = evaluation is not None and bool(evaluation.post_mortem.strip())
    return [
        {"code": "accepted", "label": _("All deliverables accepted (FAC covers 100%)"), "ok": final >= 100,
         "detail": _("Final acceptance covers %(pct)s%% of the value.") % {"pct": f"{final:.2f}"}},
        {"code": "receivables", "label": _("Open receivables are zero or written off"), "ok": cash.open_ar <= 0,
         "detail": _("%(amount)s %(currency)s is still receivable.") % {"amount": f"{cash.open_ar:,.2f}",
                                                                         "currency": contract.currency}},
        {"code": "disputes", "label": _("Disputes closed"), "ok": disputes == 0,
         "detail": _("%(n)d dispute(s) still open.") % {"n": disputes}},
        {"code": "risks", "label": _("Risks closed"), "ok": risks == 0,
         "detail": _("%(n)d risk(s) of the register not closed.") % {"n": risks}},
        {"code": "changes", "label": _("No change request pending"), "ok": pending == 0,
         "detail": _("A change request is still awaiting its decision.")},
        {"code": "post_mortem", "label": _("Post-mortem written"), "ok": written,
         "detail": _("Write the post-mortem and the actual cost first.")},
    ]
