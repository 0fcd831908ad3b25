"""Incentive statements per partner and period (domain.md 8.3): what accrued, what is eligible and why not,
what was paid, what was cancelled; as data, as a PDF (Chinese font, like the quote PDF) and as XLSX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from m2c.core import fonts
from m2c.core.exports import neutralise_cell
from m2c.core.formatting import format_money

from .models import IncentiveAccrual, Partner
from .reasons import reason_texts
from .states_channel import AccrualStatus

GREY = (110, 110, 110)


def statement(partner: Partner, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The partner's accruals under policies whose period lies within ``start``..``end``, with totals per status
    and currency."""
    accruals = list(IncentiveAccrual.objects.filter(partner=partner, policy__period_start__gte=start,
                                                    policy__period_end__lte=end)
                    .select_related("policy", "contract").order_by("policy__period_start", "number"))
    totals: dict[str, dict[str, Decimal]] = {}
    for accrual in accruals:
        per = totals.setdefault(accrual.currency, {s: Decimal(0) for s in AccrualStatus.values})
        per[accrual.status] += accrual.amount
    return {"partner": partner, "start": start, "end": end, "accruals": accruals, "totals": totals,
            "made_on": timezone.localdate()}


def _rows(data: dict[str, Any]) -> list[list[str]]:
    return [[a.number, a.policy.name, a.policy.get_kind_display(), str(a.contract),
             format_money(a.base, a.currency, with_currency=False),
             "" if a.collected_base is None else format_money(a.collected_base, a.currency, with_currency=False),
             format_money(a.amount, a.currency, with_currency=False),
             a.currency, a.get_status_display(), "；".join(reason_texts(a.blockers))] for a in data["accruals"]]


def _headers() -> list[str]:
    return [_("Accrual"), _("Policy"), _("Kind"), _("Contract"), _("Booked base"), _("Collected base"), _("Incentive"),
            _("Currency"),
            _("Status"), _("Not yet payable because")]


def filename(data: dict[str, Any], ext: str) -> str:
    return f"statement-{data['partner'].code}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.{ext}"


def render_pdf(data: dict[str, Any], language: str = "zh-hans") -> bytes:
    with translation.override("en" if language.lower().startswith("en") else "zh-hans"):
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        family = "cjk"
        fonts.add_cjk_font(pdf, family)
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font(family, "B", 16)
        pdf.cell(0, 9, _("Incentive statement"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 6, f"{data['partner'].legal_name} · {data['start']} – {data['end']} · "
                       + _("made on %(d)s") % {"d": data["made_on"]}, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
        pdf.ln(3)
        pdf.set_font(family, size=8)
        widths = (25, 40, 24, 32, 25, 25, 22, 13, 17, 44)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            row = table.row()
            for header in _headers():
                row.cell(header)
            for values in _rows(data):
                row = table.row()
                for value in values:
                    row.cell(value)
        pdf.ln(4)
        pdf.set_font(family, "B", 10)
        for currency, per in data["totals"].items():
            parts = [f"{AccrualStatus(s).label} {format_money(v, currency)}" for s, v in per.items() if v]
            pdf.cell(0, 6, "  ·  ".join(parts), new_x="LMARGIN", new_y="NEXT")
        if not data["accruals"]:
            pdf.cell(0, 6, _("No incentive in this period."), new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def render_xlsx(data: dict[str, Any], language: str = "zh-hans") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("en" if language.lower().startswith("en") else "zh-hans"):
        book = Workbook()
        sheet = book.active
        sheet.title = str(_("Incentive statement"))[:31]
        sheet.append([neutralise_cell(_("Incentive statement")), neutralise_cell(data["partner"].legal_name),
                      f"{data['start']} – {data['end']}"])
        sheet.append([])
        sheet.append([neutralise_cell(h) for h in _headers()])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for accrual, values in zip(data["accruals"], _rows(data), strict=True):
            values[4], values[5], values[6] = accrual.base, accrual.collected_base, accrual.amount  # numbers stay numbers
            sheet.append([neutralise_cell(v) if isinstance(v, str) else v for v in values])
        sheet.append([])
        for currency, per in data["totals"].items():
            for status, value in per.items():
                if value:
                    sheet.append([neutralise_cell(str(AccrualStatus(status).label)), currency, value])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
