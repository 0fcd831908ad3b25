"""Demo opportunities: deals in every stage across regions and offering lines, driven through the real
services so each has its gate reviews, decisions, conditions, quotes, bids and timeline.

Idempotent and deterministic: the catalogue is found by code, bodies by unit, and a deal by its name
before it is created, so running twice changes nothing. ``m2c demo`` calls :func:`load` after the
customers (and the leads) are loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

SEED = 20260415
M = Decimal(1_000_000)

# code, name, English name, offering line, kind, unit, standard cost (CNY), list price (CNY)
PRODUCTS = [
    ("S5735-48P", "园区接入交换机 48 口", "Campus access switch, 48 ports", "campus", "hardware", "piece", "4200", "6800"),
    ("S12700E-8", "园区核心交换机", "Campus core switch", "campus", "hardware", "set", "320000", "520000"),
    ("NCE-CAMPUS", "园区网络管理与控制软件", "Campus network management and control", "campus", "software", "license",
     "40000", "120000"),
    ("SVC-DEPLOY", "现场部署服务", "On-site deployment service", "campus", "service", "man_day", "1600", "2800"),
    ("AP-W7-760", "Wi-Fi 7 无线接入点", "Wi-Fi 7 access point", "wlan", "hardware", "piece", "2100", "3500"),
    ("AC-9700", "无线接入控制器", "Wireless access controller", "wlan", "hardware", "set", "60000", "98000"),
    ("CE16800-8", "数据中心核心交换机", "Data center core switch", "dc", "hardware", "set", "680000", "1100000"),
    ("DC-FABRIC", "数据中心网络自动化软件", "Data center fabric automation", "dc", "software", "license", "90000", "250000"),
    ("SVC-MAINT-3Y", "三年原厂维保", "Three-year maintenance", "dc", "service", "year", "120000", "210000"),
    ("OS-5500", "全闪存智能存储", "All-flash intelligent storage", "storage", "hardware", "set", "420000", "690000"),
    ("FW-6600", "下一代防火墙", "Next-generation firewall", "security", "hardware", "set", "85000", "150000"),
    ("SOC-SVC", "安全运营服务（年）", "Security operations service (yearly)", "security", "service", "year", "180000",
     "320000"),
    ("OTN-9800", "光传送平台", "Optical transport platform", "optical", "hardware", "set", "900000", "1500000"),
    ("STACK-PRIV", "私有云平台订阅（年）", "Private cloud platform subscription (yearly)", "cloud", "subscription",
     "year", "300000", "520000"),
]
MAIN_PRODUCT = {"campus": "S5735-48P", "wlan": "AP-W7-760", "dc": "CE16800-8", "storage": "OS-5500",
                "security": "FW-6600", "optical": "OTN-9800", "cloud": "STACK-PRIV"}
EXTRA_PRODUCT = {"campus": "SVC-DEPLOY", "wlan": "AC-9700", "dc": "SVC-MAINT-3Y", "security": "SOC-SVC"}

BODIES = [  # (unit code, level, name, English name, members)
    ("ro-shanghai", "rep_office", "上海代表处销售决策团队", "Shanghai Office SDT", ["sdt.shanghai"]),
    ("east", "region", "华东地区部销售决策团队", "East China regional SDT", ["sdt.east"]),
    ("hq", "hq", "总部销售决策团队", "HQ SDT", ["sdt.hq"]),
]

ARS = {"east": ["ar.li", "ar.wang"], "north": ["ar.zhang"], "south": ["ar.liu"], "west": ["ar.yang"],
       "overseas": ["ar.tan"]}
SR = {"east": "sr.zhao", "north": "sr.huang"}
FR = {"south": "fr.wu"}

# name, region, offering line, amount (M, in the currency), currency, priority, target, extra
DEALS: list[tuple[str, str, str, str, str, str, str, dict[str, Any]]] = [
    ("校园 Wi-Fi 7 升级（S5）", "east", "wlan", "10", "CNY", "competitive", "O4",
     {"s5": True, "discount": "0"}),
    ("新校区园区网", "east", "campus", "18.6", "CNY", "competitive", "O3", {"atb_pending": True}),
    ("智算中心数据中心网络", "east", "dc", "62", "CNY", "strategic", "O2", {"conditions": True}),
    ("5 号线通信承载网", "east", "optical", "24", "CNY", "competitive", "O4", {"atc_pending": True}),
    ("同城灾备存储", "east", "storage", "8.4", "CNY", "routine", "WON", {}),
    ("政务云一期", "east", "cloud", "12.5", "CNY", "strategic", "WON", {}),
    ("安全运营服务", "east", "security", "3.2", "CNY", "routine", "O2", {"pending_quote": True}),
    ("图书馆无线覆盖", "east", "wlan", "6.8", "CNY", "routine", "ABANDONED", {"no_bid": True}),
    ("院区网络改造", "east", "campus", "4.6", "CNY", "competitive", "LOST",
     {"loss": ("solution", "缺少医疗物联网终端准入功能", "Vendor Z"), "requirement": True}),
    ("码头无线覆盖", "east", "wlan", "9.2", "CNY", "competitive", "O1", {"ati_pending": True}),
    ("研发园区网络", "east", "campus", "2.4", "CNY", "routine", "O1", {}),
    ("智慧港口光网", "east", "optical", "15", "CNY", "competitive", "ON_HOLD", {"gate_hold": True}),
    ("工厂网络改造", "east", "campus", "3.6", "CNY", "routine", "O2", {}),
    ("交易数据中心网络", "east", "dc", "28", "CNY", "competitive", "O3", {}),
    ("智慧校园网络", "north", "campus", "14", "CNY", "competitive", "O4", {}),
    ("5G 专网承载", "north", "optical", "36", "CNY", "strategic", "O2", {}),
    ("无线医疗网络", "north", "wlan", "5.5", "CNY", "routine", "O3", {}),
    ("大数据中心网络", "north", "dc", "21", "CNY", "competitive", "WON", {}),
    ("等保安全合规", "north", "security", "2.8", "CNY", "routine", "LOST",
     {"loss": ("price", "对手报价低 18%", "Vendor Y")}),
    ("厂区园区网络", "north", "campus", "1.9", "CNY", "routine", "O1", {}),
    ("总部园区网络", "south", "campus", "7.5", "CNY", "competitive", "O3", {}),
    ("线网云平台", "south", "cloud", "19", "CNY", "strategic", "O4", {}),
    ("核心存储扩容", "south", "storage", "4.2", "CNY", "routine", "O2", {}),
    ("仓储无线覆盖", "south", "wlan", "3.1", "CNY", "routine", "O1", {}),
    ("医院数据中心", "south", "dc", "11", "CNY", "competitive", "ABANDONED", {"cancelled": True}),
    ("边界防火墙更新", "south", "security", "6.3", "CNY", "competitive", "WON", {}),
    ("软件园园区网", "west", "campus", "8.8", "CNY", "competitive", "O2", {}),
    ("科研数据中心", "west", "dc", "16", "CNY", "strategic", "O3", {}),
    ("智慧城市光网", "west", "optical", "42", "CNY", "strategic", "O1", {}),
    ("门诊楼无线", "west", "wlan", "2.2", "CNY", "routine", "ON_HOLD", {"postponed": True}),
    ("工控安全", "west", "security", "1.6", "CNY", "routine", "LOST",
     {"loss": ("relationship", "客户决策人更换", "")}),
    ("DC network refresh", "overseas", "dc", "3.2", "USD", "competitive", "O3", {}),
    ("warehouse Wi-Fi", "overseas", "wlan", "0.9", "USD", "routine", "O2", {}),
    ("OTN backbone", "overseas", "optical", "7.5", "USD", "strategic", "O4", {}),
    ("hospital campus network", "overseas", "campus", "1.8", "EUR", "competitive", "O1", {}),
    ("factory network", "overseas", "campus", "1.2", "EUR", "routine", "WON", {}),
]
TAKEN: set[Any] = set()
STAGES = {"O1": 0, "O2": 1, "O3": 2, "O4": 3, "WON": 4, "LOST": 2, "ABANDONED": 2, "ON_HOLD": 1}


def load(progress: bool = True) -> str:
    from m2c.core.models import User

    from .defaults import ensure_defaults
    from .models import Opportunity

    ensure_defaults()
    if not User.objects.filter(username="sdt.hq").exists():
        return "opportunities +0 (no demo users)"
    catalogue = _catalogue()
    bodies = _bodies()
    _company()
    from django.db.models import Q

    marker = Q()
    for deal in DEALS:
        marker |= Q(name__endswith=f" {deal[0]}")
    found = Opportunity.objects.filter(marker)
    names = list(found.values_list("name", flat=True))
    existing = {deal[0] for deal in DEALS if any(n.endswith(f" {deal[0]}") for n in names)}
    TAKEN.update(found.values_list("customer_id", flat=True))
    todo = [d for d in DEALS if d[0] not in existing]
    created = 0
    rng = random.Random(SEED)

    def work(advance: Any) -> None:
        nonlocal created
        for index, deal in enumerate(DEALS):
            # Draw for every deal, created or not, so a partial run continues deterministically.
            seed = rng.randrange(10**9)
            if deal[0] not in existing and _deal(deal, index, random.Random(seed)):
                created += 1
            advance()

    if progress and todo:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("demo opportunities", total=len(DEALS))
            work(lambda: bar.advance(task))
    else:
        work(lambda: None)
    return f"opportunities +{created}, products +{catalogue}, decision bodies +{bodies}"


@transaction.atomic
def _catalogue() -> int:
    from m2c.core.models import OfferingLine

    from .models import PriceList, PriceListItem, Product

    lines = {line.code: line for line in OfferingLine.objects.all()}
    created = 0
    cny, _ = PriceList.objects.get_or_create(code="cn-2026", defaults={"name": "2026 中国区目录价", "currency": "CNY",
                                                                      "valid_from": dt.date(2026, 1, 1)})
    usd, _ = PriceList.objects.get_or_create(code="intl-usd-2026", defaults={
        "name": "2026 International list (USD)", "currency": "USD", "valid_from": dt.date(2026, 1, 1)})
    eur, _ = PriceList.objects.get_or_create(code="intl-eur-2026", defaults={
        "name": "2026 International list (EUR)", "currency": "EUR", "valid_from": dt.date(2026, 1, 1)})
    for code, name, name_en, line, kind, unit, cost, price in PRODUCTS:
        if line not in lines:
            continue
        product, new = Product.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "offering_line": lines[line], "kind": kind, "unit": unit,
            "standard_cost": Decimal(cost), "cost_currency": "CNY"})
        created += new
        PriceListItem.objects.get_or_create(price_list=cny, product=product, defaults={"list_price": Decimal(price)})
        PriceListItem.objects.get_or_create(price_list=usd, product=product,
                                            defaults={"list_price": (Decimal(price) / Decimal("6.8")).quantize(Decimal(1))})
        PriceListItem.objects.get_or_create(price_list=eur, product=product,
                                            defaults={"list_price": (Decimal(price) / Decimal("7.4")).quantize(Decimal(1))})
    return created


@transaction.atomic
def _bodies() -> int:
    from m2c.core.models import OrgUnit, User

    from .models import DecisionBody, DecisionBodyMember

    created = 0
    for unit_code, level, name, name_en, members in BODIES:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            continue
        body, new = DecisionBody.objects.get_or_create(level=level, org_unit=unit, active=True,
                                                       defaults={"name": name, "name_en": name_en})
        created += new
        for i, username in enumerate(members):
            user = User.objects.filter(username=username).first()
            if user is not None:
                DecisionBodyMember.objects.get_or_create(body=body, user=user, valid_to=None, defaults={
                    "role": DecisionBodyMember.Role.CHAIR if i == 0 else DecisionBodyMember.Role.MEMBER})
    return created


def _company() -> None:
    from .models import CompanyProfile

    if CompanyProfile.objects.exists():
        return
    CompanyProfile.objects.create(
        name="华擎网络技术有限公司", name_en=settings.M2C_COMPANY_NAME,
        address="上海市浦东新区张江高科技园区碧波路 690 号", address_en="690 Bibo Road, Zhangjiang Hi-Tech Park, Shanghai",
        phone="+86 21 5080 0000", email="sales@m2c.example.com", website="www.m2c.example.com",
        tax_no="91310115MA1K4Q2X7A", bank="招商银行上海张江支行 1219 0888 0010 666",
    )


# --- one deal ---------------------------------------------------------------------------------------


def _user(username: str) -> Any:
    from m2c.core.models import User

    return User.objects.filter(username=username).first()


INDUSTRY_HINTS = [
    (("校园", "校区", "图书馆", "科研", "University"), "education"),
    (("医院", "院区", "医疗", "门诊", "hospital"), "healthcare"),
    (("灾备", "交易", "等保", "存储扩容", "边界防火墙", "DC network"), "finance"),
    (("号线", "码头", "港口", "线网", "仓储", "warehouse"), "transport"),
    (("安全运营", "OTN", "5G 专网"), "energy"),
    (("政务", "城市", "大数据", "智算", "软件园"), "government"),
    (("工厂", "工控", "厂区", "研发园区", "总部园区", "factory"), "manufacturing"),
]


SUFFIXES = ("股份有限公司", "集团有限公司", "有限责任公司", "有限公司", " Pte. Ltd.", " LLC", " GmbH", " AS", " S.A.",
            " Tbk", " JSC", " Ltd.")


def _short(legal_name: str) -> str:
    for suffix in SUFFIXES:
        if legal_name.endswith(suffix):
            return legal_name[: -len(suffix)]
    return legal_name


def _industry(name: str) -> str | None:
    return next((industry for words, industry in INDUSTRY_HINTS if any(w in name for w in words)), None)


def _customer(region: str, name: str, index: int, taken: set[Any]) -> Any:
    """A demo customer of the region, of the industry the deal's name suggests, not used by another deal."""
    from m2c.core.models import OrgUnit
    from m2c.customers.selectors import customer_sample

    unit = OrgUnit.objects.filter(code=region).first()
    if unit is None:
        return None
    industry = _industry(name)
    for wanted in ((industry, None) if industry else (None,)):
        rows = customer_sample(under=unit, industry=wanted, exclude=taken, limit=40)
        if rows:
            return rows[(index * 7) % len(rows)]
    return None


