"""The dunning ladder (domain.md 6.3): D+1 the owner is told, D+15 the customer is reminded, D+30 the
owner's manager and the region's finance are alerted, D+90 a collection case opens and credit is held.

:func:`dunning_sweep` is the worker's hourly job. It is idempotent: a step is recorded once per invoice
(``DunningStep`` is unique on invoice and step) and taken in the same transaction as its notices. Only the
undisputed open amount is dunned: an invoice whose whole open amount is disputed gets no step (it is
considered again when the dispute is resolved), and a partly disputed one is dunned for the rest, which
the reminder says. Paid, credited and cancelled invoices leave the sweep, and their collection cases close.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.models import OrgUnit, Role, User
from m2c.core.notifications import message, notify
from m2c.customers import selectors as customer_selectors

from .. import events
from ..models import CollectionCase, CustomerEmail, DunningStep, Invoice
from ..states import (
    COLLECTION_MACHINE,
    DUNNING_LADDER,
    OPEN_INVOICE_STATUSES,
    CollectionStatus,
    DunningStepKind,
)
from ._common import next_number

# Countries whose contacts read Chinese; everyone else gets the English reminder.
CHINESE_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "SG"})


@dataclass
class SweepResult:
    """What one run did (or, in a dry run, would do): (invoice number, step) pairs and the cases closed."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    skipped_disputed: list[str] = field(default_factory=list)
    closed_cases: list[str] = field(default_factory=list)


def _invoice_url(invoice: Invoice) -> str:
    return reverse("billing:invoice", args=[invoice.pk])


def contact_language(customer: Any) -> str:
    """The language a customer's contacts are written to (contacts carry no language of their own yet)."""
    return "zh-hans" if (customer.country or "CN").upper() in CHINESE_COUNTRIES else "en"


def _contacts(customer: Any) -> list[Any]:
    """Who receives a payment reminder: active contacts with an email, purchasers first."""
    found = [c for c in customer_selectors.contact_list(customer=customer) if c.active and c.email]
    purchasers = [c for c in found if c.decision_role == "purchaser"]
    return purchasers or found[:1]


def _region_finance(invoice: Invoice) -> list[User]:
    unit: OrgUnit = invoice.contract.org_unit
    region = unit.region() or unit
    people = list(User.objects.filter(is_active=True, groups__name=Role.FINANCE,
                                      org_unit__path__startswith=region.path).distinct())
    return people or list(User.objects.filter(is_active=True, groups__name=Role.FINANCE).distinct())


def due_steps(invoice: Invoice, on: dt.date) -> list[tuple[str, int]]:
    """The ladder steps reached by ``on`` (days past the due date), whether taken or not."""
    if not invoice.due_date:
        return []
    late = (on - invoice.due_date).days
    return [(step, days) for step, days in DUNNING_LADDER if late >= days]


def _reached(today: dt.date) -> Case:
    """How many rungs an invoice has reached by ``today``, in SQL (the ladder's days ascend)."""
    whens = [When(due_date__lte=today - dt.timedelta(days=days), then=Value(n))
             for n, (_step, days) in reversed(list(enumerate(DUNNING_LADDER, start=1)))]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def dunning_sweep(*, on: dt.date | None = None, dry_run: bool = False, invoices: Any = None) -> SweepResult:
    """Take every ladder step due on ``on`` (default today) and not yet taken; close settled collection cases."""
    today = on or timezone.localdate()
    result = SweepResult()
    base = Invoice.objects.all() if invoices is None else invoices
    # Overdue open invoices with a rung still to take; their taken steps come in one query per chunk.
    candidates = (base.filter(status__in=OPEN_INVOICE_STATUSES, due_date__lt=today)
                  .annotate(steps_taken=Count("dunning_steps"), steps_reached=_reached(today))
                  .filter(steps_taken__lt=F("steps_reached"))
                  .select_related("contract__owner__org_unit__manager", "contract__org_unit", "customer")
                  .prefetch_related("dunning_steps").order_by("due_date", "pk"))
    for inv in candidates.iterator(chunk_size=500):
        taken = {row.step for row in inv.dunning_steps.all()}
        missing = [(s, d) for s, d in due_steps(inv, today) if s not in taken]
        if not missing or inv.open_amount <= 0:
            continue
        if inv.open_amount - inv.disputed <= 0:
            result.skipped_disputed.append(str(inv))
            continue
        for step, _days in missing:
            if dry_run:
                result.steps.append((str(inv), step))
                continue
            if _take_step(inv, step, today):
                result.steps.append((str(inv), step))
    open_cases = CollectionCase.objects.filter(status=CollectionStatus.OPEN).select_related("invoice")
    if invoices is not None:
        open_cases = open_cases.filter(invoice__in=base)
    for case in open_cases:
        if case.invoice.status in OPEN_INVOICE_STATUSES and case.invoice.open_amount > 0:
            continue
        result.closed_cases.append(case.number)
        if not dry_run:
            collection_close(case=case, on=today)
    return result


