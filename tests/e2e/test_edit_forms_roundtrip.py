"""Every edit form of the app, opened in Chinese and in English and saved unchanged, changes nothing.

In zh-hans the edit pages once rendered dates as ``2027/03/23`` inside ``<input type="date">`` (the
browser shows it empty, so saving erased the date) and amounts as ``2800000.0000`` (saving was refused).
This test opens each edit form in a real browser, presses its save button without touching anything,
and compares every stored field of the record (and of the rows it owns) before and after.

A new edit form joins by adding an ``EditForm`` to ``EDIT_FORMS``. ``test_every_route_is_classified``
walks the URLconf and fails on any route that is neither an edit form here nor listed in
``NOT_EDIT_FORMS`` with the reason it is not one, so a new page cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from m2c.campaigns import services as campaign_services
from m2c.customers import services as customer_services
from m2c.customers.models import Customer, Territory
from m2c.enablement.models import Question
from m2c.leads import services as lead_services
from m2c.leads.models import RoutingRule
from m2c.opportunities import services as opportunity_services
from m2c.opportunities.models import GateReview, Product
from tests.conftest import open_tab, sign_in
from tests.opportunities import flows
from tests.opportunities.conftest import deal, rates  # noqa: F401 (fixtures)

LANGUAGES = ("zh-hans", "en")
# Bookkeeping a save may move without changing what the user sees: the optimistic-lock counter and the
# modification times (of the record and of a checklist answer). Everything else must come back exactly as it was.
IGNORED = {"version", "updated_at", "answered_at"}


@dataclass
class Target:
    """One edit form, ready: where it is, who opens it, and the rows it must leave unchanged."""

    url: str
    username: str
    records: list[models.Model]
    form: str  # CSS selector of the form
    submit: str  # CSS selector of its save button


@dataclass
class EditForm:
    route: str  # "namespace:name" of the URL the form lives at
    setup: Callable[[SimpleNamespace], Target]
    owned: Callable[[models.Model], list[models.Model]] = field(default=lambda record: [])


# --- the edit forms ------------------------------------------------------------------------------------


def _customer(world: SimpleNamespace) -> Target:
    org, users = world.org, world.users
    customer = Customer.objects.create(
        legal_name="上海华信燃气有限公司", normalized_name="上海华信燃气", registration_no="310115000123456", country="CN",
        province="上海", city="上海", address="浦东新区张江路 88 号", website="https://huaxin-gas.example.cn",
        industry="energy", org_unit=org.shanghai, customer_group=org.education, tier="named", ar_owner=users.ar,
        credit_rating="A", credit_limit=Decimal("2800000.0000"), credit_currency="CNY", credit_hold=True,
        compliance_status="ok", compliance_note="待法务复核",
    )
    return Target(f"/customers/{customer.pk}/edit/", "admin", [customer], "form:has(#save-customer)", "#save-customer")


def _lead(world: SimpleNamespace) -> Target:
    lead, _outcome = lead_services.lead_create(actor=world.users.marketing, data={
        "customer_name": "申江大学", "title": "申江大学园区网升级", "offering_lines": ["campus", "wlan"],
        "contact_name": "王主任", "contact_title": "信息中心主任", "contact_role": "decision_maker",
        "contact_email": "wang@sju.example.cn", "contact_phone": "13800138000", "industry": "education",
        "province": "上海", "city": "上海", "budget_status": "planned", "budget_note": "2027 年预算已申报",
        "budget_amount": "2800000", "estimated_amount": "3500000.50", "currency": "CNY",
        "expected_purchase_date": "2027-03-23", "decision_chain_known": True, "pain_confirmed": True,
        "description": "旧网络设备 2017 年部署，需整体替换。", "region": "east",
    })
    return Target(f"/leads/{lead.pk}/edit/", "admin", [lead], "form:has(#save-lead)", "#save-lead")


def _opportunity(world: SimpleNamespace) -> Target:
    opp = flows.new_deal(world.deal, amount="2800000", expected_sign_date=dt.date(2027, 3, 23),
                         description="园区无线网络整体升级", budget_status="planned", direct_negotiation=True)
    return Target(f"/opportunities/{opp.pk}/edit/", world.deal.ar.username, [opp], "form:has(#save-opportunity)",
                  "#save-opportunity")


def _quote(world: SimpleNamespace) -> Target:
    sales = world.deal
    opp = flows.to_o2(sales)
    quote = flows.quote(opp, sales, approve=False, discount="12.5")
    opportunity_services.quote_line_add(quote=quote, actor=sales.sr, product=sales.products.service, quantity="12.5",
                                        discount_pct="3.25", site="北校区")
    quote = opportunity_services.quote_update(
        quote=quote, actor=sales.sr, title="申江大学无线网络报价", valid_until=dt.date(2027, 3, 23),
        payment_terms="合同签订后 30 日内支付 30%", delivery_terms="到货后 45 日内完成部署")
    return Target(f"/opportunities/quotes/{quote.pk}/", sales.sr.username, [quote], "#quote-header-form",
                  "#save-quote-header")


def _review(world: SimpleNamespace) -> Target:
    sales = world.deal
    opp = flows.new_deal(sales)
    review = flows.prepare(opp, "ATI", sales.ar, margin_pct="31.5", non_standard_terms=True)
    return Target(f"/opportunities/reviews/{review.pk}/", sales.ar.username, [review], "#review-form", "#save-review")


def _campaign(world: SimpleNamespace) -> Target:
    campaign = campaign_services.campaign_create(
        actor=world.users.marketing, name="2027 教育行业峰会", level="regional", journey_stage="interest",
        org_unit=world.org.east, start_date=dt.date(2027, 3, 23), end_date=dt.date(2027, 3, 25), target_valid_leads=40,
        target_opportunities=10, target_pipeline=Decimal("2800000.5000"), target_bookings=Decimal("12500.0000"),
        currency="CNY", web_form_enabled=False, offering_lines=[world.lines.campus, world.lines.wlan])
    return Target(f"/campaigns/{campaign.pk}/edit/", world.users.marketing.username, [campaign],
                  "form:has(#save-campaign)", "#save-campaign")


def _asset(world: SimpleNamespace) -> Target:
    asset = campaign_services.asset_create(
        actor=world.users.marketing, title="智慧园区解决方案白皮书", title_en="Smart Campus White Paper",
        summary="面向高校的园区网络建设指南", summary_en="", tags="园区, 高校", asset_type="white_paper", language="zh",
        offering_line=world.lines.campus, journey_stage="interest", owner=world.users.marketing,
        review_due=dt.date(2027, 3, 23))
    return Target(f"/campaigns/assets/{asset.pk}/edit/", world.users.marketing.username, [asset],
                  "form:has(#save-asset)", "#save-asset")


def _decision_body(world: SimpleNamespace) -> Target:
    body = world.deal.bodies.east
    opportunity_services.decision_body_update(body=body, actor=world.users.admin, name="华东地区部销售决策团队",
                                              name_en="East China SDT")
    return Target(f"/opportunities/configuration/bodies/{body.pk}/", "admin", [body], "#body-form", "#save-body")


def _price_list(world: SimpleNamespace) -> Target:
    price_list = world.deal.price_list
    opportunity_services.price_list_update(price_list=price_list, actor=world.users.admin, name="2026 中国区价目表",
                                           valid_to=dt.date(2027, 3, 23), prices={"AP-W7": "1000.50"})
    return Target(f"/opportunities/configuration/price-lists/{price_list.pk}/", "admin", [price_list],
                  "#price-list-form", "#save-price-list")


def _product(world: SimpleNamespace) -> Target:
    product = opportunity_services.product_save(
        actor=world.users.admin, code="AP-W8", name="Wi-Fi 8 接入点", name_en="Wi-Fi 8 access point",
        offering_line=world.lines.wlan, kind="hardware", unit="set", standard_cost=Decimal("880.5000"),
        cost_currency="CNY", description="室内高密场景", active=True)
    return Target(f"/opportunities/configuration/products/{product.pk}/", "admin", [product], "#product-form",
                  "#save-product")


def _routing_rule(world: SimpleNamespace) -> Target:
    org = world.org
    rule = lead_services.routing_rule_create(
        actor=world.users.admin, name="华东教育行业 → 上海代表处轮转", region=org.east, customer_group=org.education,
        industry="education", offering_line=world.lines.campus, tier="named", min_score=40, target="round_robin",
        target_unit=org.shanghai, capacity=25)
    return Target(f"/leads/routing/{rule.pk}/", "admin", [rule], "#routing-rule-form", "#save-routing-rule")


def _territory(world: SimpleNamespace) -> Target:
    territory = customer_services.territory_create(actor=world.users.admin, kind="province", key="浙江省",
                                                   org_unit=world.org.east)
    return Target(f"/customers/territories/{territory.pk}/", "admin", [territory], "#territory-form",
                  "#save-territory")


def _site(world: SimpleNamespace) -> Target:
    from tests.contracts.conftest import win

    _opp, _quote, contract = win(world.deal)
    site = contract.sites.order_by("position").first()
    return Target(f"/contracts/{contract.pk}/sites/{site.pk}/", world.deal.ar.username, [contract, site],
                  "#site-form", "#site-form-save")


def _change(world: SimpleNamespace) -> Target:
    from m2c.contracts import services as contract_services
    from tests.contracts.conftest import win

    _opp, _quote, contract = win(world.deal)
    contract = contract_services.contract_handover(contract=contract, actor=world.deal.ar, pm=world.deal.fr)
    change = contract_services.change_request(
        contract=contract, actor=world.deal.ar, kind="SCOPE", reason="客户新增图书馆站点",
        lines=[{"description": "图书馆 AP", "site": "图书馆 Library", "quantity": "1500", "unit_price": "1000.5",
                "unit_cost": "700"}], schedule_days=30, effective_on=contract.signed_on)
    return Target(f"/contracts/{contract.pk}/changes/{change.pk}/", world.deal.ar.username, [contract, change],
                  "#change-form", "#change-form-save")


def _milestone(world: SimpleNamespace) -> Target:
    from m2c.billing import services as billing_services
    from tests.contracts.conftest import win

    _opp, _quote, contract = win(world.deal)
    billing_services.milestone_plan(contract=contract, actor=world.deal.ar, rows=[
        {"name": "终验款（两校区）", "percent": "12.5", "trigger": "TIME_AFTER_EVENT", "trigger_event": "FAC",
         "offset_days": 30, "scope": "CONTRACT", "payment_days": 45},
        {"name": "运维服务费", "amount": "280000.50", "trigger": "PERIODIC", "period": "QUARTERLY", "periods": 4,
         "starts_on": dt.date(2027, 3, 23), "scope": "CONTRACT", "payment_days": 30}])
    milestone = contract.milestones.get(seq=2)
    return Target(f"/billing/contracts/{contract.pk}/milestones/{milestone.pk}/", world.deal.ar.username,
                  list(contract.milestones.order_by("seq")), "#milestone-form", "#milestone-form-save")


def _segment(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    segment = insight_services.segment_create(
        actor=world.users.marketing, code="edu-east-campus", name="华东高校园区网", industry="education",
        region=world.org.east, offering_line=world.lines.campus, customer_tier="strategic",
        description="双一流高校，Wi-Fi 7 与园区网改造", expected_revenue="12345678.90", currency="CNY",
        gross_margin_pct="27.5", appeals_feed_position=True)
    return Target(f"/insight/segments/{segment.pk}/edit/", world.users.marketing.username, [segment],
                  "#segment-form", "#save-segment")


def _target_list(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    target = insight_services.target_list_create(
        actor=world.users.marketing, name="华东高校：无在途商机", industries=["education", "healthcare"],
        region=world.org.east, tiers=["general", "strategic"], installed_base="without", no_open_opportunity=True,
        last_contact_days=45)
    return Target(f"/insight/target-lists/{target.pk}/edit/", world.users.marketing.username, [target],
                  "#target-list-form", "#save-target-list")


def _business_plan(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    plan = insight_services.business_plan_create(
        actor=world.users.marketing, name="华东园区网经营计划", org_unit=world.org.east,
        offering_line=world.lines.campus, period="2027", revenue_target="12345678.90", currency="CNY",
        margin_target_pct="27.5", note="含新校区一期")
    return Target(f"/insight/plans/{plan.pk}/edit/", world.users.marketing.username, [plan], "#plan-form",
                  "#save-plan")


def _key_account_plan(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    plan = insight_services.key_account_plan_create(
        actor=world.deal.ar, customer=world.deal.customer, year=2027, goals="成为首选网络供应商\n拿下新校区一期",
        revenue_goal="30000000.50", currency="CNY")
    return Target(f"/insight/accounts/{plan.pk}/edit/", world.deal.ar.username, [plan], "#plan-form", "#save-plan")


def _insight_report(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    report = insight_services.insight_report_create(
        actor=world.users.marketing, title="华东高校园区网行业洞察", report_type="industry", org_unit=world.org.east,
        due_on=dt.date(2027, 3, 23), summary="摘要", look_trends="Wi-Fi 7 普及", look_market="双一流高校扩建",
        look_competitors="Vendor Z 降价", look_self="交付能力强", look_opportunities="新校区",
        decide_control_points="方案设计权", decide_goals="份额 60%", decide_strategy="高层拜访 + 样板点")
    return Target(f"/insight/reports/{report.pk}/edit/", world.users.marketing.username, [report], "#report-form",
                  "#save-report")


def _innovation(world: SimpleNamespace) -> Target:
    from m2c.insight import services as insight_services

    project = insight_services.innovation_create(
        actor=world.deal.ar, name="宿舍高密 Wi-Fi 7 联合创新", customer=world.deal.customer,
        offering_line=world.lines.campus, objective="验证 2000 终端/楼层\n形成样板点", starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 6, 30))
    return Target(f"/insight/innovation/{project.pk}/edit/", world.deal.ar.username, [project], "#innovation-form",
                  "#save-innovation")


def _enablement(world: SimpleNamespace) -> SimpleNamespace:
    from m2c.enablement import services as enablement_services

    admin = world.users.admin
    course = enablement_services.course_create(
        actor=admin, code="campus-sr-201", name="园区网络方案进阶", name_en="Campus design 201",
        offering_line=world.lines.campus, role="sr", audience="everyone", hours="12.5",
        description="Wi-Fi 7 与园区网改造的方案设计", org_unit=world.org.east)
    enablement_services.material_add(actor=admin, course=course, kind="link", title="设计指南",
                                     url="https://docs.example.cn/campus")
    bank = enablement_services.bank_create(actor=admin, code="campus-201", name="园区进阶题库",
                                           offering_line=world.lines.campus)
    question = enablement_services.question_save(
        actor=admin, bank=bank, kind="multiple", text="哪些属于 Wi-Fi 7 特性？", explanation="802.11be", points=3,
        options=[("多链路操作", True), ("320 MHz 信道", True), ("WEP 加密", False)])
    exam = enablement_services.exam_create(
        actor=admin, code="campus-201-exam", name="园区进阶认证", course=course, banks=[bank], question_count=1,
        duration_minutes=45, pass_mark="72.5", max_attempts=3, retake_wait_days=7, audience="internal",
        offering_line=world.lines.campus, track="presales", level="professional", validity_days=365)
    return SimpleNamespace(course=course, bank=bank, question=question, exam=exam)


def _course(world: SimpleNamespace) -> Target:
    course = _enablement(world).course
    return Target(f"/enablement/manage/courses/{course.pk}/", "admin", [course], "#course-form", "#save-course")


def _bank(world: SimpleNamespace) -> Target:
    bank = _enablement(world).bank
    return Target(f"/enablement/manage/banks/{bank.pk}/", "admin", [bank], "#bank-form", "#save-bank")


def _question(world: SimpleNamespace) -> Target:
    question = _enablement(world).question
    return Target(f"/enablement/manage/questions/{question.pk}/", "admin", [question], "#question-form",
                  "#save-question")


def _exam(world: SimpleNamespace) -> Target:
    exam = _enablement(world).exam
    return Target(f"/enablement/manage/exams/{exam.pk}/", "admin", [exam], "#exam-form", "#save-exam")


EDIT_FORMS = [
    EditForm("customers:edit", _customer),
    EditForm("leads:edit", _lead, owned=lambda lead: list(lead.offering_lines.all())),
    EditForm("opportunities:edit", _opportunity),
    EditForm("opportunities:quote", _quote, owned=lambda quote: list(quote.lines.order_by("position"))),
    EditForm("opportunities:review", _review, owned=lambda review: list(review.answers.order_by("item__code"))),
    EditForm("campaigns:edit", _campaign),
    EditForm("campaigns:asset-edit", _asset),
    EditForm("opportunities:config-body", _decision_body,
             owned=lambda body: list(body.memberships.order_by("pk"))),
    EditForm("opportunities:config-price-list", _price_list,
             owned=lambda price_list: list(price_list.items.order_by("product__code"))),
    EditForm("opportunities:config-product", _product),
    EditForm("leads:routing-rule", _routing_rule),
    EditForm("customers:territory", _territory),
    EditForm("contracts:site-edit", _site),
    EditForm("contracts:change-edit", _change),
    EditForm("billing:milestone-edit", _milestone),
    EditForm("insight:segment-edit", _segment),
    EditForm("insight:target-list-edit", _target_list),
    EditForm("insight:business-plan-edit", _business_plan),
    EditForm("insight:key-account-edit", _key_account_plan),
    EditForm("insight:report-edit", _insight_report),
    EditForm("insight:innovation-edit", _innovation),
    EditForm("enablement:manage-course", _course, owned=lambda course: list(course.materials.order_by("pk"))),
    EditForm("enablement:manage-bank", _bank, owned=lambda bank: list(bank.questions.order_by("pk"))),
    EditForm("enablement:manage-question", _question, owned=lambda q: list(q.options.order_by("pk"))),
    EditForm("enablement:manage-exam", _exam, owned=lambda exam: list(exam.banks.order_by("pk"))),
]
# Configuration records with no date of their own: the round trip still proves nothing else changed.
UNDATED = {RoutingRule, Territory, Product, Question}

# Routes that are not edit forms of a stored record, and why.
NOT_EDIT_FORMS = {
    "login": "sign-in", "logout": "sign-out", "set_language": "language switch", "javascript-catalog": "script",
    "home": "dashboard", "account": "profile page; its only form creates an API token",
    "notifications": "list", "token-create": "command", "token-revoke": "command",
    "customers:list": "list", "customers:create": "creates (tests/core/test_forms.py guards its fields)",
    "customers:detail": "record page", "customers:contact-create": "adds a contact",
    "insight:index": "list", "insight:requirement-detail": "record page; its forms are commands (analyse, dispose)",
    "insight:segments": "list and SPAN chart", "insight:segment-create": "creates",
    "insight:segment-detail": "record page; its forms add sizing, ratings and scores (tests/insight)",
    "insight:target-lists": "list", "insight:target-list-create": "creates",
    "insight:target-list-detail": "record page; its forms are commands (refresh, leads)",
    "leads:list": "list", "leads:export": "CSV", "leads:bulk": "bulk command", "leads:create": "creates",
    "leads:duplicate-check": "htmx hint", "leads:mine": "list", "leads:review": "list",
    "leads:view-create": "saves a list filter", "leads:view-delete": "command", "leads:import": "upload",
    "leads:import-detail": "column mapping of a new import", "leads:import-progress": "htmx fragment",
    "leads:import-errors": "CSV", "leads:import-resume": "command",
    "customers:export": "CSV/XLSX", "opportunities:export": "CSV/XLSX", "insight:requirement-export": "CSV/XLSX",
    "customers:import": "upload", "customers:import-detail": "column mapping of a new import",
    "customers:import-errors": "CSV", "customers:import-progress": "htmx fragment", "customers:import-resume": "command",
    "opportunities:import": "upload", "opportunities:import-detail": "column mapping of a new import",
    "opportunities:import-errors": "CSV", "opportunities:import-progress": "htmx fragment",
    "opportunities:import-resume": "command",
    "leads:merge-undo": "command", "leads:campaign-outcomes": "report",
    "leads:web-form": "public capture form (creates)", "leads:web-form-thanks": "static page",
    "leads:detail": "record page; its forms add activities, contacts and touches", "leads:activity": "adds",
    "leads:contact": "adds", "leads:touch": "adds", "leads:merge": "merge command", "leads:convert": "conversion wizard",
    "leads:action": "commands (accept, return, assign…)",
    "opportunities:board": "board", "opportunities:list": "list", "opportunities:create": "creates",
    "opportunities:inbox": "list", "opportunities:reports": "report", "opportunities:configuration": "read-only settings",
    "opportunities:detail": "record page; its forms add team members, stakeholders, competitors, risks, activities",
    "opportunities:move": "board drag command", "opportunities:command": "commands (advance, lose, hold…)",
    "opportunities:team-add": "adds", "opportunities:team-end": "command", "opportunities:record-add": "adds",
    "opportunities:record-remove": "command", "opportunities:review-create": "creates",
    "opportunities:review-file": "download", "opportunities:condition": "command",
    "contracts:list": "list", "contracts:export": "CSV/XLSX", "contracts:detail": "record page; its forms add sites, "
    "POs, shipments and certificates", "contracts:handover": "command", "contracts:site-add": "adds",
    "contracts:po-add": "adds", "contracts:shipment-add": "adds", "contracts:certificate-add": "adds",
    "contracts:command": "commands (suspend, resume, fulfil, terminate)", "contracts:review-open": "creates",
    "contracts:file": "download", "contracts:change-add": "adds", "contracts:change-command":
    "commands (submit, approve, reject, withdraw)", "contracts:evaluation": "command (writes the closure evaluation)",
    "opportunities:quote-create": "creates", "opportunities:quote-pdf": "PDF", "opportunities:line-remove": "command",
    "campaigns:list": "list", "campaigns:create": "creates", "campaigns:detail": "record page; its forms are commands",
    "campaigns:command": "commands (submit, approve, cancel…)",
    "campaigns:plan": "report (the year's swim lanes)", "campaigns:budgets": "list", "campaigns:budget-create": "creates",
    "campaigns:budget": "record page; its form allocates (a ledger entry, never edited)",
    "campaigns:budget-allocate": "command", "campaigns:expense-add": "adds (an expense is a ledger movement)",
    "campaigns:expense-evidence": "download", "campaigns:reapprove": "command",
    "campaigns:evaluation-record": "records an evaluation (written once, never edited)",
    "campaigns:assets": "list", "campaigns:asset-create": "creates", "campaigns:asset": "record page; its forms are commands",
    "campaigns:asset-version-upload": "adds a version (written once, never edited)",
    "campaigns:asset-download": "download", "campaigns:asset-command": "commands (submit, publish, retire…)",
    "campaigns:asset-link": "adds a link", "campaigns:asset-unlink": "command",
    "campaigns:lead-quality": "report (lead-quality feedback per campaign and source)",
    "campaigns:nurture": "report (each nurtured customer's journey stage and next stage's campaign)",
    "campaigns:register": "public registration (creates)", "campaigns:registered": "confirmation page",
    "campaigns:unsubscribe": "command (records a consent withdrawal)", "campaigns:responses": "list",
    "campaigns:response-convert": "command", "campaigns:checkin": "command (marks attendance)",
    "campaigns:invite": "creates invitations", "campaigns:import": "upload", "campaigns:import-detail": "import mapping",
    "campaigns:import-resume": "command", "campaigns:import-progress": "progress fragment",
    "campaigns:import-errors": "download",
    "opportunities:config-bodies": "list; its form creates a decision body",
    "opportunities:config-body-member-add": "adds", "opportunities:config-member-end": "command",
    "opportunities:config-matrix": "publishes a new matrix version (published versions are never edited)",
    "opportunities:config-price-lists": "list; its form creates a price list",
    "opportunities:config-products": "list; its form creates a product",
    "leads:routing-rules": "list", "leads:routing-rule-create": "creates", "leads:routing-rule-move": "command",
    "leads:routing-rule-toggle": "command", "customers:territories": "list; its form adds a territory",
    "customers:territory-delete": "command",
    # Billing: an issued invoice is never edited (only reversed by a red-letter credit note), so no edit form.
    "billing:index": "list", "billing:invoices": "list", "billing:invoice-export": "XLSX/CSV of pending requests",
    "billing:platform-import": "upload", "billing:invoice": "record page; its forms are commands (issue, credit, "
    "open a dispute)", "billing:invoice-pdf": "PDF", "billing:invoice-command": "commands",
    "billing:contract": "record page; its form requests an invoice (creates)", "billing:receipts": "list; its form "
    "creates a receipt", "billing:statement-upload": "upload", "billing:receipt": "record page; its forms allocate "
    "and request refunds", "billing:receipt-confirm": "command", "billing:receipt-allocate": "command",
    "billing:receipt-refund": "creates", "billing:refund-decide": "command",
    "billing:disputes": "list", "billing:dispute": "record page; its forms are commands (investigate, propose, "
    "resolve, escalate, decide, close)", "billing:dispute-command": "commands",
    "billing:receivables": "report", "billing:receivables-export": "XLSX",
    "billing:contract-flows": "report", "billing:workbench": "lists", "billing:milestone-add": "creates",
    # Enablement: courses and exams are configured in the admin; the pages take commands (enrol, start, answer).
    "enablement:index": "list", "enablement:course-detail": "record page; its forms are commands (enrol, complete)",
    "enablement:exam-detail": "record page; its form starts an attempt (creates)",
    "enablement:attempt": "the exam being taken: answers are commands of the attempt, then its result",
    "enablement:certificates": "list", "enablement:coverage": "report",
    "enablement:manage": "list of what the author may change", "enablement:manage-course-create": "creates",
    "enablement:manage-bank-create": "creates", "enablement:manage-exam-create": "creates",
    # Partners: recruitment and registrations are commands; a registration is never edited (its facts decide
    # who was first), so no edit form.
    "partners:list": "list (a partner user's: their partner's page)", "partners:create": "creates",
    "partners:detail": "record page; its forms are commands", "partners:command": "commands (onboard, blacklist…)", "partners:certification-create": "create form",
    "partners:certification-command": "commands (grant, renew)",
    "partners:registrations": "list", "partners:registration-create": "creates",
    "partners:registration": "record page; its forms are commands", "partners:registration-command": "commands",
    "partners:offers": "list; its forms are commands", "partners:offer-command": "commands (accept, return)",
    "partners:mdf": "list; its form creates an MDF application", "partners:mdf-detail": "record page; its forms are "
    "commands and the one-time claim", "partners:mdf-command": "commands (approve, reject, execute, reimburse…)",
    "partners:spq": "list; its form creates a special-price request", "partners:spq-command": "commands (approve, reject)",
    "partners:incentives": "list; its forms are commands and the statement download",
    "partners:performance": "report; its form filters (period, tier, category, order)",
    "partners:incentive-statement": "download (PDF, XLSX)", "partners:accrual-command": "commands (pay, evaluate)",
    "insight:backlog": "list and chart", "insight:backlog-export": "CSV/XLSX",
    "insight:requirement-raise": "creates (tests/insight/test_backlog.py saves it in Chinese)",
    "insight:business-plans": "list and chart", "insight:business-plan-create": "creates",
    "insight:key-accounts": "list", "insight:key-account-create": "creates",
    "insight:key-account-detail": "record page; its forms add contacts, links and actions (commands)",
    "insight:reports": "list", "insight:report-create": "creates",
    "insight:centers": "list", "insight:center-home": "read-only queue",
    "insight:innovation": "list", "insight:innovation-create": "creates",
    "insight:innovation-detail": "record page; its forms add milestones, participants, outputs (commands)",
    "insight:report-detail": "record page; its forms are commands (publish, attach)", "insight:report-file": "download",
}


def _routes() -> set[str]:
    """Every named page route of the app (the Django admin and the JSON API have their own tests)."""

    def walk(resolver: URLResolver, namespace: str | None, prefix: str) -> Any:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(("admin/", "api/")):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, pattern.namespace or namespace, route)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or route
                yield f"{namespace}:{name}" if namespace else name

    return set(walk(get_resolver(), None, ""))


def test_every_route_is_classified():
    edit = {entry.route for entry in EDIT_FORMS}
    routes = _routes()
    unclassified = routes - edit - set(NOT_EDIT_FORMS)
    assert not unclassified, (
        f"New routes {sorted(unclassified)}: add an EditForm to EDIT_FORMS if the page edits a stored record, "
        "otherwise list it in NOT_EDIT_FORMS with the reason.")
    assert not (edit | set(NOT_EDIT_FORMS)) - routes, "entries for routes that no longer exist"
    assert not edit & set(NOT_EDIT_FORMS)


# --- the round trip ----------------------------------------------------------------------------------


def _values(record: models.Model) -> dict[str, Any]:
    record = type(record)._default_manager.get(pk=record.pk)
    values = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields if f.attname not in IGNORED}
    for m2m in record._meta.many_to_many:
        values[m2m.name] = sorted(str(pk) for pk in getattr(record, m2m.name).values_list("pk", flat=True))
    return values


def _snapshot(entry: EditForm, target: Target) -> list[dict[str, Any]]:
    rows = []
    for record in target.records:
        fresh = type(record)._default_manager.get(pk=record.pk)
        rows.append(_values(fresh))
        rows.extend(_values(owned) for owned in entry.owned(fresh))
    return rows


@pytest.fixture(scope="module")
def one_tab(browser: Any, live_server: Any) -> Any:
    """One browser tab for every form: a new context per form cost ~2 s of Chromium's CPU (a renderer
    started and every stylesheet and script fetched and compiled again), more than the form itself."""
    context, tab = open_tab(browser, live_server)
    yield tab
    context.close()


@pytest.fixture
def edit_page(one_tab: Any) -> Any:
    """The shared tab, signed out: each form's test signs its own user in (the database is new each time)."""
    one_tab.context.clear_cookies()
    return one_tab


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("entry", EDIT_FORMS, ids=[e.route for e in EDIT_FORMS])
def test_saving_an_edit_form_unchanged_changes_nothing(edit_page, live_server, users, org, lines, deal, entry):  # noqa: F811
    """In each language in turn, on one record and one signed-in browser (the set-up is most of the cost)."""
    page = edit_page
    world = SimpleNamespace(users=users, org=org, lines=lines, deal=deal)
    target = entry.setup(world)
    before = _snapshot(entry, target)
    if type(target.records[0]) not in UNDATED:
        assert any(isinstance(v, dt.date) for row in before for v in row.values()), "give the record a date to keep"

    sign_in(page, live_server.url, target.username)
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "m2c_language", "value": language, "url": live_server.url}])
        page.goto(target.url)
        assert page.locator("html").get_attribute("lang") == language
        form = page.locator(target.form)
        assert form.count() == 1, f"{target.form} not found on {target.url}"
        # What the browser holds is what it will send: an empty date input here means the page lost the date.
        for wire_input in form.locator('input[type="date"], input[type="number"], input[type="time"]').all():
            name = wire_input.get_attribute("name")
            shown = wire_input.evaluate("e => !e.getAttribute('value') || e.value !== ''")
            assert shown, f"{language}: the browser cannot read {name}={wire_input.get_attribute('value')!r}"
            assert wire_input.evaluate("e => e.validity.valid"), f"{language}: {name} is invalid in the browser"
        assert form.evaluate("f => f.checkValidity()"), f"{language}: the browser refuses to submit the form as shown"
        with page.expect_navigation():
            form.locator(target.submit).click()
        refused = page.locator(".is-invalid, .invalid-feedback, .errorlist, .alert-danger, [data-field].text-danger")
        assert refused.count() == 0, (language, page.locator(".invalid-feedback, .errorlist, .alert-danger, [data-field]")
                                      .all_inner_texts())

        after = _snapshot(entry, target)
        assert after == before, language
        if target.records and isinstance(target.records[0], GateReview):
            assert GateReview.objects.get(pk=target.records[0].pk).status == "DRAFT"
