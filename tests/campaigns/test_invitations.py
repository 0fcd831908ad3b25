"""Invitations and consent (issue 11 item 4): invite → unsubscribe → never invited or mailed again; consent
recorded with source, time and evidence; emails in the person's language through the outbox."""

import pytest
from django.core import mail
from django.test import Client

from m2c.campaigns import selectors_responses as reads
from m2c.campaigns import services
from m2c.campaigns.models import CampaignEmail, Consent, Invitation
from m2c.campaigns.services.consent import unsubscribe_token
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Event
from tests.factories import ContactFactory, CustomerFactory
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_invite_unsubscribe_and_never_invited_again_anywhere(event, users, org):
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    dean = ContactFactory(customer=customer, name="王院长", email="Dean.Wang@ShenJiang.edu.cn")
    report = services.campaign_invite(campaign=event, actor=users.marketing, contact_ids=[dean.pk], targets=[
        {"email": "li.lei@example.com", "name": "Li Lei", "company": "Example Ltd", "language": "en"},
        {"email": "", "name": "无邮箱"}])
    assert (report["invited"], report["skipped_no_email"]) == (2, 1)
    invitation = Invitation.objects.get(email="dean.wang@shenjiang.edu.cn")
    assert invitation.contact == dean and invitation.customer == customer and invitation.language == "zh-hans"
    zh, en = (CampaignEmail.objects.get(invitation__email=e) for e in ("dean.wang@shenjiang.edu.cn", "li.lei@example.com"))
    assert "邀请" in zh.subject and "华东园区网络研讨会" in zh.subject and "/campaigns/unsubscribe/" in zh.body
    assert en.subject.startswith("Invitation:") and "/campaigns/r/east-campus-seminar/?invite=" in en.body
    assert services.campaign_emails_send() == 2 and len(mail.outbox) == 2
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)

    # The person follows the link from the email and confirms: the withdrawal is a consent row.
    link = zh.body.split("/campaigns/unsubscribe/")[1].split()[0]
    client = Client()
    page = client.get(f"/campaigns/unsubscribe/{link}")
    assert page.status_code == 200 and "dean.wang@shenjiang.edu.cn" in page.content.decode()
    assert not Consent.objects.exists()  # looking at the page changes nothing
    assert 'id="unsubscribed"' in client.post(f"/campaigns/unsubscribe/{link}").content.decode()
    row = Consent.objects.get()
    assert (row.subject, row.purpose, row.granted, row.source, row.campaign) == (
        "dean.wang@shenjiang.edu.cn", "marketing_email", False, "invitation_reply", event)
    assert "Unsubscribe link followed" in row.evidence and row.recorded_at
    assert reads.email_opted_out("DEAN.WANG@shenjiang.edu.cn")

    # Not invited again: not to this campaign, not to another one, not by contact nor by target list.
    other = CampaignFactory(code="north-dc-forum", name="华北数据中心论坛", status="APPROVED")
    for campaign in (event, other):
        again = services.campaign_invite(campaign=campaign, actor=users.marketing, customer_ids=[customer.pk],
                                         targets=[{"email": "dean.wang@shenjiang.edu.cn"}])
        assert again["invited"] == 0 and again["skipped_opted_out"] == 2
    assert not Invitation.objects.filter(campaign=other).exists()


def test_a_queued_invitation_is_not_sent_after_an_opt_out_and_a_new_grant_lifts_it(event, users):
    services.campaign_invite(campaign=event, actor=users.marketing, targets=[{"email": "a@example.com"}])
    services.unsubscribe(token=unsubscribe_token(email="a@example.com", campaign=event), evidence="test: link")
    assert services.campaign_emails_send() == 0 and mail.outbox == []
    assert CampaignEmail.objects.get().suppressed
    services.consent_record(subject="a@example.com", purpose="marketing_email", granted=True, source="form",
                            evidence="ticked on the registration form", campaign=event)
    assert not reads.email_opted_out("a@example.com")
    assert [c.granted for c in reads.consent_history("a@example.com")] == [True, False]


def test_invitations_refuse_bad_input_and_other_roles(event, users):
    with pytest.raises(PermissionDenied):
        services.campaign_invite(campaign=event, actor=users.ar, targets=[{"email": "x@example.com"}])
    with pytest.raises(ValidationFailed) as caught:
        services.campaign_invite(campaign=event, actor=users.marketing, contact_ids=["not-an-id"])
    assert caught.value.errors[0]["field"] == "contact_ids"
    with pytest.raises(ValidationFailed):
        services.consent_record(subject="x@example.com", purpose="marketing_email", granted=True, source="form",
                                evidence="  ")
    assert not Invitation.objects.exists() and not Consent.objects.exists()
    assert services.campaign_invite(campaign=event, actor=users.marketing, targets=[
        {"email": "x@example.com"}, {"email": "X@example.com"}])["skipped_already_invited"] == 1


def test_a_forged_unsubscribe_link_records_nothing():
    client = Client()
    assert client.get("/campaigns/unsubscribe/forged/").status_code == 404
    assert client.post("/campaigns/unsubscribe/forged/").status_code == 404
    assert not Consent.objects.exists() and not Event.objects.filter(event_type="campaigns.consent.recorded").exists()


def test_the_invite_page_in_chinese(event, users):
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.post(f"/campaigns/{event.pk}/invite/", {"targets": "a@example.com, 张三, 申江大学, zh\nb@example.com"})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="invite-report"' in text and "a@example.com" in text
    assert Invitation.objects.count() == 2
    client.force_login(users.ar)
    assert client.get(f"/campaigns/{event.pk}/invite/").status_code == 403


def test_the_consent_log_is_read_only_for_administrators(event, users):
    services.consent_record(subject="a@example.com", purpose="marketing_email", granted=False, source="form",
                            evidence="unsubscribe box", campaign=event)
    client = Client()
    client.force_login(users.admin)
    page = client.get("/admin/campaigns/consent/")
    assert page.status_code == 200 and "a@example.com" in page.content.decode()
    assert client.get("/admin/campaigns/consent/add/").status_code == 403
    row = Consent.objects.get()
    assert client.post(f"/admin/campaigns/consent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Consent.objects.count() == 1
