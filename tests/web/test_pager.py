"""The list pager (web/_pager.html), one partial for every list: previous and next keep the list's filters,
a list whose table htmx swaps in place asks for the table only, and a list that fits one page has no pager.
The customers browser test (tests/e2e/test_customers_browser.py) pages through a list in Chromium."""

from __future__ import annotations

from pathlib import Path

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

SRC = Path(__file__).resolve().parents[2] / "src" / "m2c"
LISTS = {
    "customers/templates/customers/partials/customer_table.html": "#customer-table",
    "leads/templates/leads/partials/lead_table.html": "#lead-table",
    "opportunities/templates/opportunities/partials/opportunity_table.html": "#opportunity-table",
    "contracts/templates/contracts/contract_list.html": None,
    "billing/templates/billing/invoice_list.html": None,
    "campaigns/templates/campaigns/partials/campaign_table.html": None,
}


def _pager(number: int, pages: int = 3, **context: object) -> str:
    page = Paginator(range(pages * 25), 25).get_page(number)
    return render_to_string("web/_pager.html", {"page": page, **context})


def test_previous_and_next_keep_the_filters_and_swap_the_table():
    html = _pager(2, query="status=new&search=%E7%94%B3", target="#lead-table")
    assert 'href="?status=new&amp;search=%E7%94%B3&amp;page=1"' in html
    assert 'href="?status=new&amp;search=%E7%94%B3&amp;page=3"' in html
    assert html.count('hx-target="#lead-table"') == 2 and html.count('hx-push-url="true"') == 2
    assert 'hx-get="?status=new&amp;search=%E7%94%B3&amp;page=3"' in html
    assert "Page 2 of 3" in html


def test_without_a_filter_or_a_target():
    html = _pager(1, query="")
    assert 'href="?page=2"' in html and "hx-get" not in html
    assert "Previous" not in html  # on the first page
    assert "Next" not in _pager(3, query="")  # on the last page
    assert _pager(1, pages=1, query="").strip() == ""  # one page: no pager at all


def test_the_pager_speaks_chinese():
    with translation.override("zh-hans"):
        html = _pager(2, query="")
    assert "上一页" in html and "下一页" in html and "第 2 页，共 3 页" in html and 'aria-label="分页"' in html


def test_every_list_uses_the_partial():
    for path, target in LISTS.items():
        source = (SRC / path).read_text(encoding="utf-8")
        assert "pagination" not in source and "has_next" not in source, f"{path} has a pager of its own"
        include = '{% include "web/_pager.html" with page=page query=query' + (f' target="{target}"' if target else "")
        assert include in source, path
