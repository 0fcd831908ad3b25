"""Build the CJK font subset shipped in src/m2c/core/fonts/ (run once; the output is committed).

Source: Noto Sans CJK SC (SIL Open Font License 1.1), as installed by Debian's fonts-noto-cjk. The subset
keeps the GB2312 level-1 and level-2 hanzi (6,763 characters, the set nearly every Chinese company and
place name is written in), ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width
forms and currency signs, so a quote renders on a machine with no CJK font installed. Documents prefer a
full system font when one is found (pdf.py), so rarer characters still render where it is installed.

    .venv/bin/python scripts/build_cjk_font.py [/path/to/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "m2c" / "core" / "fonts"
SOURCES = {
    "M2CSansSC-Regular.otf": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "M2CSansSC-Bold.otf": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
SC_INDEX = 2  # the Simplified Chinese face of the Noto Sans CJK collection


def gb2312_characters() -> set[str]:
    """Every character of GB2312 (levels 1 and 2 hanzi plus its symbols), decoded from the code table."""
    chars: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> set[str]:
    chars = gb2312_characters()
    ranges = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1
        (0x2000, 0x206F),  # general punctuation
        (0x20A0, 0x20CF),  # currency signs
        (0x2100, 0x214F),  # letterlike symbols (№, ℃)
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed numbers
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF00, 0xFFEF),  # half- and full-width forms
    ]
    for start, end in ranges:
        chars.update(chr(c) for c in range(start, end + 1))
    return chars


def build(name: str, source: str) -> Path:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = []  # a PDF generator uses no OpenType features; they cost ~1 MB
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[ord(c) for c in wanted()])
    subsetter.subset(font)
    target = OUT / name
    font.save(target)
    return target


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    if len(sys.argv) > 1:
        SOURCES["M2CSansSC-Regular.otf"] = sys.argv[1]
        SOURCES["M2CSansSC-Bold.otf"] = sys.argv[1].replace("Regular", "Bold")
    for name, source in SOURCES.items():
        path = build(name, source)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024 / 1024:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
