"""Fonts shipped with the package, so documents render the same on every machine (see README.md here)."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent
# Noto Sans CJK SC cut down to GB2312, ASCII, Latin-1 and punctuation (SIL OFL 1.1, LICENSE-OFL.txt).
CJK_REGULAR = FONT_DIR / "M2CSansSC-Regular.otf"
CJK_BOLD = FONT_DIR / "M2CSansSC-Bold.otf"
