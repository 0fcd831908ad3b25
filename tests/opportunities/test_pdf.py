"""The quote PDF: Chinese and English, company header, lines and totals; cost and margin never shown."""

from __future__ import annotations

import io

from pypdf import PdfReader

from m2c.core import fonts
from m2c.opportunities import pdf
from m2c.opportunities.models import CompanyProfile

from . import flows


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")


def test_the_quote_pdf_in_chinese_and_english(deal):
    CompanyProfile.objects.create(name="华擎网络技术有限公司", name_en="Huaqing Networks Co., Ltd.", phone="+86 21 5555 0100")
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal)
    zh = _text(pdf.render(quote, "zh-hans"))
    en = _text(pdf.render(quote, "en"))
    assert "华擎网络技术有限公司" in zh and "报价单" in zh and "申江大学" in zh
    assert "10,000,000.00" in zh and "北校区" in zh
    assert "Huaqing Networks Co., Ltd." in en and "Quotation" in en and "Wi-Fi 7 access point" in en
    for text in (zh, en):
        assert "7,000,000" not in text  # the cost is internal


def test_a_chinese_quote_renders_with_the_shipped_font_when_the_machine_has_none(deal, settings, tmp_path):
    """A fresh machine: no configured font and no system CJK font, only the subset shipped in m2c/core/fonts."""
    settings.M2C_PDF_FONT = None
    settings.M2C_PDF_FONT_DIRS = [str(tmp_path)]  # an empty folder stands for a machine without fonts
    assert fonts.cjk_font() == fonts.BUNDLED_FONT
    CompanyProfile.objects.create(name="华擎网络技术有限公司", name_en="Huaqing Networks Co., Ltd.")
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal)
    data = pdf.render(quote, "zh-hans")
    zh = _text(data)
    assert "华擎网络技术有限公司" in zh and "报价单" in zh and "申江大学" in zh and "北校区" in zh
    assert "10,000,000.00" in zh and "7,000,000" not in zh
    assert "?" not in zh  # no character the font lacks was replaced
    embedded = {str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(data)).pages
             for f in page["/Resources"]["/Font"].get_object().values()}
    assert any("NotoSansCJK" in name for name in embedded), embedded
    assert "Quotation" in _text(pdf.render(quote, "en"))


def test_the_shipped_font_is_small_and_carries_its_licence():
    from m2c.core import fonts

    for path in (fonts.CJK_REGULAR, fonts.CJK_BOLD):
        assert path.is_file() and path.stat().st_size < 2.5 * 1024 * 1024
    licence = (fonts.FONT_DIR / "LICENSE-OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_the_quote_pdf_shows_vat_per_line_the_total_in_capitals_and_a_seal_area(deal):
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal)  # 10,000 access points (hardware, 13% VAT) at 1,000 = 10,000,000.00 CNY
    zh = _text(pdf.render(quote, "zh-hans"))
    en = _text(pdf.render(quote, "en"))
    # 10,000,000 × 13 / 113, rounded to the fen
    assert "1,150,442.48" in zh and "1,150,442.48" in en
    assert "13%" in zh
    assert "人民币壹仟万元整" in zh and "人民币壹仟万元整" in en
    assert "增值税" in zh and "大写" in zh and "盖章" in zh
    assert "VAT" in en and "company seal" in en