def _decide(review: Any, decision: str, **kwargs: Any) -> Any:
    """Put ``review`` to the lowest body that covers it and decide it as that body's first member."""
    from . import rules, services
    from .states import ReviewStatus

    if review.status == ReviewStatus.SUBMITTED:
        body = rules.bodies_for(review.opportunity, min_level=review.required_level)
        body = [b for b in body if b.memberships.filter(valid_to=None).exists()]
        if not body:
            return review
        member = body[0].memberships.filter(valid_to=None).first().user
        review = services.gate_review_assign(review=review, actor=member, body=body[0])
    member = review.decision_body.memberships.filter(valid_to=None).first().user
    if decision in ("HOLD", "NO_GO"):
        kwargs.setdefault("rationale", "见决策纪要")
    return services.gate_decide(review=review, actor=member, decision=decision, **kwargs)


def _submit(opp: Any, gate: str, actor: Any, *, margin: str | None = None, quote: Any = None) -> Any:
    from . import services
    from .models import AnswerType

    review = services.gate_review_create(opportunity=opp, actor=actor, gate_type=gate,
                                         summary=f"{gate}: {opp.name}")
    answers: dict[str, Any] = {}
    for item in review.checklist.items.all() if review.checklist_id else []:
        if item.answer_type == AnswerType.YES_NO:
            answers[item.code] = True
        elif item.answer_type == AnswerType.NUMBER:
            answers[item.code] = {"win_probability": "55", "retention_pct": "10", "credit_used": "0",
                                  "presales_budget": "150000"}.get(item.code, "1")
        elif item.answer_type == AnswerType.TEXT and item.mandatory:
            answers[item.code] = {
                "competition": "主要对手：Vendor Z（现网厂商）、Vendor Y；我方优势在 Wi-Fi 7 与运维自动化。",
                "concession_rules": "最多再让 3%，以三年维保换取价格。",
                "contract_version": "合同文本 v3（法务已审）",
            }.get(item.code, "已确认 Confirmed")
    from . import rules

    if gate == "ATC" and quote is not None and opp.customer.credit_limit < rules.in_reporting(quote.net_money).amount:
        answers["credit_mitigation"] = "信用证（L/C）覆盖超出额度部分"
    facts: dict[str, Any] = {"answers": answers}
    if margin is not None:
        facts["margin_pct"] = margin
    if quote is not None:
        facts["quote"] = quote
    services.gate_review_update(review=review, actor=actor, **facts)
    return services.gate_review_submit(review=review, actor=actor)


