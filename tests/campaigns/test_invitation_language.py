"""Invitations in the contact's language (brief `journey` gap 3): a Chinese contact gets the Chinese
invitation, an English one the English invitation, through the outbox; a contact without a language
of its own reads its customer's (by country)."""

import pytest
from django.core import mail

from m2c.campaigns import services
from m2c.campaigns.models import CampaignEmail, Invitation
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_each_contact_gets_the_invitation_in_its_language_through_the_outbox(event, users, org):
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai, country="CN")
    dean = ContactFactory(customer=customer, name="王院长", email="dean.wang@sju.edu.cn", language="zh-hans")
    visiting = ContactFactory(customer=customer, name="Peter Smith", email="peter.smith@sju.edu.cn", language="en")
    abroad = ContactFactory(customer=CustomerFactory(legal_name="Example GmbH", org_unit=org.shanghai, country="DE"),
                            name="Hans Meier", email="hans@example.de")
    report = services.campaign_invite(campaign=event, actor=users.marketing,
                                      contact_ids=[dean.pk, visiting.pk, abroad.pk])
    assert report["invited"] == 3
    assert dict(Invitation.objects.values_list("email", "language")) == {
        "dean.wang@sju.edu.cn": "zh-hans", "peter.smith@sju.edu.cn": "en", "hans@example.de": "en"}
    assert dict(CampaignEmail.objects.values_list("to_email", "language")) == {
        "dean.wang@sju.edu.cn": "zh-hans", "peter.smith@sju.edu.cn": "en", "hans@example.de": "en"}

    assert services.campaign_emails_send() == 3
    sent = {m.to[0]: m for m in mail.outbox}
    zh, en, de = sent["dean.wang@sju.edu.cn"], sent["peter.smith@sju.edu.cn"], sent["hans@example.de"]
    assert zh.subject == "邀请：华东园区网络研讨会" and "王院长" in zh.body and "取消订阅" not in en.body
    assert "您好" in zh.body or "尊敬的" in zh.body
    assert en.subject == "Invitation: 华东园区网络研讨会" and en.body.startswith("Dear Peter Smith,")
    assert "You are invited to 华东园区网络研讨会" in en.body and "邀请" not in en.body
    assert de.subject.startswith("Invitation:") and de.body.startswith("Dear Hans Meier,")
