"""The configuration pages: administrators keep decision bodies, the authority matrix and price lists on
pages of the app, in Chinese; every other role is refused and changes nothing."""

from decimal import Decimal

import pytest
from django.test import Client

from m2c.core.models import Event
from m2c.opportunities.models import (
    AuthorityMatrix,
    DecisionBody,
    DecisionBodyMember,
    PriceList,
    PriceListItem,
)
from m2c.opportunities.rules import matrix_in_force

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client()
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def _price_key(product):
    return f"price_{product.pk.hex}"


def test_an_administrator_renames_a_decision_body_in_chinese_and_reads_it_back(users, deal):
    body = deal.bodies.east
    client = _client(users.admin)
    page = client.get(f"/opportunities/configuration/bodies/{body.pk}/").content.decode()
    assert 'id="save-body"' in page and "成员" in page
    response = client.post(f"/opportunities/configuration/bodies/{body.pk}/",
                           {"name": "华东地区部销售决策团队（新）", "name_en": "East SDT", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    body.refresh_from_db()
    assert (body.name, body.name_en, body.active) == ("华东地区部销售决策团队（新）", "East SDT", True)
    event = Event.objects.get(event_type="opportunities.decision_body.updated")
    assert event.payload["changes"]["name_en"][1] == "East SDT" and event.actor == users.admin


def test_an_administrator_creates_a_body_and_adds_and_ends_a_member(users, org, deal):
    deal.bodies.beijing.active = False
    deal.bodies.beijing.save()
    client = _client(users.admin)
    response = client.post("/opportunities/configuration/bodies/",
                           {"name": "北京代表处决策团队", "name_en": "", "level": "rep_office", "org_unit": org.beijing.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    body = DecisionBody.objects.get(name="北京代表处决策团队")
    response = client.post(f"/opportunities/configuration/bodies/{body.pk}/members/",
                           {"user": deal.sdt_beijing.pk, "role": "chair"})
    assert response.status_code == 302
    membership = DecisionBodyMember.objects.get(body=body, user=deal.sdt_beijing)
    assert membership.role == "chair" and membership.valid_to is None
    client.post(f"/opportunities/configuration/members/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.valid_to is not None


def test_a_body_on_a_unit_of_the_wrong_type_is_refused_naming_the_field(users, org, deal):
    client = _client(users.admin)
    response = client.post("/opportunities/configuration/bodies/",
                           {"name": "错误的团队", "level": "hq", "org_unit": org.beijing.pk})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="org_unit"' in page
    assert not DecisionBody.objects.filter(name="错误的团队").exists()


def _matrix_post(matrix, **overrides):
    """The matrix form as the page shows it: every rule of ``matrix`` and its discount authorities."""
    data = {"name": matrix.name, "note": "", "rules-TOTAL_FORMS": str(matrix.rules.count()), "rules-INITIAL_FORMS": "0",
            "discounts-TOTAL_FORMS": str(matrix.discount_authorities.count()), "discounts-INITIAL_FORMS": "0"}
    for i, r in enumerate(matrix.rules.order_by("position")):
        data.update({f"rules-{i}-gate_type": r.gate_type, f"rules-{i}-dimension": r.dimension,
                     f"rules-{i}-operator": r.operator, f"rules-{i}-threshold": "" if r.threshold is None else str(r.threshold),
                     f"rules-{i}-threshold_text": r.threshold_text,
                     f"rules-{i}-offering_line": r.offering_line.code if r.offering_line_id else "",
                     f"rules-{i}-required_level": r.required_level, f"rules-{i}-label": r.label})
    for i, d in enumerate(matrix.discount_authorities.order_by("role")):
        data.update({f"discounts-{i}-role": d.role, f"discounts-{i}-max_discount_pct": str(d.max_discount_pct),
                     f"discounts-{i}-offering_line": d.offering_line.code if d.offering_line_id else ""})
    data.update(overrides)
    return data


def test_an_administrator_publishes_the_next_matrix_version_from_the_page(users, deal):
    current = matrix_in_force()
    client = _client(users.admin)
    page = client.get("/opportunities/configuration/matrix/").content.decode()
    assert 'id="publish-matrix"' in page and "rules-0-dimension" in page
    value_rows = [i for i, r in enumerate(current.rules.order_by("position")) if r.dimension == "value"]
    key = f"rules-{value_rows[0]}-threshold"
    response = client.post("/opportunities/configuration/matrix/",
                           _matrix_post(current, name="2027 授权矩阵", **{key: "8000000"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    new = AuthorityMatrix.objects.order_by("-version").first()
    assert new.version == current.version + 1 and new.name == "2027 授权矩阵"
    assert new.rules.count() == current.rules.count()
    assert new.rules.get(position=value_rows[0]).threshold == Decimal("8000000")
    assert current.rules.get(position=value_rows[0]).threshold != Decimal("8000000")  # the old version is untouched


def test_an_invalid_matrix_row_is_named_and_nothing_is_published(users, deal):
    current = matrix_in_force()
    client = _client(users.admin)
    before = AuthorityMatrix.objects.count()
    response = client.post("/opportunities/configuration/matrix/",
                           _matrix_post(current, **{"rules-0-operator": "gt", "rules-0-threshold": ""}))
    assert response.status_code == 422
    assert 'data-field="rules-0-threshold"' in response.content.decode()
    assert AuthorityMatrix.objects.count() == before


def test_an_administrator_edits_a_price_list_and_its_prices_in_chinese(users, deal):
    price_list = deal.price_list
    client = _client(users.admin)
    page = client.get(f"/opportunities/configuration/price-lists/{price_list.pk}/").content.decode()
    assert 'id="save-price-list"' in page and 'value="1000.00"' in page
    data = {"name": "2026 中国区价目表（修订）", "currency": "CNY", "valid_from": price_list.valid_from.isoformat(),
            "valid_to": "2026-12-31", "active": "on", _price_key(deal.products.ap): "950.50",
            _price_key(deal.products.switch): "100000.00", _price_key(deal.products.service): ""}
    response = client.post(f"/opportunities/configuration/price-lists/{price_list.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    price_list.refresh_from_db()
    assert price_list.name == "2026 中国区价目表（修订）" and str(price_list.valid_to) == "2026-12-31"
    prices = dict(PriceListItem.objects.filter(price_list=price_list).values_list("product__code", "list_price"))
    assert prices == {"AP-W7": Decimal("950.50"), "SW-CORE": Decimal("100000")}
    changes = Event.objects.get(event_type="opportunities.price_list.updated").payload["changes"]
    assert changes["prices.AP-W7"] == ["1000.0000", "950.50"] and changes["prices.SVC-DEPLOY"][1] is None


def test_a_new_price_list_and_a_bad_price_named_beside_its_field(users, deal):
    client = _client(users.admin)
    bad = client.post("/opportunities/configuration/price-lists/", {
        "code": "hk-2027", "name": "2027 香港价目表", "currency": "HKD", "valid_from": "2027-01-01", "active": "on",
        _price_key(deal.products.ap): "-5"})
    assert bad.status_code == 422
    assert f'data-field="{_price_key(deal.products.ap)}"' in bad.content.decode()
    assert not PriceList.objects.filter(code="hk-2027").exists()
    good = client.post("/opportunities/configuration/price-lists/", {
        "code": "hk-2027", "name": "2027 香港价目表", "currency": "HKD", "valid_from": "2027-01-01", "active": "on",
        _price_key(deal.products.ap): "8800"})
    assert good.status_code == 302, good.content.decode()[:3000]
    created = PriceList.objects.get(code="hk-2027")
    assert created.currency == "HKD" and created.items.get().list_price == Decimal("8800")


@pytest.mark.parametrize("role", ["ar", "marketing", "finance", "executive", "partner"])
def test_every_other_role_is_refused_and_changes_nothing(users, deal, role):
    client = _client(getattr(users, role))
    body, price_list = deal.bodies.east, deal.price_list
    before = (body.name, price_list.name, AuthorityMatrix.objects.count(), Event.objects.count())
    for url in ("/opportunities/configuration/bodies/", f"/opportunities/configuration/bodies/{body.pk}/",
                "/opportunities/configuration/matrix/", "/opportunities/configuration/price-lists/",
                f"/opportunities/configuration/price-lists/{price_list.pk}/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "改名", "level": "hq", "currency": "CNY"}).status_code == 403, url
    membership = body.memberships.first()
    assert client.post(f"/opportunities/configuration/members/{membership.pk}/end/").status_code == 403
    body.refresh_from_db()
    price_list.refresh_from_db()
    assert (body.name, price_list.name, AuthorityMatrix.objects.count(), Event.objects.count()) == before
    assert DecisionBodyMember.objects.get(pk=membership.pk).valid_to is None


def test_the_blank_rows_of_the_matrix_form_publish_nothing(users, deal):
    """The page's extra rows, posted as the browser sends them (every select at its first option), add no rule."""
    import re

    client = _client(users.admin)
    page = client.get("/opportunities/configuration/matrix/").content.decode()
    current = matrix_in_force()
    data = _matrix_post(current)
    total = int(re.search(r'name="rules-TOTAL_FORMS" value="(\d+)"', page).group(1))
    assert total == current.rules.count() + 2
    data.update({"rules-TOTAL_FORMS": str(total), "rules-INITIAL_FORMS": str(current.rules.count())})
    for i in range(current.rules.count(), total):
        data.update({f"rules-{i}-{name}": "" for name in ("gate_type", "dimension", "operator", "threshold",
                                                          "threshold_text", "offering_line", "required_level", "label")})
    response = client.post("/opportunities/configuration/matrix/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert matrix_in_force().rules.count() == current.rules.count()


def test_an_administrator_adds_and_edits_a_product_in_chinese(users, lines, deal):
    from m2c.opportunities.models import Product

    client = _client(users.admin)
    data = {"code": "AP-W8", "name": "Wi-Fi 8 接入点", "name_en": "", "offering_line": lines.wlan.pk,
            "kind": "hardware", "unit": "piece", "cost_currency": "CNY", "standard_cost": "880.50",
            "description": "室内高密场景", "active": "on"}
    response = client.post("/opportunities/configuration/products/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(code="AP-W8")
    assert (product.name, product.offering_line, product.standard_cost) == ("Wi-Fi 8 接入点", lines.wlan, Decimal("880.50"))
    response = client.post(f"/opportunities/configuration/products/{product.pk}/",
                           {**data, "code": "CHANGED", "name": "Wi-Fi 8 高密接入点", "standard_cost": "900"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.code, product.name, product.standard_cost) == ("AP-W8", "Wi-Fi 8 高密接入点", Decimal("900"))
    bad = client.post(f"/opportunities/configuration/products/{product.pk}/", {**data, "standard_cost": "-1"})
    assert bad.status_code == 422 and 'data-field="standard_cost"' in bad.content.decode()
    assert Product.objects.get(pk=product.pk).standard_cost == Decimal("900")


@pytest.mark.parametrize("role", ["sr", "finance", "partner"])
def test_other_roles_cannot_open_or_change_products(users, deal, role):
    product = deal.products.ap
    client = _client(getattr(users, role))
    for url in ("/opportunities/configuration/products/", f"/opportunities/configuration/products/{product.pk}/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"code": product.code, "name": "改名"}).status_code == 403
    product.refresh_from_db()
    assert product.name == "Wi-Fi 7 接入点"
