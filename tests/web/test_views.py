import pytest
from django.urls import reverse

from m2c.core.notifications import Notification, notify
from m2c.customers.models import Customer
from tests.factories import CustomerFactory


@pytest.fixture
def logged_in(client, users):
    client.force_login(users.marketing)
    return client


def test_pages_need_a_login(client, db):
    for url in ("/", "/customers/", "/account/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_login_and_logout(client, users):
    response = client.post("/login/", {"username": "mkt", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused(client, users):
    response = client.post("/login/", {"username": "mkt", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_navigation_marks_modules_that_are_not_built(client, users):
    client.force_login(users.finance)
    html = client.get("/").content.decode()
    assert 'data-nav="customers"' in html and 'href="/customers/"' in html
    assert html.count("Not available yet") >= 1  # analytics at least
    assert 'data-nav="partners"' not in html  # built, and not finance's (channel managers and partners)
    assert 'data-nav="billing" href="/billing/"' in html or 'href="/billing/"' in html


def test_the_browser_language_is_honoured(client, users):
    client.force_login(users.marketing)
    html = client.get("/customers/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "新建客户" in html and "尚未开放" in html
    english = client.get("/customers/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "New customer" in english


def test_the_language_switch_sticks(client, users):
    client.force_login(users.marketing)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "新建客户" in client.get("/customers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_customer_list_filters_and_htmx_partial(logged_in, org):
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    CustomerFactory(legal_name="北京燕园大学", normalized_name="北京燕园大学", org_unit=org.east, industry="government")
    full = logged_in.get("/customers/").content.decode()
    assert "<html" in full and "申江大学" in full and "北京燕园大学" in full
    partial = logged_in.get("/customers/", {"search": "申江"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "申江大学" in partial and "北京燕园大学" not in partial
    by_industry = logged_in.get("/customers/", {"industry": "government"}).content.decode()
    assert "北京燕园大学" in by_industry and "申江大学" not in by_industry


def test_names_are_escaped(logged_in, org):
    CustomerFactory(legal_name="<script>alert(1)</script>有限公司", normalized_name="scriptalert1script", org_unit=org.east)
    html = logged_in.get("/customers/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_create_form_shows_field_errors_and_keeps_nothing(logged_in, org):
    response = logged_in.post("/customers/new/", {"legal_name": "某某有限公司", "credit_code": "914403001922038217",
                                                  "country": "CN", "industry": "other", "tier": "general",
                                                  "credit_rating": "unrated", "credit_limit": "0",
                                                  "credit_currency": "CNY", "compliance_status": "ok"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="credit_code"' in html and "check character" in html
    assert Customer.objects.count() == 0


def test_create_then_duplicate_points_to_the_existing(logged_in, org):
    data = {"legal_name": "华为技术有限公司", "country": "CN", "industry": "manufacturing", "tier": "general",
            "org_unit": org.shanghai.pk}
    created = logged_in.post("/customers/new/", data)
    customer = Customer.objects.get()
    assert created["Location"] == reverse("customers:detail", args=[customer.pk])
    again = logged_in.post("/customers/new/", {**data, "legal_name": "华为技术股份有限公司"}).content.decode()
    assert reverse("customers:detail", args=[customer.pk]) in again
    assert Customer.objects.count() == 1


def test_edit_records_the_change_on_the_timeline(logged_in, org):
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    data = {"legal_name": "申江大学", "country": "CN", "industry": "education", "tier": "named",
            "org_unit": org.shanghai.pk, "city": "上海", "version": 1}
    response = logged_in.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.tier, customer.city) == ("named", "上海")
    detail = logged_in.get(f"/customers/{customer.pk}/").content.decode()
    assert "Customer updated" in detail and "Tier: " in detail and "Named account" in detail
    # The timeline names fields and values in the reader's language, not by their codes.
    chinese = logged_in.get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "客户级别: " in chinese and "名单客户" in chinese and "<code>tier</code>" not in chinese


def test_add_contact_with_a_bad_phone_shows_the_error(logged_in, org):
    customer = CustomerFactory(org_unit=org.shanghai)
    response = logged_in.post(f"/customers/{customer.pk}/contacts/", {"name": "李伟", "phone": "123", "decision_role": "unknown"})
    assert response.status_code == 422
    assert "not a valid phone number" in response.content.decode() or "not a phone number" in response.content.decode()
    ok = logged_in.post(f"/customers/{customer.pk}/contacts/", {"name": "李伟", "phone": "13800138000", "decision_role": "unknown"})
    assert ok.status_code == 302
    assert "+86 138 0013 8000" in logged_in.get(f"/customers/{customer.pk}/").content.decode()


def test_another_region_cannot_open_a_customer(client, users, org):
    customer = CustomerFactory(org_unit=org.shanghai)
    client.force_login(users.ar_north)
    assert client.get(f"/customers/{customer.pk}/").status_code == 404
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 404


def test_tokens_from_the_account_page(logged_in, users):
    response = logged_in.post("/account/tokens/", {"name": "excel"}, follow=True)
    html = response.content.decode()
    token = users.marketing.api_tokens.get()
    assert token.prefix in html
    assert 'id="new-token"' in html
    # Shown once: the next visit no longer has it.
    assert 'id="new-token"' not in logged_in.get("/account/").content.decode()
    logged_in.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_notifications_badge_and_page(logged_in, users):
    notify(users.marketing, title="Lead assigned", url="/customers/", email=False)
    html = logged_in.get("/").content.decode()
    assert 'id="unread-count">1<' in html
    assert "Lead assigned" in logged_in.get("/notifications/").content.decode()
    logged_in.post("/notifications/")
    assert Notification.objects.get().read_at is not None


def test_notification_email_is_sent_after_commit(users, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users.marketing, title="ATI decided", body="GO", url="/opportunities/1/")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[m2c] ATI decided"
    assert mailoutbox[0].to == ["mkt@example.com"]


def test_static_assets_are_served_without_a_cdn(logged_in):
    html = logged_in.get("/").content.decode()
    assert "cdn" not in html.lower()
    assert logged_in.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_home_shows_the_work_waiting_for_the_user(client, users, org, lines):
    import datetime as dt

    from m2c.leads import services as lead_services

    CustomerFactory(legal_name="University A", normalized_name="universitya", org_unit=org.shanghai,
                    industry="education", tier="named", ar_owner=users.ar)
    hot = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True,
           "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=60))}
    lead, _ = lead_services.lead_create(
        actor=users.marketing,
        data={"customer_name": "University A", "contact_phone": "13800138000", "offering_lines": ["wlan"], **hot},
    )
    assert lead.owner == users.ar
    client.force_login(users.ar)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'id="kpi-leads-to-accept">1<' in html
    assert 'id="kpi-approvals">0<' in html
    assert "待接受或退回的线索" in html


def test_a_notification_is_read_in_the_readers_language(client, users, django_capture_on_commit_callbacks, mailoutbox):
    """Sent while the sender works in English, read in Chinese by one and mailed in Chinese to another."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from m2c.core.notifications import message
    from m2c.opportunities.states import TeamRole

    users.ar.preferred_language = "zh-hans"
    users.ar.save(update_fields=["preferred_language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(users.ar, title=message(gettext_noop("You are %(role)s on %(name)s"), role=TeamRole.SR.label,
                                       name="智慧园区"),
               body=message(gettext_noop("Accept or return it by %(due)s."), due="2027-03-23 18:00"))
    note = Notification.objects.get()
    assert note.title == "You are Solution responsible (SR) on 智慧园区"  # English in the admin and searches
    client.force_login(users.ar)
    chinese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "智慧园区" in chinese and "You are" not in chinese and "Accept or return" not in chinese
    with translation.override("zh-hans"):
        assert "解决方案责任人" in note.display_title and "智慧园区" in note.display_title
        assert note.display_body == "请在 2027-03-23 18:00 前接受或退回。" or "2027-03-23 18:00" in note.display_body
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are Solution responsible (SR) on 智慧园区" in english
    assert "Accept or return it by 2027-03-23 18:00." in english
    assert "解决方案责任人" in mailoutbox[0].subject and "You are" not in mailoutbox[0].subject


def test_plain_notifications_stay_as_written(users):
    note = notify(users.marketing, title="Import finished", body="3 created", email=False)
    assert (note.display_title, note.display_body) == ("Import finished", "3 created")
