"""QR images of registration codes (``segno``): an SVG data URI for pages, a PNG for emails."""

from __future__ import annotations

import io

import segno


def qr_svg_data_uri(code: str) -> str:
    return segno.make(code, error="m").svg_data_uri(scale=6, border=2)


def qr_png(code: str) -> bytes:
    out = io.BytesIO()
    segno.make(code, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()
