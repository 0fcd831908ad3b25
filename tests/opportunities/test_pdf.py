"""The quote PDF: Chinese and English, company header, lines and totals; cost and margin never shown."""

from __future__ import annotations

import io

from pypdf import PdfReader

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
