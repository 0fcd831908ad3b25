"""The territory map is edited on the admin site by administrators, and only by them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from m2c.customers.models import Territory
from m2c.customers.selectors import territory_map

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_maps_a_province_to_a_region_on_the_admin_site(users: Any, org: Any) -> None:
    client = _client(users.admin)
    assert client.get("/admin/customers/territory/").status_code == 200
    response = client.post("/admin/customers/territory/add/",
                           {"kind": "province", "key": "浙江", "org_unit": str(org.east.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    territory = Territory.objects.get(kind="province", key="浙江")
    assert territory.org_unit == org.east
    assert territory_map()[("province", "浙江")] == org.east.pk
    listing = client.get("/admin/customers/territory/?kind=province").content.decode()
    assert "浙江" in listing


def test_a_second_mapping_of_the_same_province_is_refused(users: Any, org: Any) -> None:
    Territory.objects.create(kind="province", key="浙江", org_unit=org.east)
    response = _client(users.admin).post("/admin/customers/territory/add/",
                                         {"kind": "province", "key": "浙江", "org_unit": str(org.north.pk)})
    assert response.status_code == 200  # the form again, with the error
    assert Territory.objects.get(kind="province", key="浙江").org_unit == org.east


def test_a_non_staff_user_cannot_open_the_territory_map(users: Any) -> None:
    response = _client(users.marketing).get("/admin/customers/territory/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