def _take_step(candidate: Invoice, step: str, today: dt.date) -> bool:
    """Record one step and do what it says, in one transaction; False when another worker took it first.

    The invoice row is locked and re-read (its totals may have moved since the sweep selected it); its
    contract and customer come along from the sweep's query.
    """
    try:
        with transaction.atomic():
            inv = Invoice.objects.select_for_update().get(pk=candidate.pk)
            inv.contract, inv.customer = candidate.contract, candidate.customer
            if DunningStep.objects.filter(invoice=inv, step=step).exists():
                return False
            dunned = inv.open_amount - inv.disputed
            if inv.status not in OPEN_INVOICE_STATUSES or dunned <= 0:
                return False
            row = DunningStep.objects.create(invoice=inv, step=step, taken_on=today,
                                             days_past_due=(today - inv.due_date).days, currency=inv.currency,
                                             dunned=dunned, disputed=inv.disputed)
            recipients = ACTIONS[step](inv, row)
            row.recipients = ", ".join(recipients)[:500]
            row.save(update_fields=["recipients"])
            core_events.record(events.INVOICE_DUNNED, inv, payload={
                "step": step, "days_past_due": row.days_past_due, "dunned": str(dunned),
                "disputed": str(inv.disputed), "currency": inv.currency, "recipients": recipients})
    except IntegrityError:
        return False  # the unique (invoice, step) key: another worker recorded it
    return True


def _facts(inv: Invoice, row: DunningStep) -> dict[str, Any]:
    return {"n": str(inv), "d": row.days_past_due, "a": f"{row.dunned:,.2f} {inv.currency}",
            "c": inv.customer.legal_name}


def _d1(inv: Invoice, row: DunningStep) -> list[str]:
    owner = inv.contract.owner
    notify(owner, title=message(gettext_noop("Overdue invoice %(n)s of %(c)s: %(a)s, %(d)d days past due"),
                                **_facts(inv, row)),
           body=message(gettext_noop("Call the customer and agree a payment date.")),
           url=_invoice_url(inv), kind="billing.dunning.d1", subject=inv)
    return [owner.username]


def _d15(inv: Invoice, row: DunningStep) -> list[str]:
    contacts = _contacts(inv.customer)
    language = contact_language(inv.customer)
    sent = []
    for contact in contacts:
        context = {"invoice_number": inv.official_number or inv.number, "contract": inv.contract.number,
                   "issued_on": inv.issued_on, "due_date": inv.due_date, "days": row.days_past_due,
                   "dunned": row.dunned, "disputed": row.disputed if row.disputed > 0 else None,
                   "currency": inv.currency, "contact": contact.name, "owner": inv.contract.owner,
                   "seller": getattr(settings, "M2C_COMPANY_NAME", "")}
        with translation.override(language):
            text = render_to_string(f"billing/email/dunning_reminder.{language}.txt", context).strip()
        subject, _blank, body = text.partition("\n")
        CustomerEmail.objects.create(invoice=inv, step=row, to_name=contact.name[:120], to_email=contact.email,
                                     language=language, subject=subject.strip()[:200], body=body.strip())
        sent.append(contact.email)
    owner = inv.contract.owner
    if sent:
        notify(owner, title=message(gettext_noop("Payment reminder sent to %(c)s for invoice %(n)s"),
                                    **_facts(inv, row)),
               url=_invoice_url(inv), kind="billing.dunning.d15", subject=inv, email=False)
    else:
        notify(owner, title=message(gettext_noop("No contact of %(c)s has an email: remind them of invoice %(n)s "
                                                 "yourself"), **_facts(inv, row)),
               url=_invoice_url(inv), kind="billing.dunning.d15", subject=inv)
    return sent


