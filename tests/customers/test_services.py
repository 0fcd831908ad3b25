from decimal import Decimal

import pytest

from m2c.core.errors import DuplicateRecord, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.customers import services
from m2c.customers.models import Contact, Customer

HUAWEI = "914403001922038216"


@pytest.fixture
def customer(users, org):
    return services.customer_create(
        actor=users.marketing, legal_name="华为技术有限公司", credit_code=HUAWEI, org_unit=org.shanghai, industry="manufacturing"
    )


def test_create_normalises_and_records_an_event(customer, users):
    assert customer.normalized_name == "华为技术"
    assert customer.created_by == users.marketing
    event = Event.objects.for_subject(customer).get()
    assert event.event_type == "customers.customer.created"
    assert event.actor == users.marketing


def test_a_second_customer_with_the_same_credit_code_is_refused(customer, users):
    with pytest.raises(DuplicateRecord) as exc:
        services.customer_create(actor=users.marketing, legal_name="Huawei Technologies", credit_code=HUAWEI)
    assert exc.value.field == "credit_code"
    assert exc.value.extra["existing_id"] == str(customer.pk)
    assert exc.value.extra["existing_url"].endswith(f"/customers/{customer.pk}/")
    assert Customer.objects.count() == 1


def test_a_second_customer_with_the_same_normalised_name_is_refused(customer, users):
    with pytest.raises(DuplicateRecord) as exc:
        services.customer_create(actor=users.marketing, legal_name="华为技术 股份有限公司")
    assert exc.value.code == "customer_exists"
    assert exc.value.field == "legal_name"
    assert Customer.objects.count() == 1


def test_every_bad_field_is_reported_at_once(users):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(
            actor=users.finance, legal_name="", credit_code="123", industry="mining", credit_currency="XXX"
        )
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"legal_name", "credit_code", "industry", "credit_currency"}
    assert Customer.objects.count() == 0


def test_credit_fields_are_for_finance(users, customer):
    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, actor=users.marketing, credit_limit=Decimal("5000000"))
    updated = services.customer_update(customer=customer, actor=users.finance, credit_limit="12000000", credit_rating="AA")
    assert updated.credit_limit == Decimal("12000000")
    assert updated.version == 2


def test_update_records_old_and_new_values(customer, users):
    services.customer_update(customer=customer, actor=users.marketing, city="深圳", tier="named")
    event = Event.objects.for_subject(customer).filter(event_type="customers.customer.updated").get()
    assert event.payload["changes"] == {"city": ["", "深圳"], "tier": ["general", "named"]}


def test_an_update_with_no_change_writes_nothing(customer, users):
    before = Event.objects.count()
    services.customer_update(customer=customer, actor=users.marketing, city="")
    assert Event.objects.count() == before
    customer.refresh_from_db()
    assert customer.version == 1


def test_a_stale_version_is_refused(customer, users):
    services.customer_update(customer=customer, actor=users.marketing, city="深圳")
    with pytest.raises(DuplicateRecord) as exc:
        services.customer_update(customer=customer, actor=users.marketing, expected_version=1, city="广州")
    assert exc.value.code == "version_conflict"
    customer.refresh_from_db()
    assert customer.city == "深圳"


def test_renaming_onto_another_customer_is_refused(customer, users):
    other = services.customer_create(actor=users.marketing, legal_name="中兴通讯股份有限公司")
    with pytest.raises(DuplicateRecord):
        services.customer_update(customer=other, actor=users.marketing, legal_name="华为技术有限公司")
    other.refresh_from_db()
    assert other.legal_name == "中兴通讯股份有限公司"


def test_compliance_block_is_an_event_with_states(customer, users):
    services.customer_update(customer=customer, actor=users.finance, compliance_status="blocked", compliance_note="sanctions list")
    event = Event.objects.for_subject(customer).get(event_type="customers.customer.compliance_changed")
    assert (event.from_state, event.to_state, event.reason) == ("ok", "blocked", "sanctions list")


def test_roles_without_customer_rights_are_refused(users):
    for actor in (users.partner, users.executive):
        with pytest.raises(PermissionDenied):
            services.customer_create(actor=actor, legal_name="某某有限公司")


def test_contacts_store_e164_phones_and_consent_time(customer, users):
    contact = services.contact_create(
        customer=customer, actor=users.ar, name="李伟", phone="138 0013 8000", email="Li.Wei@Huawei.com", consent_email=True
    )
    assert contact.phone == "+8613800138000"
    assert contact.email == "li.wei@huawei.com"
    assert contact.consent_at is not None


def test_a_bad_contact_names_each_field_and_stores_nothing(customer, users):
    with pytest.raises(ValidationFailed) as exc:
        services.contact_create(customer=customer, actor=users.ar, name="", phone="12", email="nope", decision_role="boss")
    assert {e["field"] for e in exc.value.errors} == {"name", "phone", "email", "decision_role"}
    assert Contact.objects.count() == 0


def test_contact_update_logs_on_the_customer_timeline(customer, users):
    contact = services.contact_create(customer=customer, actor=users.ar, name="李伟")
    services.contact_update(contact=contact, actor=users.ar, title="CIO", decision_role="decision_maker")
    event = Event.objects.for_subject(customer).get(event_type="customers.contact.updated")
    assert event.payload["changes"]["title"] == ["", "CIO"]
