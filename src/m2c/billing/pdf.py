"""The company's invoice notice (发票通知) as PDF in Chinese or English, with the CJK font machinery of the
quote PDF (configured, system, else the subset shipped in m2c/core/fonts): every machine renders it."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from m2c.core import fonts
from m2c.core.formatting import format_money

from .models import Invoice


def render(invoice: Invoice, language: str = "zh-hans") -> bytes:
    language = "en" if language.lower().startswith("en") else "zh-hans"
    with translation.override(language):
        return _render(invoice)


def _render(inv: Invoice) -> bytes:
    family = "cjk"
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    fonts.add_cjk_font(pdf, family)
    pdf.add_page()

    def text(value: Any) -> str:
        return str(value or "")

    def money(value: Any) -> str:
        return format_money(value, inv.currency, with_currency=False)

    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, text(_("Invoice notice")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    rows = [
        (_("Request number"), inv.number), (_("Official invoice number"), inv.official_number or "—"),
        (_("Invoice date"), inv.issued_on or "—"), (_("Due date"), inv.due_date or "—"),
        (_("VAT invoice type"), inv.get_vat_type_display()), (_("Contract number"), inv.contract.number),
        (_("Customer PO"), inv.purchase_order.number if inv.purchase_order_id else "—"),
        (_("Buyer name"), inv.buyer_name), (_("Buyer taxpayer id"), inv.buyer_tax_id or "—"),
        (_("Buyer address"), inv.buyer_address or "—"), (_("Buyer phone"), inv.buyer_phone or "—"),
        (_("Buyer bank and account"), inv.buyer_bank or "—"), (_("Status"), inv.get_status_display()),
    ]
    for label, value in rows:
        pdf.cell(45, 6, text(label))
        pdf.cell(0, 6, text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (80, 20, 28, 24, 28)
    pdf.set_font(family, "B", 9)
    for width, head in zip(widths, (_("Item"), _("Tax rate %"), _("Amount excluding tax"), _("Tax"), _("Total")),
                           strict=True):
        pdf.cell(width, 7, text(head), border=1)
    pdf.ln()
    pdf.set_font(family, size=9)
    for line in inv.lines.all():
        cells = (line.description[:48], f"{line.tax_rate.normalize():f}%", money(line.net), money(line.tax),
                 money(line.total))
        for i, (width, value) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 7, text(value), border=1, align="L" if i == 0 else "R")
        pdf.ln()
    pdf.set_font(family, "B", 9)
    for label, value in ((_("Amount excluding tax"), inv.net), (_("Tax"), inv.tax),
                         (_("Total"), inv.total), (_("Credited"), inv.credited), (_("Paid"), inv.paid),
                         (_("Open amount"), inv.open_amount)):
        pdf.cell(152, 6, text(label), align="R")
        pdf.cell(28, 6, text(f"{money(value)} {inv.currency}"), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
