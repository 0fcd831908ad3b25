"""Registration, QR check-in, responses → leads within 2 working days, overdue listing, journey stage
(issue 11 items 3–5)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from m2c.campaigns import selectors_responses as reads
from m2c.campaigns import services
from m2c.campaigns.models import CampaignResponse, Consent, CustomerJourney, Registration
from m2c.campaigns.services.registrations import check_in, registration_create
from m2c.campaigns.services.responses import convert_due
from m2c.core.calendar import working_days_between
from m2c.core.errors import Conflict, NotFound, PermissionDenied
from m2c.core.models import CalendarDay
from m2c.leads.models import CampaignTouch, Lead
from tests.factories import ContactFactory, CustomerFactory
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _register(campaign, **extra):
    data = {"name": "王芳", "company": "申江大学", "email": "wang.fang@shenjiang.edu.cn", "phone": "13800138000",
            "title": "信息中心主任", "consent": True, **extra}
    return registration_create(campaign=campaign, data=data, language="zh-hans", evidence="test form")


def test_registration_records_consent_converts_to_a_lead_and_mails_the_qr_code(event, org):
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    registration = _register(event, marketing_email=True)
    assert len(registration.code) >= 16 and registration.status == "REGISTERED"
    consents = {(c.subject_kind, c.purpose, c.granted, c.source) for c in Consent.objects.all()}
    assert consents == {("email", "event", True, "form"), ("phone", "event", True, "form"),
                        ("email", "marketing_email", True, "form")}
    response = CampaignResponse.objects.get()
    assert (response.type, response.source, response.status, response.customer) == (
        "registration", "form", "CONVERTED", customer)
    lead = Lead.objects.get(pk=response.lead_id)
    assert lead.source_campaign == event and lead.customer == customer and lead.channel == "web_form"
    touch = CampaignTouch.objects.get(lead=lead)
    assert (touch.campaign, touch.customer, touch.kind) == (event, customer, "registered")
    assert services.campaign_emails_send() == 1
    sent = mail.outbox[0]
    assert sent.to == ["wang.fang@shenjiang.edu.cn"] and registration.code in sent.body and "报名" in sent.subject
    html, kind = sent.alternatives[0]
    assert kind == "text/html" and 'src="cid:qr"' in html
    assert any(getattr(a, "get_content_type", lambda: "")() == "image/png" for a in sent.attachments)


def test_registration_without_consent_stores_nothing(event):
    with pytest.raises(Exception) as caught:
        _register(event, consent=False)
    assert caught.value.errors[0]["field"] == "consent"
    assert not Registration.objects.exists() and not Consent.objects.exists() and not CampaignResponse.objects.exists()


def test_check_in_is_idempotent_and_refuses_another_campaigns_code(event, users):
    registration = _register(event)
    first, new = check_in(campaign=event, code=registration.code, actor=users.marketing)
    assert new and first.status == "ATTENDED" and first.checked_in_by == users.marketing
    at = first.checked_in_at
    again, new_again = check_in(campaign=event, code=f"  {registration.code} ", actor=users.marketing)
    assert not new_again and again.checked_in_at == at
    assert check_in(campaign=event, code=registration.code.lower(), actor=users.marketing)[1] is False  # typed by hand
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{16}", registration.code)  # no 0/O or 1/I/L to misread
    attendance = CampaignResponse.objects.filter(type="attendance")
    assert attendance.count() == 1  # the second scan adds nothing
    registration_lead = CampaignResponse.objects.get(type="registration").lead_id
    assert attendance.get().lead_id == registration_lead  # the same person: merged into the open lead
    assert CampaignTouch.objects.filter(lead_id=registration_lead, kind="attended").count() == 1
    other = CampaignFactory(code="north-dc-forum", name="华北数据中心论坛")
    with pytest.raises(Conflict, match="华东园区网络研讨会"):
        check_in(campaign=other, code=registration.code, actor=users.marketing)
    with pytest.raises(NotFound):
        check_in(campaign=event, code="no-such-code", actor=users.marketing)
    with pytest.raises(PermissionDenied):
        check_in(campaign=event, code=registration.code, actor=users.ar)


def test_the_check_in_page_says_already_checked_in_at_hh_mm_in_chinese(event, users):
    registration = _register(event)
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    url = f"/campaigns/{event.pk}/checkin/"
    assert client.get(url).status_code == 200
    first = client.post(url, {"code": registration.code}).content.decode()
    assert "签到成功" in first and "王芳" in first
    second = client.post(url, {"code": registration.code}).content.decode()
    hhmm = timezone.localtime(Registration.objects.get().checked_in_at).strftime("%H:%M")
    assert f"已于 {hhmm} 签到" in second
    other = CampaignFactory(code="north-dc-forum", name="华北数据中心论坛")
    refused = client.post(f"/campaigns/{other.pk}/checkin/", {"code": registration.code})
    assert refused.status_code == 409 and "另一个营销活动" in refused.content.decode()
    client.force_login(users.ar)
    assert client.get(url).status_code == 403


@pytest.fixture
def fresh_limits():
    """The rate limits live in the shared cache: start from none and leave none for the next test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_public_registration_page_csrf_qr_and_rate_limit(event, fresh_limits):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    form = client.get("/campaigns/r/east-campus-seminar/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    data = {"name": "Li Lei", "company": "Example Ltd", "email": "li@example.com", "consent": "on",
            "csrfmiddlewaretoken": token}
    assert client.post("/campaigns/r/east-campus-seminar/", {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
                       ).status_code == 403  # no CSRF token
    done = client.post("/campaigns/r/east-campus-seminar/", data, follow=True)
    page = done.content.decode()
    registration = Registration.objects.get()
    assert 'id="qr"' in page and "data:image/svg+xml" in page and registration.code in page
    missing = client.post("/campaigns/r/east-campus-seminar/", {**data, "consent": ""})
    assert missing.status_code == 422 and Registration.objects.count() == 1
    for _ in range(10):
        client.post("/campaigns/r/east-campus-seminar/", {**data, "consent": ""})
    assert client.post("/campaigns/r/east-campus-seminar/", data).status_code == 429
    assert Client().get("/campaigns/r/no-such-campaign/").status_code == 404


def test_conversion_window_is_two_working_days_and_overdue_ones_are_listed(event, users):
    friday = timezone.make_aware(dt.datetime(2026, 3, 6, 15, 0))
    assert convert_due(friday) == timezone.make_aware(dt.datetime(2026, 3, 10, 15, 0))  # Tuesday 15:00
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), kind=CalendarDay.Kind.HOLIDAY)
    assert convert_due(friday).date() == dt.date(2026, 3, 11)  # a holiday Monday moves it to Wednesday
    now = timezone.now()
    fresh = services.response_create(campaign=event, type="booth_visit", source="api", responded_at=now,
                                     data={"name": "赵强", "company": "东海医院", "phone": "13900139000"})
    assert working_days_between(now, fresh.convert_due_at) == 2
    old = services.response_create(campaign=event, type="download", source="api",
                                   responded_at=now - dt.timedelta(days=10),
                                   data={"name": "匿名下载者", "email": "not-an-address@@example"})
    # The sweep converts what it can within the window; one the lead rules refuse stays, with the reason.
    assert services.responses_convert_pending() == 1
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert fresh.status == "CONVERTED" and fresh.converted_at <= fresh.convert_due_at and fresh.lead_id
    assert Lead.objects.get(pk=fresh.lead_id).source_campaign == event
    assert old.status == "PENDING" and old.lead_id is None and "mail" in old.convert_error.lower()
    overdue = list(reads.response_list(overdue=True))
    assert overdue == [old]
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get("/campaigns/responses/?overdue=1").content.decode()
    assert "逾期未转化的响应" in page and "匿名下载者" in page and "赵强" not in page
    with pytest.raises(Conflict):
        services.response_convert(response=fresh, actor=users.marketing)


