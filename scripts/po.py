"""Small .po utilities: list untranslated entries, fill them from a mapping.

    python scripts/po.py missing [APP ...]          print untranslated msgids as JSON
    python scripts/po.py fill MAPPING.json [APP ...]   fill empty msgstr from {msgid: msgstr}

A mapping key "context|msgid" fills only the entry with that msgctxt (pgettext).

Plural entries take a list of forms in the mapping (Chinese has one form).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "m2c"


def catalogues(apps: list[str]) -> list[Path]:
    found = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
    if not apps:
        return found
    return [p for p in found if (p.parents[3].name if p.parents[3] != ROOT else "project") in apps
            or (p.parents[3] == ROOT and "project" in apps)]


ENTRY = re.compile(r"\n\n(?=#|msgctxt|msgid)")


def _unquote(block: str, key: str) -> str | None:
    lines = block.splitlines()
    out, active = [], False
    for line in lines:
        if line.startswith(key + " "):
            active = True
            out.append(line[len(key) + 1:])
        elif active and line.startswith('"'):
            out.append(line)
        elif active:
            break
    if not active:
        return None
    return "".join(json.loads(part) for part in out)


def parse(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    entries = []
    for block in ENTRY.split(text):
        msgid = _unquote(block, "msgid")
        if msgid is None or msgid == "":
            continue
        plural = _unquote(block, "msgid_plural")
        if plural is not None:
            strs = [_unquote(block, f"msgstr[{i}]") or "" for i in range(2)]
            msgstr = strs[0]
        else:
            msgstr = _unquote(block, "msgstr") or ""
        entries.append({"msgid": msgid, "plural": plural, "msgstr": msgstr, "fuzzy": "#, fuzzy" in block
                        or ", fuzzy" in block, "context": _unquote(block, "msgctxt"), "block": block})
    return entries


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(path: Path, mapping: dict) -> int:
    text = path.read_text(encoding="utf-8")
    blocks = ENTRY.split(text)
    filled = 0
    for i, block in enumerate(blocks):
        msgid = _unquote(block, "msgid")
        context = _unquote(block, "msgctxt")
        key = f"{context}|{msgid}" if context is not None and f"{context}|{msgid}" in mapping else msgid
        if not msgid or key not in mapping:
            continue
        value = mapping[key]
        block = "\n".join(line for line in block.splitlines() if line.strip() not in ("#, fuzzy",))
        block = re.sub(r"#, fuzzy, ", "#, ", block)
        block = re.sub(r"^#\| .*\n?", "", block, flags=re.M)
        if "msgid_plural" in block:
            forms = value if isinstance(value, list) else [value]
            head = block.split("\nmsgstr[")[0]
            block = head + "".join(f"\nmsgstr[{n}] {_quote(forms[min(n, len(forms) - 1)])}" for n in range(2))
        else:
            head = block.split("\nmsgstr ")[0]
            block = head + f"\nmsgstr {_quote(value)}"
        blocks[i] = block
        filled += 1
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    return filled


def main() -> None:
    command, *rest = sys.argv[1:]
    if command == "missing":
        missing = {}
        for path in catalogues(rest):
            for e in parse(path):
                if not e["msgstr"] or e["fuzzy"]:
                    missing[e["msgid"]] = "" if e["plural"] is None else ["", e["plural"]]
        print(json.dumps(missing, ensure_ascii=False, indent=1))
    elif command == "fill":
        mapping = json.loads(Path(rest[0]).read_text(encoding="utf-8"))
        for path in catalogues(rest[1:]):
            print(path.relative_to(ROOT), fill(path, mapping))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
