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
