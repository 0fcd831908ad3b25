"""Demo figures for the channel manager's performance view: a PARTNER routing rule with a lead routed to the
gold partner (leads' demo hook), registrations of several partners approved and converted to opportunities
(sourced pipeline), two of them won through the gates to contracts carrying the partner (bookings, incentives
accrued by themselves), the gold partner's advance invoice issued and partly paid (cash collected).

Runs after the partners and channel demo (the policies must exist when a deal is won). Idempotent: the marker
is the registrations' project names. Every step goes through the services; a step a small demo cannot take
(no decision body, no price list) is skipped with its savepoint rolled back, the demo still loads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from m2c.core.errors import DomainError
from m2c.core.models import User
from m2c.core.selectors import offering_line_list
from m2c.customers import selectors as customer_selectors

from . import services
from .models import DealRegistration, Partner

# partner code, offering line code, project, budget, won
DEALS = [
    ("gold-huaxin", "campus", "智慧校园网络二期", "4200000", True),
    ("silver-dongfang", "campus", "园区网络接入层改造", "1600000", True),
    ("gd-digital-china", "dc", "数据中心网络扩容", "5800000", False),
    ("fl-ingram", "campus", "办公园区无线升级", "900000", False),
    ("silver-dongfang", "campus", "分支机构网络标准化", "1200000", False),
]
MARK = "（伙伴业绩演示）"


def load() -> str:
    from m2c.leads.demo import partner_routing

    gold = Partner.objects.filter(code="gold-huaxin").first()
    routed = partner_routing(gold.pk if gold else None)
    if DealRegistration.objects.filter(project_name__endswith=MARK).exists():
        return f"{routed}, performance +0"
    cm = User.objects.filter(username="cm.zhou").first()
    lines = {line.code: line for line in offering_line_list()}
    taken = set(DealRegistration.objects.values_list("customer_id", flat=True))
    customers = [c for c in customer_selectors.customer_sample(limit=400)
                 if c.pk not in taken and c.ar_owner_id is not None][::7]
    if cm is None or not customers:
        return f"{routed}, performance +0"
    now = timezone.now()
    made = won = 0
    for n, (code, line_code, project, budget, to_win) in enumerate(DEALS):
        partner = Partner.objects.filter(code=code).first()
        if partner is None or line_code not in lines or n >= len(customers):
            continue
        try:
            with transaction.atomic():
                reg = services.registration_submit(
                    actor=cm, partner=partner, customer_name=customers[n].legal_name, project_name=project + MARK,
                    offering_line=lines[line_code], budget=budget, decision_chain="信息中心 → 分管领导 → 总经理办公会",
                    implementation_date=timezone.localdate() + dt.timedelta(days=100),
                    now=now - dt.timedelta(days=40 - 5 * n))
                if reg.status != "UNDER_REVIEW":
                    continue
                services.registration_approve(registration=reg, actor=cm, override_reason="演示：客户指定伙伴实施"
                                              if services.blocking_opportunities(reg) else "")
                services.registration_convert(registration=reg, actor=cm)
                made += 1
        except DomainError:
            continue
        reg.refresh_from_db()
        if to_win and _win(reg.opportunity, tender=f"ZB-{timezone.localdate().year}-P{n + 1:03d}"):
            won += 1
            _bill(reg.opportunity_id, collect=code == "gold-huaxin")
    return f"{routed}, performance +{made} registrations converted, +{won} won"


def _win(opportunity: Any, *, tender: str) -> bool:
    """The converted opportunity through ATI, ATB and ATC GO to WON (the opportunities demo's gate helpers)."""
    from m2c.opportunities import services as opp
    from m2c.opportunities.demo import _decide, _quote, _submit, _user
    from m2c.opportunities.states import TeamRole

    ar, sr, fr = opportunity.owner, _user("sr.zhao"), _user("fr.chen")
    if sr is None or fr is None:
        return False
    amount, line = opportunity.amount, opportunity.offering_line.code if opportunity.offering_line else "campus"
    today = timezone.localdate()
    try:
        with transaction.atomic():
            opp.team_assign(opportunity=opportunity, actor=ar, role=TeamRole.SR, user=sr)
            opp.team_assign(opportunity=opportunity, actor=ar, role=TeamRole.FR, user=fr)
            if _decide(_submit(opportunity, "ATI", ar, margin="30"), "GO").status != "DECIDED":
                raise _Skip
            current = opp.opportunity_advance(opportunity=opportunity, actor=ar)
            deadline = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=20), dt.time(17, 0)))
            opp.bid_record(opportunity=current, actor=ar, rfp_received_on=today - dt.timedelta(days=3), deadline=deadline,
                           reference=tender)
            draft = _quote(current, sr, line, amount, Decimal(5), approve=False)
            current = opp.opportunity_advance(opportunity=current, actor=ar)
            quote = opp.quote_request_approval(quote=draft, actor=sr)
            atb = _decide(_submit(current, "ATB", ar, margin="30", quote=quote), "GO",
                          floor_price=(quote.total_net * Decimal("0.94")).quantize(Decimal(1)),
                          rationale="伙伴报备项目，价格有竞争力。")
            if atb.status != "DECIDED":
                raise _Skip
            opp.bid_submit(bid=current.bids.get(), actor=ar, quote=quote)
            current = opp.opportunity_advance(opportunity=current, actor=ar)
            if _decide(_submit(current, "ATC", ar, quote=quote), "GO", rationale="付款条件合规。").status != "DECIDED":
                raise _Skip
            opp.opportunity_win(opportunity=current, actor=ar)
    except (DomainError, _Skip, LookupError, AttributeError):
        return False
    return True


class _Skip(Exception):
    """A gate the small demo cannot pass: the savepoint is rolled back."""


def _bill(opportunity_id: Any, *, collect: bool) -> None:
    """The won contract handed over to delivery and given its 30/60/10 terms (so a later run of the contracts
    and billing demos, which take up signed contracts without a delivery project or terms, leaves it alone);
    with ``collect`` its advance invoiced and half of it paid."""
    from m2c.billing import services as billing
    from m2c.billing.demo import TERMS
    from m2c.contracts import services as contracts
    from m2c.contracts.demo import _pm
    from m2c.contracts.selectors import contract_for_opportunity

    contract = contract_for_opportunity(opportunity_id=opportunity_id)
    if contract is None:
        return
    today = timezone.localdate()
    try:
        with transaction.atomic():
            contracts.contract_handover(contract=contract, actor=None, pm=_pm(contract), handover_on=today,
                                        baseline_plan="到货 → 安装 → 调测 → 初验 → 终验")
            rows = TERMS if contract.sites.exists() else [dict(t, scope="CONTRACT") for t in TERMS]
            billing.milestone_plan(contract=contract, actor=None, rows=rows)
            if not collect:
                return
            invoice = billing.invoice_request(contract=contract, actor=None,
                                              vat_type="SPECIAL" if contract.customer.credit_code else "NORMAL")
            number = f"2631{today:%y%m%d}9800000001"  # 20 digits, apart from the billing demo's
            invoice = billing.invoice_issue(invoice=invoice, actor=None, official_number=number, issued_on=today)
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            receipt = billing.receipt_record(actor=None, amount_=half, received_on=today,
                                             payer_name=contract.customer.legal_name, bank_ref=f"DEMO-P-{number}")
            billing.receipt_allocate(receipt=receipt, invoice=invoice, actor=None, on=today)
    except DomainError:
        return
