"""The database's money checks hold at the columns' precision on both engines. SQLite keeps decimal columns
as binary floats and compares sums of them as floats, in which 2,920,352.12 + 379,645.78 is not
3,299,997.90: an exact CHECK refused a correct 13 % line of that total (found invoicing a site's PAC after
a price change), and an invoice paid to the fen after a credit note. A sum off by the last place is still
refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from m2c.billing.models import Invoice, InvoiceLine

from .test_scenarios import s8

pytestmark = pytest.mark.django_db

D = Decimal


def _line(inv, net, tax, total):
    with transaction.atomic():
        return InvoiceLine.objects.create(invoice=inv, position=9, description="PAC 南校区", tax_rate=D("13"),
                                          net=D(net), tax=D(tax), total=D(total))


def test_a_line_whose_parts_add_up_to_the_fen_is_stored(planned):
    inv, _contract = s8(planned)
    line = _line(inv, "2920352.12", "379645.78", "3299997.90")
    line.refresh_from_db()
    assert (line.net + line.tax, line.total) == (D("3299997.90"), D("3299997.90"))


@pytest.mark.parametrize("total", ["3299997.91", "3299997.8999"])
def test_a_line_off_by_the_last_place_is_refused(planned, total):
    inv, _contract = s8(planned)
    with pytest.raises(IntegrityError):
        _line(inv, "2920352.12", "379645.78", total)


def test_an_invoice_paid_to_the_fen_after_a_credit_note_is_stored_and_a_fen_more_is_refused(planned):
    inv, _contract = s8(planned)
    # 4,826,374.52 - 2,535,347.33 = 2,291,027.19 exactly, but not in binary floating point.
    Invoice.objects.filter(pk=inv.pk).update(total=D("4826374.52"), credited=D("2535347.33"), paid=D("2291027.19"))
    assert Invoice.objects.get(pk=inv.pk).paid == D("2291027.19")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=inv.pk).update(paid=D("2291027.20"))