def _quote(opp: Any, actor: Any, line: str, amount: Decimal, discount: Decimal, *, approve: bool = True) -> Any:
    from . import services
    from .models import PriceList, Product

    price_list = PriceList.objects.filter(currency=opp.currency).order_by("code").first()
    quote = services.quote_create(opportunity=opp, actor=actor, price_list=price_list,
                                  payment_terms="30% 预付款，60% 到货验收（PAC）后 45 天，10% 终验（FAC）后 45 天。",
                                  delivery_terms="合同签订后 8 周内分批到货，按站点验收。",
                                  valid_until=timezone.localdate() + dt.timedelta(days=90))
    main = Product.objects.get(code=MAIN_PRODUCT[line])
    list_price = price_list.items.get(product=main).list_price
    share = Decimal("0.85") if line in EXTRA_PRODUCT else Decimal(1)
    qty = max(Decimal(1), (amount * share / (list_price * (1 - discount / 100))).quantize(Decimal(1)))
    services.quote_line_add(quote=quote, actor=actor, product=main, quantity=qty, discount_pct=discount,
                            site="一期 Phase 1")
    if line in EXTRA_PRODUCT:
        extra = Product.objects.get(code=EXTRA_PRODUCT[line])
        extra_price = price_list.items.get(product=extra).list_price
        extra_qty = max(Decimal(1), (amount * (1 - share) / extra_price).quantize(Decimal(1)))
        services.quote_line_add(quote=quote, actor=actor, product=extra, quantity=extra_qty, discount_pct=Decimal(0),
                                site="全部站点")
    if approve:
        quote = services.quote_request_approval(quote=quote, actor=actor)
    quote.refresh_from_db()
    return quote


