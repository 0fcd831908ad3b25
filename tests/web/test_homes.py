"""Role-aware homes and menus, and the localised error pages."""

from __future__ import annotations

import json
import re

from django.utils import timezone

from m2c.core.models import Role
from m2c.opportunities.models import Opportunity
from tests.factories import CustomerFactory, UserFactory
from tests.leads.factories import CampaignFactory
from tests.opportunities.factories import opportunity

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def menu(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([\w-]+)"', html))


def home(client, user, **extra) -> str:
    client.force_login(user)
    response = client.get("/", **extra)
    assert response.status_code == 200
    return response.content.decode()


def charts(html: str) -> dict:
    found = re.search(r'<script id="home-charts" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else {}


def test_each_role_sees_only_the_menu_items_it_can_use(client, users):
    partner = menu(home(client, users.partner))
    assert {"home", "leads", "opportunities"} <= partner
    assert not partner & {"customers", "leads-review", "leads-import", "insight", "opportunities-reports",
                          "opportunities-inbox", "opportunities-configuration", "billing"}
    marketing = menu(home(client, users.marketing))
    assert {"campaigns", "leads-review", "leads-import", "leads-mine", "customers"} <= marketing
    assert not marketing & {"opportunities-inbox", "billing", "opportunities-configuration"}
    ar = menu(home(client, users.ar))
    assert {"leads-mine", "opportunities-inbox", "billing", "customers"} <= ar
    assert not ar & {"leads-review", "leads-import", "campaigns"}
    finance = menu(home(client, users.finance))
    assert "billing" in finance and "leads-mine" not in finance
    admin = menu(home(client, users.admin))
    assert {"leads-review", "leads-import", "opportunities-configuration", "campaigns", "billing"} <= admin


def test_the_menu_marks_the_page_being_shown(client, users):
    client.force_login(users.marketing)
    html = client.get("/leads/review/").content.decode()
    assert re.search(r'class="nav-link text-white m2c-nav-child active" data-nav="leads-review"', html)
    assert 'data-nav="leads" aria-current' not in html


def test_marketing_home_shows_campaigns_responses_and_lead_quality(client, users, org):
    CampaignFactory(code="roadshow", name="智慧园区巡展", org_unit=org.east, target_valid_leads=40,
                    end_date=timezone.localdate())
    html = home(client, users.marketing, **ZH)
    assert 'id="home-marketing"' in html and "智慧园区巡展" in html and "线索质量" in html
    assert 'id="home-finance"' not in html and 'id="home-decision"' not in html and 'id="kpi-approvals"' not in html
    quality = charts(html)["chart-lead-quality"]
    assert quality["kind"] == "donut" and [d["name"] for d in quality["data"]][0] == "有效"


def test_ar_home_shows_leads_deals_by_stage_and_gates(client, users, org, lines):
    opportunity(owner=users.ar, lines=[lines.campus], amount="2800000", name="申江大学园区网")
    html = home(client, users.ar, **ZH)
    assert 'id="home-account"' in html and "您的机会点的决策评审" in html
    assert 'id="kpi-my-deals">1<' in html and 'id="home-marketing"' not in html
    deals = charts(html)["chart-my-deals"]
    assert deals["series"][0]["data"][0] == "2800000.00" and deals["counts"][0] == 1
    assert deals["labels"][0].startswith("O1")


def test_finance_home_shows_won_deals_to_invoice_by_month(client, users, org, lines):
    deal = opportunity(owner=users.ar, lines=[lines.campus], amount="1200000", name="华信燃气数据中心")
    Opportunity.objects.filter(pk=deal.pk).update(stage="WON", closed_at=timezone.now())
    html = home(client, users.finance, **ZH)
    assert 'id="home-finance"' in html and "华信燃气数据中心" in html and 'id="home-account"' not in html
    invoicing = charts(html)["chart-invoicing"]
    this_month = timezone.localdate().strftime("%Y-%m")
    won = dict(zip(invoicing["labels"], invoicing["series"][0]["data"], strict=True))
    assert won[this_month] == "1200000.00"
    # Amounts as a Chinese reader counts them, with the currency (core.formatting), not a bare float.
    assert '<td class="text-end text-nowrap">120万 CNY</td>' in html
    assert '<td class="text-end text-nowrap">1.2M CNY</td>' in home(client, users.finance)


def test_decision_team_home_lists_its_reviews(client, users, org):
    member = UserFactory(username="sdt.x", roles=[Role.DECISION_TEAM], org_unit=org.east)
    html = home(client, member, **ZH)
    assert 'id="home-decision"' in html and "没有等待您决策的事项" in html
    assert 'id="kpi-approvals">0<' in html


def test_partner_home_shows_its_own_submissions_and_no_customer_base(client, users, org):
    CustomerFactory(org_unit=org.east)
    html = home(client, users.partner, **ZH)
    assert 'id="home-partner"' in html and 'id="home-customers"' not in html and 'id="kpi-customers"' not in html


def test_executive_home_has_the_pipeline_funnel(client, users, org, lines):
    opportunity(owner=users.ar, lines=[lines.campus], amount="500000")
    html = home(client, users.executive)
    funnel = charts(html)["chart-pipeline"]
    assert funnel["kind"] == "funnel" and funnel["data"][0]["value"] == "500000.00"
    assert "echarts.min.js" in html and "home.js" in html


def test_not_found_is_a_localised_page_inside_the_layout(client, users):
    client.force_login(users.ar)
    response = client.get("/customers/00000000-0000-0000-0000-000000000000/", **ZH)
    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="error-page" data-status="404"' in html and "没有这个页面或记录" in html
    assert 'data-nav="home"' in html  # inside the app's layout, with the menu
    assert "No Customer matches" not in html


def test_no_access_is_distinct_from_not_found(client, users):
    client.force_login(users.partner)
    response = client.get("/opportunities/reports/", **ZH)
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in html and "无权访问" in html and "合作伙伴用户无权查看管道报表" in html
    assert "没有这个页面或记录" not in html


def test_a_refusal_from_a_service_is_the_no_access_page_not_a_500(client, users, rf):
    from m2c.core.errors import PermissionDenied
    from m2c.web.middleware import DomainErrorPages

    request = rf.get("/somewhere/", **ZH)
    request.user = users.marketing
    request.session = client.session
    from django.utils import translation

    with translation.override("zh-hans"):
        response = DomainErrorPages(lambda r: None).process_exception(request, PermissionDenied("只有财务可以修改信用额度。"))
    assert response.status_code == 403
    assert "只有财务可以修改信用额度。" in response.content.decode()
    api = rf.get("/api/v1/leads")
    assert DomainErrorPages(lambda r: None).process_exception(api, PermissionDenied("x")) is None


def test_the_server_error_page_renders_without_a_request(settings):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'data-status="500"' in html and "Something went wrong on our side" in html
