"""Reads of receipts (finance and read-all roles) and the matching suggestions of a receipt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from m2c.core.errors import NotFound
from m2c.customers.identity import customer_resolve

from ..models import Invoice, Receipt
from ..states import OPEN_INVOICE_STATUSES
from .invoices import sees_all_cash

# A suggestion at or above this confidence is a confident match (still confirmed by finance in one click).
CONFIDENT = 90
# A quoted invoice of another customer than the payer: shown, never confident (a third-party payment).
THIRD_PARTY_SCORE = 50
NUMBER_RE = re.compile(r"\d{8,20}|KP-\d{4}-\d{5}", re.IGNORECASE)


def receipt_queryset(user: Any) -> QuerySet[Receipt]:
    if sees_all_cash(user) and not getattr(user, "partner_id", None):
        return Receipt.objects.all()
    return Receipt.objects.none()


@dataclass
class ReceiptFilters:
    search: str | None = None
    status: str | None = None
    unmatched: bool | None = None


def receipt_list(*, user: Any, filters: ReceiptFilters | None = None) -> QuerySet[Receipt]:
    f = filters or ReceiptFilters()
    qs = receipt_queryset(user).select_related("customer")
    if f.search:
        qs = qs.filter(Q(number__icontains=f.search) | Q(payer_name__icontains=f.search)
                       | Q(bank_ref__icontains=f.search) | Q(remittance__icontains=f.search))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.unmatched:
        qs = qs.filter(status__in=("RECEIVED", "PARTIALLY_APPLIED"))
    return qs.order_by("-received_on", "-created_at", "pk")


def receipt_get(*, user: Any, receipt_id: Any) -> Receipt:
    found = receipt_queryset(user).select_related("customer").filter(pk=receipt_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class Suggestion:
    """Invoices this receipt probably pays, how sure we are (0–100), why, and the amounts to apply."""

    invoices: list[Invoice]
    amounts: list[Decimal]
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT

    @property
    def key(self) -> str:
        return ",".join(str(i.pk) for i in self.invoices)


def _open(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return qs.filter(status__in=OPEN_INVOICE_STATUSES).select_related("customer")


def receipt_suggestions(receipt: Receipt, *, limit: int = 5) -> list[Suggestion]:
    """Matching suggestions (domain.md 6.3: remittance first, then amounts, oldest due first).

    - an invoice number (official or request) quoted in the remittance text: 95, or 100 if the amount
      equals its open amount;
    - the payer resolved to a customer by the shared identity resolution; among its open invoices, one
      whose open amount equals the unapplied amount: 90; several that add up to it exactly: 85;
      otherwise its oldest-due invoices, filled in order: 60.
    Nothing is applied here; finance confirms a suggestion in one click.
    """
    left = receipt.unapplied
    if left <= 0:
        return []
    out: list[Suggestion] = []
    currency_ok = Invoice.objects.filter(currency=receipt.currency)
    quoted = set(NUMBER_RE.findall(receipt.remittance or "")) | set(NUMBER_RE.findall(receipt.bank_ref or ""))
    seen: set[str] = set()
    customer_id, why_customer = receipt.customer_id, ""
    if customer_id is None and receipt.payer_name:
        resolution = customer_resolve(name=receipt.payer_name)
        if resolution.customer is not None:
            customer_id = resolution.customer.id
            why_customer = _("The payer “%(p)s” is the customer %(c)s (match %(s)d).") % {
                "p": receipt.payer_name, "c": resolution.customer.legal_name, "s": resolution.score}
    elif customer_id is not None:
        why_customer = _("The receipt is from %(c)s.") % {"c": receipt.customer.legal_name}
    if quoted:
        for inv in _open(currency_ok.filter(Q(official_number__in=quoted) | Q(number__in=quoted))):
            exact = inv.open_amount == left
            reasons = [_("The remittance quotes invoice %(n)s.") % {"n": inv}]
            reasons += [_("The amount equals its open amount.")] if exact else []
            score = 100 if exact else 95
            if receipt.customer_id is not None and inv.customer_id != receipt.customer_id:
                # 三流一致: never a confident match across customers; finance confirms a third-party payment.
                score = THIRD_PARTY_SCORE
                reasons.append(_("The payer %(payer)s is not the invoice's buyer %(buyer)s: a third-party "
                                 "payment, to allocate by hand.")
                               % {"payer": receipt.customer.legal_name, "buyer": inv.buyer_name or inv.customer})
            out.append(Suggestion([inv], [min(left, inv.open_amount)], score, reasons))
            seen.add(str(inv.pk))
    if customer_id is not None:
        open_invoices = [i for i in _open(currency_ok.filter(customer_id=customer_id)).order_by("due_date", "created_at")
                         if i.open_amount > 0 and str(i.pk) not in seen]
        exact = [i for i in open_invoices if i.open_amount == left]
        for inv in exact[:2]:
            out.append(Suggestion([inv], [left], 90, [why_customer, _("The amount equals the open amount of %(n)s.")
                                                      % {"n": inv}]))
        if not exact:
            for size in (2, 3):
                for combo in combinations(open_invoices[:12], size):
                    if sum((i.open_amount for i in combo), Decimal(0)) == left:
                        out.append(Suggestion(list(combo), [i.open_amount for i in combo], 85, [
                            why_customer, _("The amount equals the open amounts of %(n)s together.")
                            % {"n": ", ".join(str(i) for i in combo)}]))
                        break
                if len(out) >= limit:
                    break
        if open_invoices and not any(s.score >= 85 for s in out):
            fill, amounts, rest = [], [], left
            for inv in open_invoices:
                if rest <= 0:
                    break
                part = min(rest, inv.open_amount)
                fill.append(inv)
                amounts.append(part)
                rest -= part
            out.append(Suggestion(fill, amounts, 60, [why_customer, _("Oldest due first.")]
                                  + ([_("%(r)s would stay unapplied.") % {"r": rest}] if rest > 0 else [])))
    out.sort(key=lambda s: -s.score)
    return out[:limit]
