"""Fixtures for the opportunities tests: the decision bodies of domain.md 4.2 at three levels, the
iron triangle of S5–S7, a priced catalogue and exchange rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.core.models import FxRate, Role
from m2c.opportunities.defaults import ensure_defaults
from m2c.opportunities.models import PriceList, PriceListItem
from m2c.opportunities.states import DecisionLevel
from tests.factories import CustomerFactory, UserFactory

from .factories import ProductFactory, body, decider

M = Decimal(1_000_000)


@pytest.fixture
def rates(db: Any) -> None:
    for code, rate in (("USD", "7.2"), ("EUR", "7.8")):
        FxRate.objects.get_or_create(currency_id=code, quote_currency_id="CNY", valid_on=dt.date(2020, 1, 1),
                                     defaults={"rate": Decimal(rate)})


@pytest.fixture
def deal(org: Any, users: Any, lines: Any, rates: Any) -> SimpleNamespace:
    """University A in Shanghai (credit limit 12M), its AR Li, SR Zhao, FR Chen and the three SDTs."""
    ensure_defaults()
    sdt_shanghai = decider("sdt.shanghai", org.shanghai)
    sdt_east = decider("sdt.east", org.east)
    sdt_hq = decider("sdt.hq", org.hq)
    sdt_beijing = decider("sdt.beijing", org.beijing)
    fr = UserFactory(username="fr.chen", display_name="陈静", roles=[Role.FR], org_unit=org.shanghai)
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai,
                               ar_owner=users.ar, credit_limit=12 * M, credit_currency="CNY", credit_rating="AA")
    bodies = SimpleNamespace(
        shanghai=body(DecisionLevel.REP_OFFICE, org.shanghai, sdt_shanghai),
        beijing=body(DecisionLevel.REP_OFFICE, org.beijing, sdt_beijing),
        east=body(DecisionLevel.REGION, org.east, sdt_east),
        hq=body(DecisionLevel.HQ, org.hq, sdt_hq),
    )
    ap = ProductFactory(code="AP-W7", name="Wi-Fi 7 接入点", name_en="Wi-Fi 7 access point", offering_line=lines.campus,
                        standard_cost=Decimal("700"))
    switch = ProductFactory(code="SW-CORE", name="核心交换机", name_en="Core switch", offering_line=lines.campus,
                            standard_cost=Decimal("70000"))
    service = ProductFactory(code="SVC-DEPLOY", name="部署服务", name_en="Deployment service",
                             offering_line=lines.campus, kind="service", unit="man_day", standard_cost=Decimal("1400"))
    price_list = PriceList.objects.create(code="cn-2026", name="2026 中国区价目表", currency="CNY")
    for product, price in ((ap, "1000"), (switch, "100000"), (service, "2000")):
        PriceListItem.objects.create(price_list=price_list, product=product, list_price=Decimal(price))
    deadline = timezone.make_aware(dt.datetime.combine(add_working_days(timezone.localdate(), 8), dt.time(17, 0)))
    return SimpleNamespace(
        customer=customer, ar=users.ar, sr=users.sr, fr=fr, sdt_shanghai=sdt_shanghai, sdt_east=sdt_east,
        sdt_hq=sdt_hq, sdt_beijing=sdt_beijing, bodies=bodies, price_list=price_list,
        products=SimpleNamespace(ap=ap, switch=switch, service=service), deadline=deadline, lines=lines,
    )
