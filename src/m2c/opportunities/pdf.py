"""The quote as a PDF, in Simplified Chinese or English, on the company's letterhead.

Chinese needs a CJK font: ``settings.M2C_PDF_FONT`` (or the ``M2C_PDF_FONT`` environment variable: a .ttf,
.otf or .ttc whose first face is Simplified Chinese) when set, else a full CJK font found in
``settings.M2C_PDF_FONT_DIRS`` (Debian's fonts-noto-cjk, Fedora, macOS, Windows), else the GB2312 subset of
Noto Sans CJK SC shipped in ``m2c/core/fonts`` (SIL OFL 1.1), so every machine renders the same document.
Cost and margin are internal: the customer's document never shows them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from m2c.core import fonts
from m2c.core.formatting import chinese_capitals, format_money, format_number, format_percent

from . import vat
from .models import CompanyProfile, Quote
from .states import QuoteStatus

BRAND = (196, 30, 58)
GREY = (110, 110, 110)


class QuotePDF(FPDF):
    def __init__(self, *, footer_text: str, family: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.family = family
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _amount(value: Decimal, currency: str) -> str:
    return format_money(value, currency, with_currency=False)


def _qty(value: Decimal) -> str:
    return format_number(value.normalize())


def quote_number(quote: Quote) -> str:
    return f"Q-{str(quote.opportunity_id)[:8].upper()}-V{quote.number}"


def render(quote: Quote, language: str = "zh-hans") -> bytes:
    """The PDF bytes of ``quote`` in ``language`` ("zh-hans" or "en")."""
    language = "en" if language.lower().startswith("en") else "zh-hans"
    with translation.override(language):
        return _render(quote, language)


def _render(quote: Quote, language: str) -> bytes:
    company = CompanyProfile.current()
    english = language == "en"
    family = "cjk"
    pdf = QuotePDF(footer_text=_("%(company)s · Quotation %(number)s")
                   % {"company": (company.name_en if english and company.name_en else company.name),
                      "number": quote_number(quote)}, family=family)
    fonts.add_cjk_font(pdf, family)
    pdf.alias_nb_pages()
    pdf.add_page()

    def text(value: Any) -> str:
        return str(value or "")

    # Letterhead.
    pdf.set_fill_color(*BRAND)
    pdf.rect(15, 12, 3, 18, style="F")
    pdf.set_xy(21, 12)
    pdf.set_font(family, "B", 15)
    pdf.set_text_color(30, 30, 30)
    name = company.name_en if english and company.name_en else company.name
    pdf.cell(0, 8, text(name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(21)
    pdf.set_font(family, size=8)
    pdf.set_text_color(*GREY)
    address = company.address_en if english and company.address_en else company.address
    contact = " · ".join(x for x in (address, company.phone, company.email, company.website) if x)
    pdf.multi_cell(0, 4, text(contact), new_x="LMARGIN", new_y="NEXT")
    if company.tax_no:
        pdf.set_x(21)
        pdf.cell(0, 4, text(_("Tax registration number: %(no)s") % {"no": company.tax_no}), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    # Title block.
    pdf.set_text_color(30, 30, 30)
    pdf.set_font(family, "B", 20)
    pdf.cell(100, 10, text(_("Quotation")))
    pdf.set_font(family, size=9)
    issued = timezone.localtime(quote.submitted_at).date() if quote.submitted_at else timezone.localdate()
    meta = [
        (_("Quotation no."), quote_number(quote)),
        (_("Date"), issued.isoformat()),
        (_("Valid until"), quote.valid_until.isoformat() if quote.valid_until else "—"),
        (_("Currency"), quote.currency),
    ]
    y = pdf.get_y()
    for i, (label, value) in enumerate(meta):
        pdf.set_xy(125, y + i * 5)
        pdf.set_text_color(*GREY)
        pdf.cell(28, 5, text(label))
        pdf.set_text_color(30, 30, 30)
        pdf.cell(0, 5, text(value))
    pdf.set_y(y + 22)

    # Customer.
    customer = quote.opportunity.customer
    pdf.set_font(family, "B", 10)
    pdf.cell(0, 6, text(_("To")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.cell(0, 5, text(customer.legal_name), new_x="LMARGIN", new_y="NEXT")
    place = " ".join(x for x in (customer.province, customer.city, customer.address) if x)
    if place:
        pdf.set_font(family, size=8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 5, text(place), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
    pdf.set_font(family, size=9)
    pdf.cell(0, 6, text(_("Project: %(name)s") % {"name": quote.title or quote.opportunity.name}),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # Lines: prices include VAT (含税价); each line shows its rate and the tax it contains.
    pdf.set_font(family, size=7.5)
    pdf.set_fill_color(255, 255, 255)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BRAND)
    widths = (7, 40, 22, 17, 22, 12, 22, 11, 20, 27)
    taxes, total_tax = vat.quote_taxes(quote)
    with pdf.table(col_widths=widths, text_align=("CENTER", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                                  "RIGHT", "RIGHT"),
                   headings_style=heading, line_height=5, padding=1.2, borders_layout="HORIZONTAL_LINES",
                   cell_fill_color=(248, 246, 246), cell_fill_mode="ROWS") as table:
        header = table.row()
        for label in ("#", _("Item"), _("Site or phase"), _("Qty"), _("Unit list price"), _("Discount"),
                      _("Unit net price"), _("VAT rate"), _("VAT"), _("Net amount (VAT incl.)")):
            header.cell(text(label))
        for i, tax in enumerate(taxes, start=1):
            line = tax.line
            row = table.row()
            item = line.description
            if line.product_id:
                product = line.product
                item = f"{product.code} {product.name_en if english and product.name_en else product.name}"
                if line.description and line.description not in (product.name, product.name_en):
                    item += f"\n{line.description}"
            row.cell(str(i))
            row.cell(text(item))
            row.cell(text(line.site or "—"))
            unit = f" {line.product.get_unit_display()}" if line.product_id else ""
            row.cell(text(_qty(line.quantity) + unit))
            row.cell(_amount(line.unit_list_price, quote.currency))
            row.cell(format_percent(line.discount_pct, 2))
            row.cell(_amount(line.unit_net_price, quote.currency))
            row.cell(format_percent(tax.rate, 0))
            row.cell(_amount(tax.tax, quote.currency))
            row.cell(_amount(tax.net, quote.currency))
    pdf.ln(3)

    # Totals, then the total in Chinese capitals (大写) as contracts and invoices state it.
    discount = quote.total_list - quote.total_net
    totals = [
        (_("Total at list price"), _amount(quote.total_list, quote.currency)),
        (_("Discount (%(pct)s)") % {"pct": format_percent(quote.discount_pct, 2)},
         "-" + _amount(discount, quote.currency)),
        (_("of which VAT"), _amount(total_tax, quote.currency)),
        (_("Total net price (VAT incl.)"), _amount(quote.total_net, quote.currency)),
    ]
    for i, (label, value) in enumerate(totals):
        last = i == len(totals) - 1
        pdf.set_x(85)
        pdf.set_font(family, "B" if last else "", 11 if last else 9)
        pdf.cell(60, 6, text(label), align="R")
        pdf.cell(50, 6, text(f"{value} {quote.currency}" if last else value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 9.5)
    pdf.cell(0, 7, text(_("Amount in words: %(words)s") % {"words": chinese_capitals(quote.total_net, quote.currency)}),
             align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # Terms.
    for label, body in ((_("Payment terms"), quote.payment_terms), (_("Delivery terms"), quote.delivery_terms),
                        (_("Notes"), quote.notes)):
        if not body:
            continue
        pdf.set_font(family, "B", 9.5)
        pdf.cell(0, 6, text(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=8.5)
        pdf.multi_cell(0, 4.5, text(body), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    if quote.status not in (QuoteStatus.APPROVED, QuoteStatus.SUBMITTED):
        pdf.set_font(family, "B", 9)
        pdf.set_text_color(*BRAND)
        pdf.cell(0, 6, text(_("Draft (%(status)s): not valid as an offer.") % {"status": quote.get_status_display()}),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
    # Signatures, and the seal area (盖章处) a Chinese company stamps over its signature.
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.ln(8)
    pdf.set_font(family, size=8.5)
    top = pdf.get_y()
    pdf.cell(90, 5, text(_("For and on behalf of %(company)s") % {"company": name}))
    pdf.cell(0, 5, text(_("Customer acceptance")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(90, 5, "______________________")
    pdf.cell(0, 5, "______________________", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5, text(_("Date:")))
    pdf.cell(0, 5, text(_("Date:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*GREY)
    pdf.set_dash_pattern(dash=1, gap=1)
    for x in (88, 178):
        pdf.circle(x, top + 16, 16)
    pdf.set_dash_pattern()
    pdf.set_text_color(*GREY)
    pdf.set_font(family, size=7.5)
    for x in (88, 178):
        pdf.set_xy(x - 16, top + 27)
        pdf.cell(32, 4, text(_("(company seal)")), align="C")
    pdf.set_text_color(30, 30, 30)
    return bytes(pdf.output())


def filename(quote: Quote, language: str) -> str:
    suffix = "en" if language.lower().startswith("en") else "zh"
    return f"{quote_number(quote)}-{suffix}.pdf"


def today() -> dt.date:
    return timezone.localdate()