@transaction.atomic
def _deal(deal: tuple, index: int, rng: random.Random) -> bool:
    from m2c.core.models import OfferingLine
    from m2c.core.money import Money

    from . import services
    from .states import TeamRole

    name, region, line_code, amount_m, currency, priority, target, extra = deal
    line = OfferingLine.objects.filter(code=line_code).first()
    customer = _customer(region, name, index, TAKEN)
    ar = _user(ARS[region][index % len(ARS[region])])
    if line is None or customer is None or ar is None:
        return False
    amount = (Decimal(amount_m) * M).quantize(Decimal(1))
    today = timezone.localdate()
    sign = today + dt.timedelta(days=30 + rng.randrange(330))
    TAKEN.add(customer.pk)
    project = name
    name = f"{_short(customer.legal_name)} {project}"[:200]
    opp = services.opportunity_create(
        actor=ar, customer=customer, name=name, amount=Money(amount, currency), offering_lines=[line], owner=ar,
        expected_sign_date=sign, budget_status=rng.choice(["confirmed", "planned"]), priority_type=priority,
        description="由市场活动与客户拜访发现的机会点。",
    )
    _records(opp, ar, rng)
    stop = STAGES[target]
    sr = _user(SR.get(region, "sr.zhao"))
    fr = _user(FR.get(region, "fr.chen"))
    margin = "30" if not extra.get("atb_pending") else "20"
    if target == "O1":
        if extra.get("ati_pending"):
            services.team_assign(opportunity=opp, actor=ar, role=TeamRole.SR, user=sr)
            _submit(opp, "ATI", ar, margin="30")
        return True
    # O1 → O2 through ATI.
    services.team_assign(opportunity=opp, actor=ar, role=TeamRole.SR, user=sr)
    if opp.grade == "A":
        services.team_assign(opportunity=opp, actor=ar, role=TeamRole.FR, user=fr)
    ati = _submit(opp, "ATI", ar, margin="30")
    if extra.get("gate_hold"):
        _decide(ati, "HOLD", rehearing_date=today + dt.timedelta(days=21))
        return True
    conditions = []
    if extra.get("s5") or extra.get("conditions"):
        conditions = [{"text": "SR 完成现场勘测并提交勘测报告" if extra.get("s5") else "提交算力规划与分期建设方案",
                       "owner": sr, "due_date": today + dt.timedelta(days=14)}]
    ati = _decide(ati, "GO_WITH_CONDITIONS" if conditions else "GO", conditions=conditions,
                  rationale="符合客户规划，竞争可控。")
    if ati.status != "DECIDED":
        return True
    opp = services.opportunity_advance(opportunity=opp, actor=ar)
    if extra.get("s5"):
        services.condition_close(condition=ati.conditions.get(), actor=sr, note="勘测报告已上传")
    discount = Decimal(rng.choice(["3", "5", "6", "8"]))
    if extra.get("pending_quote"):
        _quote(opp, ar, line_code, amount, Decimal(12))  # beyond the AR's 10%: waits for the rep office
        return True
    if extra.get("postponed"):
        services.opportunity_hold(opportunity=opp, actor=ar, hold_until=today + dt.timedelta(days=45),
                                  reason="客户预算冻结，下季度重启")
        return True
    if stop == 1 and target not in ("LOST",):
        _quote(opp, sr, line_code, amount, discount, approve=False)
        return True
    # O2 → O3: the tender arrives and a quote is drafted.
    deadline = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=28), dt.time(17, 0)))
    services.bid_record(opportunity=opp, actor=ar, rfp_received_on=today - dt.timedelta(days=2), deadline=deadline,
                        reference=f"ZB-2026-{index + 101:03d}")
    draft = _quote(opp, sr, line_code, amount, discount, approve=False)
    opp = services.opportunity_advance(opportunity=opp, actor=ar)
    if target == "LOST":
        loss_reason, detail, competitor = extra["loss"]
        services.opportunity_lose(opportunity=opp, actor=ar, loss_reason=loss_reason, detail=detail,
                                  competitor=competitor, raise_requirement=bool(extra.get("requirement")),
                                  price_gap=Money((amount * Decimal("0.08")).quantize(Decimal(1)), currency)
                                  if loss_reason == "price" else None)
        return True
    quote = services.quote_request_approval(quote=draft, actor=sr)
    from . import rules

    if fr is not None and fr != ar and rules.triangle(opp)[TeamRole.FR] != fr:
        services.team_assign(opportunity=opp, actor=ar, role=TeamRole.FR, user=fr)
    if target == "ABANDONED" and extra.get("cancelled"):
        services.opportunity_abandon(opportunity=opp, actor=ar, abandon_reason="customer_cancelled",
                                     reason="客户项目取消")
        return True
    atb = _submit(opp, "ATB", ar, margin="15" if extra.get("no_bid") else margin, quote=quote)
    if extra.get("atb_pending") or (stop == 2 and target == "O3" and index % 2 == 0):
        return True
    if extra.get("no_bid"):
        _decide(atb, "NO_GO", rationale="毛利 15% 低于目标，不投标")
        return True
    floor = (quote.total_net * Decimal("0.94")).quantize(Decimal(1))
    atb = _decide(atb, "GO", floor_price=floor, rationale="方案与价格有竞争力；底价如上。")
    if atb.status != "DECIDED" or stop == 2:
        return True
    services.bid_submit(bid=opp.bids.get(), actor=ar, quote=quote)
    opp = services.opportunity_advance(opportunity=opp, actor=ar)
    if extra.get("s5"):
        return True
    atc = _submit(opp, "ATC", ar, quote=quote)
    if extra.get("atc_pending") or (stop == 3 and index % 2 == 1):
        return True
    atc = _decide(atc, "GO_WITH_CONDITIONS" if stop == 3 else "GO", rationale="付款条件与信用敞口合规。",
                  conditions=[{"text": "FR 签署交付计划基线", "owner": fr or ar, "due_date": today + dt.timedelta(days=10),
                               "blocks": "signing"}] if stop == 3 else [])
    if stop == 3 or atc.status != "DECIDED":
        return True
    services.opportunity_win(opportunity=opp, actor=ar)
    return True


