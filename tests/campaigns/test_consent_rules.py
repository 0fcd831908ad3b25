"""PIPL (brief `journey` gap 4): a public registration is a fresh, explicit act for that event, recorded
with its source and time, but it does not lift a marketing opt-out; its transactional confirmation goes
out only if the form's consent box was ticked (and not withdrawn since). Each rule tested both ways."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from m2c.campaigns import selectors_responses as reads
from m2c.campaigns import services
from m2c.campaigns.models import CampaignEmail, Consent, Invitation, Registration
from m2c.campaigns.services.consent import confirmation_allowed, unsubscribe_token
from m2c.campaigns.services.registrations import registration_create
from m2c.core.errors import ValidationFailed
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db

EMAIL = "wang.fang@shenjiang.edu.cn"


def _opted_out(event):
    services.unsubscribe(token=unsubscribe_token(email=EMAIL, campaign=event), evidence="test: link followed")
    assert reads.email_opted_out(EMAIL)


def _register(event, **extra):
    data = {"name": "王芳", "company": "申江大学", "email": EMAIL, "consent": True, **extra}
    return registration_create(campaign=event, data=data, language="zh-hans", evidence="test: box ticked")


def test_an_opted_out_person_who_ticks_the_box_gets_the_confirmation_but_no_marketing(event, users):
    _opted_out(event)
    before = timezone.now()
    registration = _register(event)
    grant = Consent.objects.get(purpose="event", subject_kind="email")
    assert (grant.subject, grant.granted, grant.source, grant.campaign) == (EMAIL, True, "form", event)
    assert grant.recorded_at >= before and grant.evidence == "test: box ticked"
    # The registration is a grant for this event only: marketing email stays withdrawn.
    assert reads.email_opted_out(EMAIL)
    assert confirmation_allowed(email=EMAIL, campaign=event)
    assert services.campaign_emails_send() == 1
    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL] and registration.code in confirmation.alternatives[0][0]
    again = services.campaign_invite(campaign=event, actor=users.marketing, targets=[{"email": EMAIL}])
    assert again["invited"] == 0 and again["skipped_opted_out"] == 1 and not Invitation.objects.exists()


def test_without_the_ticked_box_there_is_no_registration_and_no_email(event):
    _opted_out(event)
    with pytest.raises(ValidationFailed) as refused:
        _register(event, consent=False)
    assert refused.value.errors[0]["field"] == "consent"
    assert not Registration.objects.exists() and not CampaignEmail.objects.exists()
    assert list(Consent.objects.values_list("purpose", "granted")) == [("marketing_email", False)]
    assert not confirmation_allowed(email=EMAIL, campaign=event)
    assert services.campaign_emails_send() == 0 and mail.outbox == []


def test_a_confirmation_is_not_sent_once_the_event_consent_is_withdrawn(event):
    _register(event)
    assert CampaignEmail.objects.get().kind == "confirmation"
    services.consent_record(subject=EMAIL, purpose="event", granted=False, source="invitation_reply",
                            evidence="test: asked us to forget the sign-up", campaign=event)
    assert services.campaign_emails_send() == 0 and mail.outbox == []
    assert CampaignEmail.objects.get().suppressed


def test_only_the_separate_marketing_box_is_a_new_marketing_grant(event, users):
    _opted_out(event)
    _register(event, marketing_email=True)
    assert not reads.email_opted_out(EMAIL)
    assert [c.source for c in reads.consent_history(EMAIL).filter(purpose="marketing_email")] == [
        "form", "invitation_reply"]
    other = CampaignFactory(code="north-forum", name="华北论坛", status="APPROVED")
    assert services.campaign_invite(campaign=other, actor=users.marketing, targets=[{"email": EMAIL}])["invited"] == 1


def test_the_public_form_in_chinese_both_ways(event):
    _opted_out(event)
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    form = {"name": "王芳", "company": "申江大学", "email": EMAIL}
    refused = client.post(f"/campaigns/r/{event.code}/", form)
    assert refused.status_code == 422 and not Registration.objects.exists()
    assert services.campaign_emails_send() == 0
    done = client.post(f"/campaigns/r/{event.code}/", {**form, "consent": "on"})
    assert done.status_code == 302
    grant = Consent.objects.get(purpose="event", subject_kind="email")
    assert grant.source == "form" and event.code in grant.evidence
    assert services.campaign_emails_send() == 1 and mail.outbox[0].to == [EMAIL]
    assert reads.email_opted_out(EMAIL)