def test_the_journey_stage_advances_with_responses_and_never_goes_back(org, users):
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    ContactFactory(customer=customer, name="王芳", email="wang.fang@shenjiang.edu.cn")
    stages = {}
    for stage in ("awareness", "interest", "evaluation", "decision"):
        stages[stage] = CampaignFactory(code=f"c-{stage}", name=f"活动 {stage}", journey_stage=stage)

    def respond(stage, kind="attendance"):
        services.response_create(campaign=stages[stage], type=kind, source="api",
                                 data={"name": "王芳", "company": "申江大学", "email": "wang.fang@shenjiang.edu.cn"})
        return reads.customer_journey_stage(customer.pk)

    assert respond("awareness") == "awareness"
    assert respond("interest", "download") == "interest"
    assert respond("awareness", "callback_request") == "evaluation"  # asks for sales: at least evaluation
    assert respond("interest") == "evaluation"  # never back
    assert respond("decision", "booth_visit") == "decision"
    assert CustomerJourney.objects.get().stage == "decision"
    from m2c.core.models import Event

    moves = Event.objects.filter(event_type="campaigns.journey.advanced").order_by("occurred_at", "id")
    assert [(e.from_state, e.to_state) for e in moves] == [
        ("", "awareness"), ("awareness", "interest"), ("interest", "evaluation"), ("evaluation", "decision")]


def test_the_campaign_page_shows_the_response_funnel(event, users):
    _register(event)
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/campaigns/{event.pk}/").content.decode()
    assert 'id="responses-panel"' in page and "chart-response-funnel" in page and "响应漏斗" in page
    funnel = reads.response_funnel(campaign=event)
    assert (funnel["responses"], funnel["leads"]) == (1, 1)
