"""The territory map's settings page: administrators map provinces and industries in Chinese; every
other role is refused and changes nothing; a bad value is named beside its field."""

import pytest
from django.test import Client

from m2c.core.models import Event
from m2c.customers.models import Territory

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client()
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def test_an_administrator_maps_a_province_and_an_industry_and_reads_them_back(users, org):
    client = _client(users.admin)
    response = client.post("/customers/territories/", {"kind": "province", "province": "浙江省", "industry": "", "org_unit": org.east.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    client.post("/customers/territories/", {"kind": "industry", "province": "", "industry": "education", "org_unit": org.education.pk})
    assert dict(Territory.objects.values_list("key", "org_unit")) == {"浙江": org.east.pk, "education": org.education.pk}
    page = client.get("/customers/territories/").content.decode()
    assert "浙江" in page and "教育" in page and "华东地区部" in page
    province = Territory.objects.get(key="浙江")
    response = client.post(f"/customers/territories/{province.pk}/",
                           {"kind": "province", "province": "浙江", "org_unit": org.shanghai.pk})
    assert response.status_code == 302
    province.refresh_from_db()
    assert province.org_unit == org.shanghai
    assert Event.objects.get(event_type="customers.territory.updated").payload["changes"]["org_unit"] == [
        str(org.east), str(org.shanghai)]
    client.post(f"/customers/territories/{province.pk}/delete/")
    assert not Territory.objects.filter(pk=province.pk).exists()


def test_an_industry_pointing_at_a_region_and_a_duplicate_are_named(users, org):
    client = _client(users.admin)
    response = client.post("/customers/territories/", {"kind": "industry", "industry": "education", "org_unit": org.east.pk})
    assert response.status_code == 422 and 'data-field="org_unit"' in response.content.decode()
    Territory.objects.create(kind="province", key="上海", org_unit=org.east)
    response = client.post("/customers/territories/", {"kind": "province", "province": "上海市", "org_unit": org.east.pk})
    assert response.status_code == 422 and 'data-field="province"' in response.content.decode()
    assert "“上海”已有" in response.content.decode()
    assert Territory.objects.count() == 1


@pytest.mark.parametrize("role", ["marketing", "ar", "executive", "partner"])
def test_every_other_role_is_refused_and_changes_nothing(users, org, role):
    territory = Territory.objects.create(kind="province", key="上海", org_unit=org.east)
    client = _client(getattr(users, role))
    data = {"kind": "province", "province": "江苏", "org_unit": org.north.pk}
    for url in ("/customers/territories/", f"/customers/territories/{territory.pk}/"):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert client.post(f"/customers/territories/{territory.pk}/delete/").status_code == 403
    territory.refresh_from_db()
    assert (territory.key, territory.org_unit, Territory.objects.count(), Event.objects.count()) == ("上海", org.east, 1, 0)
