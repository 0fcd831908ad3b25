"""Every web page, walked from the URLconf: an outsider, a partner and a visitor who is not signed in
see nothing of a record that is not theirs.

The routes come from ``django.urls.get_resolver()``, so a new page joins the walk by existing. Each
parameter is filled from a record of the demo data that the visitors must not see (another region's
customer, lead, opportunity, quote…); a parameter the walk cannot fill fails the test, so whoever adds a
route says here where its record comes from. The API is walked from its OpenAPI document on the same data (tests/api/scoping.py).

- not signed in: every page but PUBLIC sends to the login page;
- an AR of a region that owns nothing, and a partner user: a page about a record answers 403 or 404 (or
  sends elsewhere), a page without parameters may answer 200 but shows none of the hidden records' names;
  a route that only takes POST is also posted to, and nothing is written.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from m2c.billing.models import BillingMilestone, Dispute, Invoice, Receipt
from m2c.campaigns.models import (
    Campaign,
    CampaignEvaluation,
    CampaignExpense,
    CampaignResponse,
    MarketingAsset,
    MarketingBudget,
)
from m2c.contracts import services as contract_services
from m2c.contracts.models import AcceptanceCertificate, ChangeRequest, Contract, Site
from m2c.core.models import ApiToken, Event, OrgUnit, Role, User
from m2c.core.models_imports import ImportJob
from m2c.core.services import token_create
from m2c.customers.models import Customer, Territory
from m2c.enablement.models import Attempt, Course, Exam, Question, QuestionBank
from m2c.insight.models import (
    BusinessPlan,
    InnovationProject,
    InsightReport,
    KeyAccountPlan,
    Requirement,
    Segment,
    TargetList,
)
from m2c.insight.services import requirement_create
from m2c.leads import services as lead_services
from m2c.leads.models import Lead, LeadImport, LeadMerge, RoutingRule, SavedView
from m2c.opportunities.models import (
    DecisionBody,
    DecisionBodyMember,
    GateCondition,
    GateReview,
    Opportunity,
    PriceList,
    Product,
    Quote,
    QuoteLine,
    Risk,
    TeamAssignment,
)
from m2c.partners import services as partner_services
from m2c.partners.models import (
    DealRegistration,
    IncentiveAccrual,
    IncentivePolicy,
    LeadOffer,
    MdfApplication,
    Partner,
    PartnerCertification,
    SpecialPriceRequest,
)
from tests import demo_data
from tests.api.scoping import api_walk
from tests.conftest import ApiClient
from tests.factories import OrgUnitFactory, UserFactory

# Pages anyone may open: signing in and out, the language switch, and a campaign's public lead form.
PUBLIC = {"login", "logout", "set_language", "javascript-catalog", "leads:web-form", "leads:web-form-thanks",
          "admin:login", "admin:logout", "campaigns:register", "campaigns:registered", "campaigns:unsubscribe"}
SKIPPED_PREFIXES = ("api/v1/",)  # walked from the OpenAPI document by tests/api/scoping.py


def _routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, list[str], Any]]:
    """(route pattern, name, parameter names, view) of every page in the URLconf."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield prefix + str(entry.pattern), name, list(entry.pattern.converters), entry.callback


