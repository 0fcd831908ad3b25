"""The Content-Security-Policy (``script-src 'self'``) refuses inline event handlers, so a template that
writes ``onchange="…"`` ships a control that silently does nothing (eight list filters did). Behaviour
goes through ``web/m2c.js`` (``data-autosubmit``, ``data-select-all``, …) instead."""

from __future__ import annotations

import re
from pathlib import Path

import m2c

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler():
    root = Path(m2c.__file__).resolve().parent
    found = []
    for template in sorted(root.rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE_HANDLER.search(line):
                found.append(f"{template.relative_to(root)}:{number}: {line.strip()[:120]}")
    assert not found, "inline handlers the CSP refuses:\n" + "\n".join(found)


def test_the_check_finds_an_inline_handler():
    assert INLINE_HANDLER.search('<select name="year" onchange="this.form.submit()">')
    assert not INLINE_HANDLER.search('<select name="year" data-autosubmit>')