def _records(opp: Any, ar: Any, rng: random.Random) -> None:
    from . import services

    contacts = list(opp.customer.contacts.filter(active=True).order_by("name")[:3])
    for contact in contacts:
        services.stakeholder_add(opportunity=opp, actor=ar, contact=contact,
                                 attitude=rng.choice(["supporter", "neutral", "champion", "unknown"]),
                                 influence=rng.choice(["high", "medium", "low"]))
    services.competitor_add(opportunity=opp, actor=ar, name="Vendor Z", incumbent=rng.random() < 0.5,
                            threat=rng.choice(["high", "medium"]), strengths="现网份额大", weaknesses="无线与自动化较弱")
    if rng.random() < 0.6:
        services.competitor_add(opportunity=opp, actor=ar, name="Vendor Y", threat="medium", strengths="价格激进")
    services.risk_add(opportunity=opp, actor=ar, description="工期紧，需分期交付", category="delivery",
                      probability=rng.choice(["low", "medium", "high"]), impact="medium",
                      mitigation="与客户确认分期验收方案")
    services.activity_log(opportunity=opp, actor=ar, subject="技术交流会", kind="workshop",
                          occurred_on=timezone.localdate() - dt.timedelta(days=rng.randrange(3, 40)),
                          outcome="客户认可方案方向", next_step="安排样板点参观",
                          next_step_due=timezone.localdate() + dt.timedelta(days=10))