def _methods(view: Any) -> frozenset[str] | None:
    """The HTTP methods a view answers other than with 405, read from the view itself: Django's
    ``require_http_methods`` family (``require_POST``…) anywhere in its chain of decorators, or a class-based
    view's handlers; None when it takes any method. (The walk used to learn it by asking the administrator for
    every page, which rendered every record page once more: a third of the walk's CPU.)"""
    allowed: frozenset[str] | None = None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        allowed = frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m))
    while view is not None:
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list") if inspect.isfunction(view) else None
        if methods is not None:
            allowed = frozenset(methods) if allowed is None else allowed & frozenset(methods)
        view = getattr(view, "__wrapped__", None)
    return allowed


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    # The walks' demo organisation, loaded once and copied (tests/demo_data.py): it has a record of every
    # kind the walk fills a parameter from.
    demo_data.load(customers=12)
    hq = OrgUnit.objects.get(code="hq")
    mars = OrgUnitFactory(code="mars", name="火星地区部", name_en="Mars", type=OrgUnit.Type.REGION, parent=hq)
    admin = UserFactory(username="walk-admin", roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True)
    outsider = UserFactory(username="ar.mars", roles=[Role.AR], org_unit=mars)
    partner = UserFactory(username="partner.walk", roles=[Role.PARTNER])
    # Records the demo has none of, made the way users make them.
    owner = Lead.objects.exclude(owner=None).select_related("owner").first().owner
    token_create(user=admin, name="walk")
    lead_services.saved_view_create(actor=owner, name="私人视图", query="status=new")
    LeadImport.objects.create(file_name="线索导入.csv", created_by=owner)
    customer = Customer.objects.order_by("pk").first()
    requirement_create(actor=owner, title="园区网需要支持 Wi-Fi 7", description="客户提出的产品需求", source_type="insight",
                       customer=customer, org_unit=customer.org_unit)
    ImportJob.objects.create(kind=ImportJob.Kind.CUSTOMERS, file_name="客户导入.csv", created_by=owner)
    if not AcceptanceCertificate.objects.exclude(evidence="").exists():
        _accept_a_site(owner)
    if not ChangeRequest.objects.exists():  # a drafted new site on the contract in execution
        contract = Contract.objects.filter(status="IN_EXECUTION").order_by("number").first()
        contract_services.change_request(contract=contract, actor=None, kind="SCOPE", reason="客户新增图书馆站点",
                                         lines=[{"description": "图书馆无线覆盖", "site": "图书馆 Library",
                                                 "quantity": "100", "unit_price": "1000", "unit_cost": "700"}])
    if not Dispute.objects.exists():  # the small demo issues few invoices: contest a tenth of one
        from m2c.billing import services as billing_services

        invoice = Invoice.objects.filter(status__in=["ISSUED", "PARTIALLY_PAID"]).order_by("pk").first()
        if invoice is None:
            draft = Invoice.objects.filter(status="DRAFT").order_by("pk").first() or billing_services.invoice_request(
                contract=Contract.objects.order_by("number").first(), actor=None)
            invoice = billing_services.invoice_issue(invoice=draft, actor=None, official_number="26319999000000000001",
                                                     issued_on=timezone.localdate())
        billing_services.dispute_open(invoice=invoice, actor=None, category="QUALITY", reason="到货破损",
                                      amount_=(invoice.open_amount / 10).quantize(Decimal("0.01")))
    own = _partner_a(partner, owner)
    _channel_of_b()
    clients = {}
    for key, user in (("admin", admin), ("outsider", outsider), ("partner", partner)):
        clients[key] = Client()
        clients[key].force_login(user)
    clients["anonymous"] = Client()
    secrets = [c.legal_name for c in Customer.objects.all()] + [o.name for o in Opportunity.objects.all()]
    secrets += [lead.title for lead in Lead.objects.exclude(title="")]
    secrets += [c.number for c in Contract.objects.all()]
    secrets += [s.name for s in Segment.objects.all()] + [t.name for t in TargetList.objects.all()]
    # Partner B's records (the demo's partners): the walk's partner user works for partner A and sees none.
    others = DealRegistration.objects.exclude(partner__code=WALK_PARTNER)
    secrets += [p.legal_name for p in Partner.objects.exclude(code=WALK_PARTNER)]
    secrets += [r.number for r in others] + [r.customer_name for r in others]
    secrets += [a.activity for a in MdfApplication.objects.all()] + [a.number for a in MdfApplication.objects.all()]
    secrets += [a.number for a in IncentiveAccrual.objects.all()] + [s.number for s in SpecialPriceRequest.objects.all()]
    secrets = [s for s in secrets if s not in own["names"]]
    return {"clients": clients, "secrets": [s for s in secrets if len(s) >= 4], "owner": owner, "own": own}


WALK_PARTNER = "walk-a"


