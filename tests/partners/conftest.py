"""Shared partners world: a distributor, gold P1 and silver P2 certified for Campus Network with their
experts, a channel manager, partner users, and the City Hospital customer."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from m2c.core.models import Role
from m2c.partners import services
from m2c.partners.models import Partner
from tests.factories import CustomerFactory, UserFactory

CAMPUS = "Campus Network"


def certified_partner(cm: Any, code: str, name: str, tier: str, *, supplier: Partner | None = None,
                      category: str = CAMPUS, user: Any = None) -> Partner:
    """An ACTIVE partner with the three experts and an ACTIVE certification in ``category``."""
    today = timezone.localdate()
    partner = services.partner_create(actor=cm, code=code, legal_name=name, supplier=supplier)
    services.tier_set(actor=cm, partner=partner, product_category=category, tier=tier)
    services.partner_onboard(partner=partner, actor=cm)
    services.partner_activate(partner=partner, actor=cm)
    for i, role in enumerate(("sales", "presales", "postsales")):
        staff = services.staff_add(actor=cm, partner=partner, name=f"{name}专家{i}", user=user if i == 0 else None)
        services.certificate_record(actor=cm, staff=staff, product_category=category, role=role,
                                    valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=700))
    cert = services.certification_apply(actor=cm, partner=partner, product_category=category,
                                        valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=365))
    services.certification_grant(actor=cm, certification=cert)
    return partner


@pytest.fixture
def channel(users, lines) -> SimpleNamespace:
    cm = UserFactory(username="cm.wang", display_name="王渠道", roles=[Role.CHANNEL_MANAGER])
    p1_user = UserFactory(username="p1.user", roles=[Role.PARTNER])
    p2_user = UserFactory(username="p2.user", roles=[Role.PARTNER])
    dist_user = UserFactory(username="dist.user", roles=[Role.PARTNER])
    distributor = certified_partner(cm, "dist", "神州数码分销", "FIRST_LEVEL", user=dist_user)
    p1 = certified_partner(cm, "p1", "金牌伙伴一号科技有限公司", "GOLD", supplier=distributor, user=p1_user)
    p2 = certified_partner(cm, "p2", "银牌伙伴二号信息有限公司", "SILVER", supplier=distributor, user=p2_user)
    hospital = CustomerFactory(legal_name="上海市第一人民医院", org_unit=users.ar.org_unit, ar_owner=users.ar)
    for u in (p1_user, p2_user, dist_user):
        u.refresh_from_db()
    return SimpleNamespace(cm=cm, p1=p1, p2=p2, distributor=distributor, p1_user=p1_user, p2_user=p2_user, dist_user=dist_user,
                           hospital=hospital, campus=lines.campus)


def register(channel: SimpleNamespace, partner: Partner, actor: Any, name: str = "上海市第一人民医院", **extra: Any):
    data = {"customer_name": name, "project_name": "核心交换机更新", "offering_line": channel.campus,
            "budget": "3000000", "decision_chain": "信息中心主任 → 分管副院长 → 院长办公会",
            "implementation_date": timezone.localdate() + dt.timedelta(days=120), **extra}
    return services.registration_submit(actor=actor, partner=partner, **data)


def invoice_the_rest(s: SimpleNamespace, first: int) -> list[Any]:
    """Bill the rest of a contract planned 30/60/10 (billing's TERMS) whose advance is invoiced: handover, one PAC
    over both sites (60%: 6.0M of 10.0M), then FAC of the whole contract (10%), each invoiced the day after,
    from day ``first`` on (day n is ``s.day(n)``). Returns the two invoices."""
    from m2c.contracts import services as contract_services
    from tests.billing.conftest import handover, invoice

    s.contract.refresh_from_db()
    contract = handover(s) if s.contract.status == "SIGNED" else s.contract
    sites = [site.pk for site in contract.sites.all()]
    contract_services.certificate_record(contract=contract, actor=s.deal.ar, type="PAC", sites=sites,
                                         signed_on=s.day(first), signatory="王处长")
    pac = invoice(s, first + 1, "26312000000000000092")
    contract_services.certificate_record(contract=contract, actor=s.deal.ar, type="FAC", whole_contract=True,
                                         signed_on=s.day(first + 2), signatory="王处长")
    fac = invoice(s, first + 3, "26312000000000000093")
    return [pac, fac]
