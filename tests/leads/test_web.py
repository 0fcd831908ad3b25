"""Lead pages, the public campaign form, and the periodic jobs."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from m2c.core import periodic
from m2c.core.errors import InvalidTransition
from m2c.leads import services
from m2c.leads import tasks as lead_tasks  # noqa: F401 - registers the periodic jobs
from m2c.leads.models import Lead, LeadMerge, SavedView
from m2c.leads.states import LEAD_MACHINE, TERMINAL, LeadStatus, check_path

pytestmark = pytest.mark.django_db

HOT = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True, "industry": "education"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_declared_transition_and_no_other(db):
    states = set(LeadStatus.values)
    declared = {(s, row.target) for row in LEAD_MACHINE.transitions for s in row.source}
    for source in states:
        for target in states:
            assert (LEAD_MACHINE.find(source, target) is not None) == ((source, target) in declared)
    assert TERMINAL == {"DUPLICATE", "INVALID", "CONVERTED", "DISQUALIFIED"}
    assert check_path(["NEW", "VALIDATING", "QUALIFIED", "ASSIGNED"])
    with pytest.raises(InvalidTransition):
        check_path(["NEW", "QUALIFIED"])


def test_list_page_with_filters_saved_views_and_htmx(users, capture, roadshow):
    capture(customer_name="申江大学", contact_phone="13800138000", region="east", source_campaign=roadshow.code, **HOT)
    capture(customer_name="冷门公司", contact_phone="13900139000", region="east")
    client = _client(users.marketing)
    page = client.get("/leads/").content.decode()
    assert "申江大学" in page and "冷门公司" in page and 'id="saved-views"' in page
    partial = client.get("/leads/", {"temperature": "cold"}, HTTP_HX_REQUEST="true").content.decode()
    assert "冷门公司" in partial and "申江大学" not in partial and "<html" not in partial
    client.post("/leads/views/", {"name": "冷线索", "query": "temperature=cold", "shared": "on"})
    assert SavedView.objects.get().query == "temperature=cold"
    assert "冷线索" in _client(users.ar).get("/leads/").content.decode()


def test_the_lead_page_shows_breakdown_duplicates_and_timeline(users, capture):
    lead = capture(customer_name="上海华信燃气有限公司", contact_phone="13800138000", region="east", **HOT)
    capture(customer_name="杭州华信燃气有限公司", contact_phone="13900139000", region="east")
    page = _client(users.marketing).get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="score-breakdown"' in page and "Budget or funding known" in page
    assert 'id="duplicate-panel"' in page and "same core name, other place" in page
    assert "Lead captured" in page and "New → Validating → Qualified → Assigned" in page


def test_manual_entry_shows_likely_duplicates_while_typing(users, capture):
    capture(customer_name="申江大学", contact_phone="13800138000", region="east")
    client = _client(users.marketing)
    hint = client.get("/leads/new/duplicates/", {"customer_name": "申江大学（上海）"}).content.decode()
    assert "Possible duplicates" in hint and "申江大学" in hint and "same core name" in hint
    assert "No likely duplicates" in client.get("/leads/new/duplicates/", {"customer_name": "完全不同"}).content.decode()
    response = client.post("/leads/new/", {"customer_name": "新客户大学", "contact_phone": "13700137000", "offering_lines": ["campus"],
                                           "contact_role": "unknown", "source_type": "field", "budget_status": "unknown",
                                           "currency": "CNY"})
    assert response.status_code == 302
    assert Lead.objects.filter(raw_customer_name="新客户大学", channel="manual").exists()
    bad = client.post("/leads/new/", {"customer_name": "x", "contact_phone": "12", "contact_role": "unknown",
                                      "source_type": "field", "budget_status": "unknown", "currency": "CNY"})
    assert bad.status_code == 200 and "phone number" in bad.content.decode()


def test_accept_activity_and_conversion_wizard_from_the_pages(users, capture, university_a):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    client = _client(users.ar)
    client.post(f"/leads/{lead.pk}/accept/")
    client.post(f"/leads/{lead.pk}/activities/", {"type": "visit", "subject": "拜访", "next_step": "方案交流"})
    lead.refresh_from_db()
    assert lead.status == "NURTURING" and lead.next_step == "方案交流"
    wizard = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert 'id="conversion-checklist"' in wizard and "estimated amount" in wizard
    client.post(f"/leads/{lead.pk}/convert/", {"owner": "ar.li"})
    assert Lead.objects.get(pk=lead.pk).status == "NURTURING"
    client.post(f"/leads/{lead.pk}/edit/", {"estimated_amount": "2000000", "currency": "CNY", "contact_role": "decision_maker",
                                            "budget_status": "confirmed", "customer_name": "申江大学", "contact_phone": "13800138000",
                                            "offering_lines": ["campus"], "industry": "education", "pain_confirmed": "on",
                                            "decision_chain_known": "on",
                                            "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=90))})
    response = client.post(f"/leads/{lead.pk}/convert/", {"owner": "ar.li", "name": "申江大学园区网"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "CONVERTED" and lead.converted_opportunity.name == "申江大学园区网"
    assert 'id="read-only"' in client.get(f"/leads/{lead.pk}/").content.decode()


def test_bulk_assign_disqualify_and_merge_with_undo(users, capture):
    a = capture(customer_name="申江大学", contact_phone="13800138000", region="east")
    b = capture(customer_name="申江理工大学", contact_phone="13900139000", region="east")
    c = capture(customer_name="东海大学", contact_phone="13700137000", region="east")
    client = _client(users.marketing)
    client.post("/leads/bulk/", {"ids": [str(c.pk)], "action": "assign", "owner": "ar.li"})
    assert Lead.objects.get(pk=c.pk).owner == users.ar
    response = client.post("/leads/bulk/", {"ids": [str(a.pk), str(b.pk)], "action": "merge"})
    assert response.status_code == 302 and f"into={a.pk}" in response["Location"]
    preview = client.get(response["Location"]).content.decode()
    assert 'id="merge-preview"' in preview and "similar name" in preview
    client.post(response["Location"], {"into": str(a.pk)})
    assert Lead.objects.get(pk=b.pk).status == "DUPLICATE"
    merge = LeadMerge.objects.get(merged=b)
    assert "undo-merge" in client.get(f"/leads/{a.pk}/").content.decode()
    client.post(f"/leads/merges/{merge.pk}/undo/")
    assert Lead.objects.get(pk=b.pk).status == "RECYCLED"


def test_my_leads_and_review_pages(users, capture, university_a):
    capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    page = _client(users.ar).get("/leads/mine/").content.decode()
    assert 'id="to-accept"' in page and "申江大学" in page
    capture(customer_name="上海华信燃气有限公司", contact_phone="13700137000", region="east", **HOT)
    capture(customer_name="杭州华信燃气有限公司", contact_phone="13600136000", region="east", **HOT)
    review = _client(users.marketing).get("/leads/review/").content.decode()
    assert "杭州华信燃气" in review and "Possible duplicate" in review


def test_pages_of_other_regions_are_404(users, capture):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", region="east")
    client = _client(users.ar_north)
    assert "申江大学" not in client.get("/leads/").content.decode()
    for path in ("", "edit/", "convert/", f"merge/?into={lead.pk}"):
        assert client.get(f"/leads/{lead.pk}/{path}").status_code == 404
    assert client.post(f"/leads/{lead.pk}/accept/").status_code == 404


# --- the public form -------------------------------------------------------------------------------


@pytest.fixture
def form_data(lines):
    return {"customer_name": "申江大学", "contact_name": "王老师", "contact_email": "wang@shenjiang.edu.cn",
            "contact_phone": "13800138000", "offering_lines": ["campus"], "description": "校园网升级", "consent": "on"}


def test_the_public_form_captures_a_lead_and_reveals_nothing(db, roadshow, rules, form_data, lines):
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/leads/form/{roadshow.code}/?utm_source=wechat&utm_campaign=roadshow")
    assert page.status_code == 200 and "X-Frame-Options" not in page
    assert 'name="utm_source" value="wechat"' in page.content.decode()
    response = client.post(f"/leads/form/{roadshow.code}/", {**form_data, "utm_source": "wechat"})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    lead = Lead.objects.get()
    assert (lead.channel, lead.source_campaign, lead.consent, lead.utm) == ("web_form", roadshow, True, {"utm_source": "wechat"})
    assert lead.touches.get().campaign == roadshow
    # A second submission for the same company merges, and the visitor sees exactly the same thing.
    again = client.post(f"/leads/form/{roadshow.code}/", form_data)
    assert again["Location"] == response["Location"]
    thanks = client.get(response["Location"]).content.decode()
    assert "申江大学" not in thanks and "wang@" not in thanks and str(lead.pk) not in thanks


def test_the_public_form_needs_consent_and_a_way_to_reach_you(db, roadshow, rules, form_data):
    cache.clear()
    client = Client()
    assert client.post(f"/leads/form/{roadshow.code}/", {**form_data, "consent": ""}).status_code == 422
    assert client.post(f"/leads/form/{roadshow.code}/", {**form_data, "contact_email": "", "contact_phone": ""}).status_code == 422
    assert Lead.objects.count() == 0


def test_the_honeypot_stores_nothing(db, roadshow, rules, form_data):
    cache.clear()
    response = Client().post(f"/leads/form/{roadshow.code}/", {**form_data, "website": "http://spam.example"})
    assert response.status_code == 302 and Lead.objects.count() == 0


def test_the_public_form_is_rate_limited_per_ip(db, roadshow, rules, form_data):
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(10):
        client.post(f"/leads/form/{roadshow.code}/", {**form_data, "customer_name": f"公司{i}号", "contact_phone": f"1380013{i:04d}"})
    limited = client.post(f"/leads/form/{roadshow.code}/", {**form_data, "customer_name": "最后一家"})
    assert limited.status_code == 429
    assert not Lead.objects.filter(raw_customer_name="最后一家").exists()
    assert Client(REMOTE_ADDR="203.0.113.10").post(f"/leads/form/{roadshow.code}/", form_data).status_code == 302


def test_a_closed_campaign_form_is_404(db, roadshow):
    roadshow.status = "CLOSED"
    roadshow.save()
    assert Client().get(f"/leads/form/{roadshow.code}/").status_code == 404
    assert Client().get("/leads/form/nope/").status_code == 404


# --- periodic jobs --------------------------------------------------------------------------------


def test_the_periodic_jobs_are_registered():
    assert {"leads.sla_sweep", "leads.stale_sweep", "leads.review_sweep"} <= set(periodic.jobs())


def test_stale_leads_alert_then_recycle(users, capture, university_a, rules):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    services.lead_accept(lead=lead, actor=users.ar)
    services.lead_log_activity(lead=lead, actor=users.ar, type="call", subject="first call")
    Lead.objects.filter(pk=lead.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=31))
    mail.outbox.clear()
    assert services.stale_sweep() == {"alerted": 1, "recycled": 0}
    assert services.stale_sweep() == {"alerted": 0, "recycled": 0}
    assert users.ar.notifications.filter(kind="leads.stale").count() == 1
    Lead.objects.filter(pk=lead.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=61))
    assert services.stale_sweep()["recycled"] == 1
    lead.refresh_from_db()
    assert lead.status == "RECYCLED" and lead.owner is None


def test_review_reminders_once_per_cadence(users, capture, university_a, rules):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    assert services.review_sweep() == 1
    assert services.review_sweep() == 0
    assert users.ar.notifications.filter(kind="leads.review").count() == 1


def test_assignment_notifications_are_emailed_after_commit(users, capture, university_a, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    assert [m.to for m in mail.outbox] == [[users.ar.email]]
    assert "申江大学" in mail.outbox[0].subject