def _partner_a(user: Any, owner: Any) -> dict[str, Any]:
    """Partner A of the walk's partner user, with a registration of its own customer, submitted before the
    demo partners' (so the API walk's samples are partner B's); partner B's lead offer."""
    cm = UserFactory(username="cm.walk", roles=[Role.CHANNEL_MANAGER])
    a = partner_services.partner_create(actor=cm, code=WALK_PARTNER, legal_name="甲方伙伴科技有限公司")
    partner_services.staff_add(actor=cm, partner=a, name="甲方门户用户", user=user)
    partner_services.partner_onboard(partner=a, actor=cm)
    partner_services.partner_activate(partner=a, actor=cm)
    b = Partner.objects.exclude(code=WALK_PARTNER).filter(status="ACTIVE", certifications__status="ACTIVE",
                                                           certifications__product_category="Campus Network").first()
    lead = Lead.objects.filter(offering_lines__product_category="Campus Network").order_by("pk").first()
    if not LeadOffer.objects.exists():
        partner_services.offer_make(actor=None, lead=lead, partner=b)
    registration = DealRegistration.objects.create(
        number="DRWALK0001", partner=a, customer_name="甲方自有客户有限公司", project_name="甲方自有项目",
        offering_line=lead.offering_lines.first(), budget=Decimal("1000"), currency="CNY", decision_chain="甲方",
        implementation_date=timezone.localdate(), submitted_at=timezone.now() - timezone.timedelta(days=400),
        status="REJECTED", rejection="not_certified")
    ids = {str(a.pk), str(registration.pk), str(registration.offering_line_id)}  # its line: reference data
    ids |= {str(pk) for pk in a.staff.values_list("pk", flat=True)}
    return {"ids": ids, "names": {a.legal_name, registration.customer_name, registration.number}}


def _channel_of_b() -> None:
    """Partner B's MDF application (the demo's), special-price request and incentive accrual."""
    b = Partner.objects.exclude(code=WALK_PARTNER).filter(registrations__status="APPROVED").first()
    registration = b.registrations.filter(status="APPROVED").first()
    if not SpecialPriceRequest.objects.exists():  # the small demo has no quote on a registered deal
        quote = Quote.objects.order_by("pk").first()
        SpecialPriceRequest.objects.create(number="SPQWALK0001", registration=registration, base_quote=quote,
                                           quote=quote, requested=[{"position": 1, "discount_pct": "10"}],
                                           justification="乙方特价理由")
    if not IncentiveAccrual.objects.exists():
        cm = User.objects.get(username="cm.walk")
        policy = IncentivePolicy.objects.first() or partner_services.policy_create(
            actor=cm, code="walk-rebate", name="乙方返利", kind="SALES_REBATE", product_category="Campus Network",
            rate_pct="2", period_start=timezone.localdate(), period_end=timezone.localdate())
        partner_services.accrual_record(actor=cm, policy=policy, partner=b, contract=Contract.objects.order_by("number")
                                        .first(), base="1000000")
    assert MdfApplication.objects.exclude(partner__code=WALK_PARTNER).exists()


