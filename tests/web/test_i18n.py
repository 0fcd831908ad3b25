"""Every user-facing string ships in Simplified Chinese, and the compiled catalogues match the sources."""

import gettext
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "src" / "m2c"
sys.path.insert(0, str(ROOT.parents[1] / "scripts"))
import po  # noqa: E402

CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    with_catalogue = {p.parents[3].name for p in CATALOGUES}
    for app in apps:
        sources = [f for f in (ROOT / app).rglob("*") if f.suffix in (".py", ".html") and "migrations" not in f.parts]
        if any("gettext" in f.read_text(encoding="utf-8") or "{% translate" in f.read_text(encoding="utf-8")
               for f in sources):
            assert app in with_catalogue, f"{app} has translatable strings but no zh_Hans catalogue"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    untranslated = [e["msgid"] for e in po.parse(path) if not e["msgstr"] or e["fuzzy"]]
    assert untranslated == [], f"{len(untranslated)} untranslated in {path.name}: {untranslated[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_source(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run scripts/messages.py"
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in po.parse(path):
        if entry["plural"] is None:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], f"stale .mo for {entry['msgid']!r}"
