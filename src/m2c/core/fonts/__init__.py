"""Fonts shipped with the package, so documents render the same on every machine (see README.md here)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings

FONT_DIR = Path(__file__).resolve().parent
# Noto Sans CJK SC cut down to GB2312, ASCII, Latin-1 and punctuation (SIL OFL 1.1, LICENSE-OFL.txt).
CJK_REGULAR = FONT_DIR / "M2CSansSC-Regular.otf"
CJK_BOLD = FONT_DIR / "M2CSansSC-Bold.otf"

# Full CJK fonts by file name, searched in settings.M2C_PDF_FONT_DIRS: (regular, bold, index of the
# Simplified Chinese face in a collection).
SYSTEM_FONTS = [
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", 2),
    ("PingFang.ttc", "PingFang.ttc", 0),
    ("msyh.ttc", "msyhbd.ttc", 0),
]
SYSTEM_FONT_DIRS = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
]
# Shipped with the package: always there, covers GB2312 (see m2c/core/fonts/README.md).
BUNDLED_FONT = (str(CJK_REGULAR), str(CJK_BOLD), 0)
def cjk_font() -> tuple[str, str, int]:
    """(regular, bold, collection index) of the CJK font to embed: configured, system, else bundled."""
    configured = getattr(settings, "M2C_PDF_FONT", None) or os.environ.get("M2C_PDF_FONT")
    if configured and Path(configured).is_file():
        return configured, configured, 0
    dirs = getattr(settings, "M2C_PDF_FONT_DIRS", None)
    for folder in SYSTEM_FONT_DIRS if dirs is None else dirs:
        for regular, bold, index in SYSTEM_FONTS:
            path = Path(folder) / regular
            if path.is_file():
                bold_path = Path(folder) / bold
                return str(path), str(bold_path if bold_path.is_file() else path), index
    return BUNDLED_FONT


def add_cjk_font(pdf: Any, family: str = "cjk") -> str:
    """Register the CJK font of ``cjk_font()`` (regular and bold) on an fpdf2 document under ``family``."""
    regular, bold, index = cjk_font()
    pdf.add_font(family, "", regular, collection_font_number=index)
    pdf.add_font(family, "B", bold, collection_font_number=index)
    return family