def _accept_a_site(actor: Any) -> None:
    """The small demo signs one contract and leaves it at its handover: deliver a site and accept it."""
    contract = Contract.objects.order_by("number").first()
    pm = User.objects.filter(groups__name=Role.FR).order_by("username").first() or contract.owner
    contract_services.contract_handover(contract=contract, actor=None, pm=pm, handover_on=contract.signed_on,
                                        baseline_plan="到货 → 安装 → 调测 → 初验 → 终验")
    site = contract.sites.order_by("position").first()
    today = timezone.localdate()
    contract_services.shipment_record(contract=contract, actor=None, site=site.pk, description="一期设备到货",
                                      shipped_on=today, delivered_on=today)
    contract_services.certificate_record(
        contract=contract, actor=None, type="PAC", sites=[site.pk], signed_on=today, signatory="客户信息中心主任",
        scope_note="初验", upload=SimpleUploadedFile("PAC.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))


def _first(queryset: Any) -> Any:
    record = queryset.order_by("pk").first()
    assert record is not None, f"the demo data has no {queryset.model.__name__}: make one in the world fixture"
    return record


# Where each URL parameter's value comes from: a record the visitors must not see.
FILL: dict[str, Callable[[], Any]] = {
    "customer_id": lambda: _first(Customer.objects).pk,
    "requirement_id": lambda: _first(Requirement.objects).pk,
    "segment_id": lambda: _first(Segment.objects).pk,
    "target_list_id": lambda: _first(TargetList.objects).pk,
    "view_id": lambda: _first(SavedView.objects).pk,
    "import_id": lambda: _first(LeadImport.objects).pk,
    "job_id": lambda: _first(ImportJob.objects).pk,
    "merge_id": lambda: _first(LeadMerge.objects).pk,
    "code": lambda: _first(Campaign.objects).code,
    "campaign_id": lambda: _first(Campaign.objects).pk,
    "budget_id": lambda: _first(MarketingBudget.objects).pk,
    "expense_id": lambda: _first(CampaignExpense.objects).pk,
    "evaluation_id": lambda: _first(CampaignEvaluation.objects).pk,
    "asset_id": lambda: _first(MarketingAsset.objects.exclude(current_version=0)).pk,
    "number": lambda: 1,
    "response_id": lambda: _first(CampaignResponse.objects).pk,
    # A registration's confirmation and an unsubscribe link are signed: an unsigned one opens nothing.
    "token": lambda: "walk",
    "lead_id": lambda: _first(Lead.objects).pk,
    "action": lambda: "accept",
    "opportunity_id": lambda: _first(Opportunity.objects).pk,
    "command": lambda: "advance",
    "assignment_id": lambda: _first(TeamAssignment.objects).pk,
    "kind": lambda: "risk",
    "record_id": lambda: _first(Risk.objects).pk,
    "gate": lambda: "ati",
    "review_id": lambda: _first(GateReview.objects).pk,
    "condition_id": lambda: _first(GateCondition.objects).pk,
    "quote_id": lambda: _first(Quote.objects).pk,
    "line_id": lambda: _first(QuoteLine.objects).pk,
    "token_id": lambda: _first(ApiToken.objects).pk,
    # Configuration (administrators only): decision bodies, price lists, routing rules, territories.
    "body_id": lambda: _first(DecisionBody.objects).pk,
    "membership_id": lambda: _first(DecisionBodyMember.objects).pk,
    "price_list_id": lambda: _first(PriceList.objects).pk,
    "product_id": lambda: _first(Product.objects).pk,
    "rule_id": lambda: _first(RoutingRule.objects).pk,
    "direction": lambda: "down",
    "territory_id": lambda: _first(Territory.objects).pk,
    "contract_id": lambda: _first(Contract.objects).pk,
    "invoice_id": lambda: _first(Invoice.objects).pk,
    "receipt_id": lambda: _first(Receipt.objects).pk,
    "dispute_id": lambda: _first(Dispute.objects).pk,
    "milestone_id": lambda: _first(BillingMilestone.objects).pk,
    # No demo receipt has a refund yet; the receipt in the same URL is what the walk must be refused.
    "refund_id": lambda: "00000000-0000-4000-8000-000000000001",
    "site_id": lambda: _first(Site.objects).pk,
    "change_id": lambda: _first(ChangeRequest.objects).pk,
    "file_kind": lambda: "certificate",
    "file_id": lambda: _first(AcceptanceCertificate.objects.exclude(evidence="")).pk,
    # Enablement: a course and an exam offered to the East region only (the demo's expert workshop), and an
    # attempt, which only its candidate and the enablement managers above them see.
    "course_id": lambda: _first(Course.objects.filter(org_unit__code="east")).pk,
    "exam_id": lambda: _first(Exam.objects.filter(org_unit__code="east")).pk,
    "attempt_id": lambda: _first(Attempt.objects).pk,
    # Authoring pages answer 403 to anyone who is not an enablement manager, before reading the record.
    "bank_id": lambda: _first(QuestionBank.objects).pk,
    "question_id": lambda: _first(Question.objects).pk,
    # Partners: partner B's (the demo's) records; the walk's partner user works for partner A.
    "partner_id": lambda: _first(Partner.objects.exclude(code=WALK_PARTNER)).pk,
    "registration_id": lambda: _first(DealRegistration.objects.exclude(partner__code=WALK_PARTNER)).pk,
    "certification_id": lambda: _first(PartnerCertification.objects.exclude(partner__code=WALK_PARTNER)).pk,
    "offer_id": lambda: _first(LeadOffer.objects.exclude(partner__code=WALK_PARTNER)).pk,
    "mdf_id": lambda: _first(MdfApplication.objects.exclude(partner__code=WALK_PARTNER)).pk,
    "spq_id": lambda: _first(SpecialPriceRequest.objects.exclude(registration__partner__code=WALK_PARTNER)).pk,
    "accrual_id": lambda: _first(IncentiveAccrual.objects.exclude(partner__code=WALK_PARTNER)).pk,
    "business_plan_id": lambda: _first(BusinessPlan.objects).pk,
    "account_plan_id": lambda: _first(KeyAccountPlan.objects).pk,
    "report_id": lambda: _first(InsightReport.objects).pk,
    "innovation_id": lambda: _first(InnovationProject.objects).pk,
    "center_id": lambda: _first(OrgUnit.objects.filter(type="strategy_center", parent__code="east")).pk,
    # The report in the same URL is what the walk must be refused.
    "attachment_id": lambda: "00000000-0000-4000-8000-000000000002",
    # The admin site refuses every non-staff visitor before it reads an object.
    "object_id": lambda: "1",
    "content_type_id": lambda: "1",
    "id": lambda: "1",
}


def _url(route: str, params: list[str]) -> str:
    url = "/" + route
    for name in params:
        assert name in FILL, f"the outsider walk cannot fill <{name}> in /{route}: add it to FILL"
        start = url.index("<")
        url = url[:start] + str(FILL[name]()) + url[url.index(">", start) + 1:]
    return url


def _leaks(response: Any, secrets: list[str], who: str, url: str) -> list[str]:
    text = response.content.decode("utf-8", "replace") if not response.streaming else ""
    leaked = [s for s in secrets if s in text]
    return [f"{who} sees {leaked[:3]} on {url}"] if leaked else []


def test_every_page_and_api_route_refuses_outsiders_partners_and_anonymous_visitors(world):
    clients, secrets = world["clients"], world["secrets"]
    problems: list[str] = []
    visited = 0
    post_only_routes = 0
    for route, name, params, view in _routes():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        url = _url(route, params)
        visited += 1
        anonymous = clients["anonymous"].get(url)
        if name not in PUBLIC:
            login = "/admin/login/" if route.startswith("admin/") else "/login/"
            if not (anonymous.status_code == 302 and anonymous["Location"].startswith(login)):
                problems.append(f"anonymous got {anonymous.status_code} from {url}")
        methods = _methods(view)
        post_only = methods is not None and "GET" not in methods and "POST" in methods
        post_only_routes += post_only
        for who in ("outsider", "partner"):
            response = clients[who].get(url)
            problems += _leaks(response, secrets, who, url)
            if name in PUBLIC:
                continue
            if route.startswith("admin/"):
                if not (response.status_code == 302 and response["Location"].startswith("/admin/login/")):
                    problems.append(f"{who} got {response.status_code} from {url}")
                continue
            if not params:
                if response.status_code not in (200, 302, 403, 404, 405):
                    problems.append(f"{who} got {response.status_code} from {url}")
                continue
            allowed = (302, 403, 404, 405) if post_only else (302, 403, 404)
            if response.status_code not in allowed:
                problems.append(f"{who} got {response.status_code} from {url}")
            elif response.status_code == 302 and response["Location"].split("?")[0] == url:
                problems.append(f"{who} was sent to the record itself from {url}")
            if post_only:
                before = Event.objects.count()
                posted = clients[who].post(url, {"reason": "walk", "name": "walk"})
                if posted.status_code not in (302, 403, 404):
                    problems.append(f"{who} posted {url}: {posted.status_code}")
                if Event.objects.count() != before:
                    problems.append(f"{who} changed something by posting {url}")
                problems += _leaks(posted, secrets, who, url)
    assert problems == []
    assert visited >= 60, visited
    assert post_only_routes >= 40, post_only_routes  # the views' methods were read, so the posts were made
    # The partner user is not blind: their own partner's registration is there, partner B's are not.
    assert "DRWALK0001" in clients["partner"].get("/partners/registrations/").content.decode()
    # The API on the same demo data: every list empty and every detail hidden for them (tests/api/scoping.py).
    users = {"admin": "walk-admin", "outsider": "ar.mars", "partner": "partner.walk"}
    api_walk({who: ApiClient(User.objects.get(username=name)) for who, name in users.items()},
             own={"partner": world["own"]["ids"]})


def test_the_walk_fails_on_a_route_it_cannot_fill():
    with pytest.raises(AssertionError, match="cannot fill <tenant_id>"):
        _url("tenants/<uuid:tenant_id>/", ["tenant_id"])


def test_the_walk_reads_the_methods_a_view_takes():
    from django.contrib.auth.decorators import login_required
    from django.views import View
    from django.views.decorators.http import require_GET, require_http_methods, require_POST

    def page(request: Any) -> None: ...

    class Form(View):
        def get(self, request: Any) -> None: ...

        def post(self, request: Any) -> None: ...

    assert _methods(page) is None
    assert _methods(login_required(require_POST(page))) == {"POST"}
    assert _methods(require_http_methods(["GET", "POST"])(login_required(page))) == {"GET", "POST"}
    assert _methods(require_GET(page)) == {"GET"}
    assert _methods(Form.as_view()) == {"GET", "POST", "OPTIONS"}