def _d30(inv: Invoice, row: DunningStep) -> list[str]:
    owner = inv.contract.owner
    manager = owner.org_unit.manager if owner.org_unit_id else None
    people = [p for p in [manager, *_region_finance(inv)] if p is not None and p != owner]
    people = list(dict.fromkeys(people))
    for person in people:
        notify(person, title=message(gettext_noop("Escalation: invoice %(n)s of %(c)s is %(d)d days overdue "
                                                  "(%(a)s)"), **_facts(inv, row)),
               body=message(gettext_noop("Account owner: %(o)s."), o=str(owner)),
               url=_invoice_url(inv), kind="billing.dunning.d30", subject=inv)
    return [p.username for p in people]


def _d90(inv: Invoice, row: DunningStep) -> list[str]:
    from m2c.customers import services as customer_services

    case = CollectionCase.objects.create(number=next_number(CollectionCase, "CS", row.taken_on), invoice=inv,
                                         contract=inv.contract, currency=inv.currency, amount=row.dunned,
                                         opened_on=row.taken_on)
    core_events.record(events.COLLECTION_OPENED, case, to_state=case.status, payload={
        "number": case.number, "invoice": str(inv), "amount": str(row.dunned)})
    if not inv.customer.credit_hold:
        customer_services.customer_update(customer=inv.customer, actor=None, credit_hold=True)
    people = list(dict.fromkeys([inv.contract.owner, *_region_finance(inv)]))
    for person in people:
        notify(person, title=message(gettext_noop("Collection case %(k)s opened: invoice %(n)s of %(c)s is %(d)d "
                                                  "days overdue (%(a)s); credit is on hold"),
                                     k=case.number, **_facts(inv, row)),
               url=_invoice_url(inv), kind="billing.dunning.d90", subject=inv)
    return [p.username for p in people]


ACTIONS = {DunningStepKind.D1: _d1, DunningStepKind.D15: _d15, DunningStepKind.D30: _d30, DunningStepKind.D90: _d90}


@transaction.atomic
def collection_close(*, case: CollectionCase, on: dt.date | None = None, actor: Any = None,
                     outcome: str = "") -> CollectionCase:
    """OPEN → CLOSED: the invoice is paid or credited (the sweep), or finance closes it with its outcome."""
    locked = CollectionCase.objects.select_for_update().select_related("invoice").get(pk=case.pk)
    inv = locked.invoice
    text = str(outcome or "").strip()[:300] or (
        _("Invoice paid") if inv.status == "PAID" else _("Invoice credited or cancelled")
        if inv.status == "CANCELLED" or inv.open_amount <= 0 else "")
    COLLECTION_MACHINE.apply(locked, CollectionStatus.CLOSED, actor=actor, reason=text,
                             changes={"closed_on": on or timezone.localdate(), "outcome": text},
                             payload={"number": locked.number, "invoice": str(inv), "reason": text})
    return locked


def send_customer_emails(limit: int = 200) -> int:
    """Send the pending customer emails, oldest first (the worker's outbox sweep); returns how many."""
    sent = 0
    with transaction.atomic():
        pending = CustomerEmail.objects.filter(pending=True).order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        for mail in list(pending[:limit]):
            try:
                send_mail(subject=mail.subject, message=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
                          recipient_list=[mail.to_email])
            except OSError:
                continue  # stays pending; the next sweep retries
            CustomerEmail.objects.filter(pk=mail.pk).update(pending=False, sent_at=timezone.now())
            sent += 1
    return sent


def dunnable(invoice: Invoice) -> Decimal:
    """What the ladder may chase on an invoice: its open amount less the disputed part."""
    return max(Decimal(0), invoice.open_amount - invoice.disputed)
