"""A crawler for the page walks: every page a user can reach from the menu and the pages it links to.

Pages are visited once per URL pattern (ids replaced), so a list of 300 customers costs one detail visit;
a pattern is loaded in the browser once per walk and read from the server's HTML for the other roles.
The checks run on the visible text: English words that are neither on the allow-list (brands, codes,
units) nor part of the data users entered (names of customers, contacts, people, free text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

# Links never followed: they sign out, download files, leave the app or change data on GET.
SKIP = re.compile(
    r"^/(logout|i18n|jsi18n|static|media|api|admin)/|\.csv$|/pdf/$|/export|/errors\.csv|/form/[^/]+/|/undo/$|/download/$"
)
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/)\d+(?=/)")

# Words allowed on a Chinese page: the brand, process and gate acronyms, currency and file codes,
# units and technical names users know in English.
ALLOWED = {
    "m2c", "mtl", "ltc", "ati", "atb", "atc", "ar", "sr", "fr", "sdt", "api", "csv", "xlsx", "xls",
    "pdf", "cny", "usd", "eur", "hkd", "sgd", "aed", "jpy", "gbp", "id", "url", "email", "sla", "kpi",
    "wi", "fi", "it", "ict", "crm", "vat", "excel", "span", "appeals", "bant", "roi", "po", "sku", "uuid", "json",
    "http", "https", "www", "html", "openapi", "echarts", "htmx", "bootstrap", "nps", "vs",
    # credit ratings, encodings, the HTTP header of the API example, the service desk process (ITR)
    "aaa", "aa", "bbb", "bb", "ccc", "bom", "gbk", "utf", "authorization", "bearer", "itr", "cfo", "rr",
    "english",  # a language named in its own language (the PDF and language menus)
    "zh", "en",  # the language codes a person types into an invitation list (the form names them)
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
# Addresses, paths, e-mail addresses and hex ids are not words to translate.
NOT_WORDS = re.compile(r"\S*[/@]\S*|\b[0-9a-f]{6,}\b|\b\w*_\w*\b(?=\s*[:=])|\b[A-Z]{1,6}-\d[\w-]*|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
# Columns that hold codes the software wrote (states, event types, hashes), not text a person typed:
# their words must not hide an untranslated state or kind shown on a page.
MACHINE_COLUMN = re.compile(r"(^|_)(status|state|stage|kind|type|key|keys|hash|password|prefix|fingerprint|sha|sha256|"
                            r"token|id|ref|level|currency|channel|path|file|payload|request|review_reason)$")
MACHINE_MODELS = {"Event", "Notification", "ApiToken", "Session", "LogEntry", "Permission", "ContentType"}


def pattern(path: str) -> str:
    return ID.sub("<id>", path)


def english_words(text: str, vocabulary: set[str]) -> list[str]:
    """Words of ``text`` that look English, are not allowed and are not user data."""
    found = []
    for word in WORD.findall(NOT_WORDS.sub(" ", text)):
        lower = word.lower()
        if len(lower) < 2 or lower in ALLOWED or lower in vocabulary:
            continue
        found.append(word)
    return found


def data_vocabulary() -> set[str]:
    """Every word users (or the demo loader) typed into a free-text column: names, titles, notes.

    Columns with choices (states, kinds) and English twin names (``name_en``) are left out: showing
    those on a Chinese page is exactly the bug the walk looks for.
    """
    from django.apps import apps
    from django.db import models

    words: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("m2c.") or model.__name__ in MACHINE_MODELS:
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices
                  and not f.name.endswith("_en") and not MACHINE_COLUMN.search(f.name)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields)[:5000]:
            for value in row:
                if value:
                    # Split as ``english_words`` splits a page: "ZB-cd9db6ef-fa84" shows as "fa" there.
                    words.update(w.lower() for w in WORD.findall(str(value)))
                    words.update(w.lower() for w in WORD.findall(NOT_WORDS.sub(" ", str(value))))
    return words


# One round trip per page: the visible text (with titles, placeholders, options and the menu, which is
# hidden off-canvas on a phone), the links to follow and the page's widths.
INSPECT = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label],option,nav')) {
    for (const a of ['title', 'placeholder', 'aria-label']) { if (el.getAttribute(a)) parts.push(el.getAttribute(a)); }
    if (el.tagName === 'OPTION' || el.tagName === 'NAV') parts.push(el.textContent);
  }
  return {
    text: parts.join('\\n'),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  };
}"""


class PageText(HTMLParser):
    """What ``INSPECT`` reads in the browser, read from the HTML the server sent: text, attributes, links.

    Hidden elements (closed menus and dialogs, collapsed panels) are read too, so this is stricter than
    the browser's ``innerText``; only what scripts add after loading is missed.
    """

    ATTRIBUTES = ("title", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        values = dict(attrs)
        self.parts.extend(values[name] for name in self.ATTRIBUTES if values.get(name))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _follow(found_links: Iterable[str], seen: set[str], queue: list[str]) -> None:
    for href in found_links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        if pattern(parts.path) not in seen:
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def walk(open_page: Any, client: Any, start: Iterable[str], *, browsed: set[str], limit: int = 200,
         landed: Any = None) -> dict[str, dict[str, Any]]:
    """Visit every same-site page reachable from ``start``, one per URL pattern; return findings per path.

    A pattern not yet in ``browsed`` (shared by the roles of one walk) is loaded in the browser tab that
    ``open_page()`` returns, where its text, links and widths are read after layout; a pattern another role
    already had in the browser is read from the HTML Django's test ``client`` gets, signed in as the same
    user: its text and links, not its layout (the template's layout was checked). Chromium spent ~0.3 s of
    CPU a page and most patterns are reached by several roles.

    ``landed``: ``(page, response)`` of the page the tab already shows (the one signing in landed on); when
    that page is the first of ``start`` it is inspected as it is instead of being loaded a second time.
    """
    queue = list(start)
    seen: set[str] = set()
    results: dict[str, dict[str, Any]] = {}
    while queue and len(results) < limit:
        path = queue.pop(0)
        key = pattern(urlsplit(path).path)
        if key in seen:
            continue
        seen.add(key)
        if landed is not None and urlsplit(landed[0].url).path == path:
            page, response = landed
        elif key not in browsed:
            page = open_page()
            response = page.goto(path, wait_until="domcontentloaded")
        else:
            page = None
        landed = None
        if page is not None:
            browsed.add(key)
            found = page.evaluate(INSPECT)
            results[path] = {"status": response.status if response else 0, "final": urlsplit(page.url).path,
                             "text": found["text"], "scroll": found["scroll"], "client": found["client"],
                             "browser": True}
            _follow(found["links"], seen, queue)
            continue
        answer = client.get(path, follow=True)
        parser = PageText()
        if answer.get("Content-Type", "").startswith("text/html"):
            parser.feed(answer.content.decode(answer.charset or "utf-8"))
        final = answer.redirect_chain[-1][0] if answer.redirect_chain else path
        results[path] = {"status": answer.status_code, "final": urlsplit(final).path, "text": "\n".join(parser.parts),
                         "scroll": 0, "client": 0, "browser": False}
        _follow(parser.links, seen, queue)
    return results
