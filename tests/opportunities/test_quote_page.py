"""The quote page: a draft changes its price list (lines re-priced), a new quote starts from the price list
of its currency, and the page shows VAT per line, the total in Chinese capitals and a seal area."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from m2c.core.errors import ValidationFailed
from m2c.opportunities import services
from m2c.opportunities.models import PriceList, PriceListItem

from . import flows

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["m2c_language"] = language
    return client


def test_a_new_quote_starts_from_the_price_list_of_its_currency(deal):
    opp = flows.to_o2(deal)
    old = PriceList.objects.create(code="cn-2025", name="2025", currency="CNY", valid_from=dt.date(2025, 1, 1),
                                   valid_to=dt.date(2025, 12, 31))
    PriceList.objects.create(code="us-2026", name="2026 USD", currency="USD")
    quote = services.quote_create(opportunity=opp, actor=deal.sr)
    assert quote.currency == "CNY" and quote.price_list == deal.price_list != old
    # a product line takes its list price from there, without one given
    line = services.quote_line_add(quote=quote, actor=deal.sr, product=deal.products.ap, quantity="2")
    assert line.unit_list_price == Decimal("1000")


def test_a_draft_quote_changes_its_price_list_and_its_lines_are_repriced(deal):
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal, approve=False)  # 10,000 APs at 1,000
    services.quote_line_add(quote=quote, actor=deal.sr, description="Cabling", quantity="1", unit_list_price="5000")
    promo = PriceList.objects.create(code="cn-edu-2026", name="2026 教育行业价目表", currency="CNY")
    PriceListItem.objects.create(price_list=promo, product=deal.products.ap, list_price=Decimal("800"))
    usd = PriceList.objects.create(code="us-2026", name="2026 USD", currency="USD")

    client = _client(deal.sr, "zh-hans")
    page = client.get(f"/opportunities/quotes/{quote.pk}/").content.decode()
    assert 'name="price_list"' in page and "2026 教育行业价目表" in page and "2026 USD" not in page
    response = client.post(f"/opportunities/quotes/{quote.pk}/", {
        "action": "header", "title": quote.title, "valid_until": "2027-03-23", "price_list": str(promo.pk),
        "payment_terms": "", "delivery_terms": ""})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.price_list == promo and quote.valid_until == dt.date(2027, 3, 23)
    prices = {line.description: line.unit_list_price for line in quote.lines.all()}
    assert prices == {"Wi-Fi 7 access point": Decimal("800"), "Cabling": Decimal("5000")}
    assert quote.total_net == Decimal("8005000.00")

    with pytest.raises(ValidationFailed):
        services.quote_update(quote=quote, actor=deal.sr, price_list=usd)
    assert PriceList.objects.get(pk=quote.price_list_id) == promo


def test_the_quote_page_shows_vat_per_line_capitals_and_a_seal_area(deal):
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal, approve=False)
    services.quote_line_add(quote=quote, actor=deal.sr, product=deal.products.service, quantity="10")  # 20,000, 6%
    page = _client(deal.sr, "zh-hans").get(f"/opportunities/quotes/{quote.pk}/").content.decode()
    assert "1,150,442.48 CNY" in page  # 10,000,000 × 13/113
    assert "1,132.08 CNY" in page  # 20,000 × 6/106
    assert 'id="total-vat">1,151,574.56 CNY' in page
    assert "人民币壹仟零贰万元整" in page
    assert 'id="seal-area"' in page and "盖章" in page
