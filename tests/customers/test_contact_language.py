"""A contact's preferred language (brief `journey` gap 3): set on the customer page in Chinese, over the
API and by an imported file; a value outside zh-hans / en is refused naming the field."""

from __future__ import annotations

import pytest
from django.test import Client

from m2c.core.errors import ValidationFailed
from m2c.core.imports import runner
from m2c.customers import services
from m2c.customers.imports import CLIENT
from m2c.customers.models import Contact
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_contact_form_in_chinese_saves_the_language_and_the_page_shows_it(users, org):
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "首选语言" in page and 'name="language"' in page
    response = client.post(f"/customers/{customer.pk}/contacts/", {
        "name": "Peter Smith", "decision_role": "influencer", "email": "peter@sju.edu.cn", "language": "en"})
    assert response.status_code == 302
    contact = Contact.objects.get(customer=customer)
    assert contact.language == "en" and contact.preferred_language == "en"
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert '<td class="contact-language">英文</td>' in page
    refused = client.post(f"/customers/{customer.pk}/contacts/", {"name": "王芳", "decision_role": "user", "language": "fr"})
    assert refused.status_code == 422 and Contact.objects.count() == 1


def test_the_service_refuses_an_unknown_language_and_reads_the_usual_words():
    customer = CustomerFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.contact_create(customer=customer, actor=None, name="张三", language="français")
    assert refused.value.errors[0]["field"] == "language" and not Contact.objects.exists()
    assert services.contact_create(customer=customer, actor=None, name="张三", language="中文").language == "zh-hans"
    assert services.contact_create(customer=customer, actor=None, name="Tom", language="English").language == "en"


def test_without_a_language_of_its_own_the_customers_country_decides():
    assert ContactFactory(customer=CustomerFactory(country="CN")).preferred_language == "zh-hans"
    assert ContactFactory(customer=CustomerFactory(country="DE")).preferred_language == "en"
    assert ContactFactory(customer=CustomerFactory(country="DE"), language="zh-hans").preferred_language == "zh-hans"
    assert ContactFactory(customer=CustomerFactory(country="")).preferred_language == ""


def test_the_api_sets_changes_and_refuses_the_language(api, users, org):
    customer = CustomerFactory(org_unit=org.shanghai)
    created = api(users.marketing).post(f"/customers/{customer.pk}/contacts", {"name": "Anna Lee", "language": "en"})
    assert created.status_code == 201 and created.json()["language"] == "en"
    contact_id = created.json()["id"]
    patched = api(users.marketing).patch(f"/contacts/{contact_id}", {"language": "zh-hans"})
    assert patched.status_code == 200 and patched.json()["language"] == "zh-hans"
    bad = api(users.marketing).patch(f"/contacts/{contact_id}", {"language": "fr"})
    assert bad.status_code == 422 and "language" in bad.content.decode()
    assert Contact.objects.get(pk=contact_id).language == "zh-hans"


def test_an_imported_file_maps_the_language_column(users, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(("客户名称,联系人,邮箱,语言\n"
                      "上海华信燃气有限公司,张三,zs@huaxin-gas.com,中文\n"
                      "Example GmbH,Hans Meier,hans@example.de,英文\n").encode("gbk"))
    job = runner.create_job(path, CLIENT, actor=users.ar)
    runner.run_job(job, CLIENT, actor=users.ar)
    job.refresh_from_db()
    assert job.summary()["created"] == 2, [e.message for e in job.errors.all()]
    assert dict(Contact.objects.values_list("name", "language")) == {"张三": "zh-hans", "Hans Meier": "en"}
