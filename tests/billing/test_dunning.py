"""The dunning ladder (domain.md 6.3) on the S10/S11 invoices, dates moved with ``on=``: D+1 to the owner,
D+15 to the customer in their language through the outbox, D+30 to the manager and the region's finance,
D+90 a collection case; idempotent; disputed amounts never dunned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from m2c.billing import selectors, services
from m2c.billing.models import CollectionCase, CustomerEmail, DunningStep, Invoice
from m2c.billing.services.dunning import dunning_sweep, send_customer_emails
from m2c.core.models import Event
from m2c.core.notifications import Notification
from m2c.customers.models import Customer
from tests.factories import ContactFactory, UserFactory

from .test_scenarios import s9


@pytest.fixture
def s(planned):
    inv1, inv2, inv3 = s9(planned)
    planned.inv1, planned.inv2, planned.inv3 = inv1, inv2, inv3
    customer = planned.deal.customer
    planned.buyer = ContactFactory(customer=customer, name="财务处 周老师", email="zhou@university.cn",
                                   decision_role="purchaser")
    ContactFactory(customer=customer, name="信息中心 陈主任", email="chen@university.cn")
    return planned


def steps(inv):
    return list(DunningStep.objects.filter(invoice=inv).order_by("taken_on", "step")
                .values_list("step", "taken_on", "dunned", "disputed"))


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user, kind__startswith="billing.dunning")
                  .values_list("kind", flat=True))


def test_s10_d1_on_day_33_and_the_customer_reminder_on_day_47_in_chinese_once(s):
    from .conftest import pay

    pay(s, s.inv1, "2000000", 25, "B-25")
    only1 = Invoice.objects.filter(pk=s.inv1.pk)
    assert dunning_sweep(on=s.day(32), invoices=only1).steps == []  # due day 32: not yet overdue
    assert dunning_sweep(on=s.day(33), invoices=only1).steps == [(str(s.inv1), "D1")]
    assert steps(s.inv1) == [("D1", s.day(33), Decimal("1000000.00"), 0)]
    assert kinds(s.deal.ar) == ["billing.dunning.d1"]
    note = Notification.objects.get(recipient=s.deal.ar, kind="billing.dunning.d1")
    assert "1,000,000.00 CNY" in note.display_title and "申江大学" in note.display_title
    # Idempotent: the same day, and every day up to D+15, adds nothing.
    assert dunning_sweep(on=s.day(33), invoices=only1).steps == []
    assert dunning_sweep(on=s.day(46), invoices=only1).steps == []
    assert dunning_sweep(on=s.day(47), invoices=only1).steps == [(str(s.inv1), "D15")]
    email = CustomerEmail.objects.get()
    assert (email.to_email, email.language, email.pending) == ("zhou@university.cn", "zh-hans", True)
    assert email.subject == "付款提醒：发票 26312000000000000001 已逾期 15 天"
    assert "1,000,000.00 CNY" in email.body and "争议" not in email.body and "周老师" in email.body
    assert dunning_sweep(on=s.day(47), invoices=only1).steps == []
    assert CustomerEmail.objects.count() == 1 and DunningStep.objects.count() == 2
    # The worker's outbox sweep mails it once.
    assert send_customer_emails() == 1 and send_customer_emails() == 0
    assert [m.to for m in mail.outbox] == [["zhou@university.cn"]] and mail.outbox[0].subject == email.subject
    # Paid on day 70: the ladder stops (the D+30 on day 62 was taken; nothing after the payment).
    dunning_sweep(on=s.day(62), invoices=only1)
    pay(s, s.inv1, "1000000", 70, "B-70")
    assert dunning_sweep(on=s.day(200), invoices=only1).steps == []
    assert [st[0] for st in steps(s.inv1)] == ["D1", "D15", "D30"]
    assert Event.objects.for_subject(s.inv1).filter(event_type="billing.invoice.dunned").count() == 3


def test_s11_the_disputed_0_4m_is_never_dunned_and_the_reminder_says_so(s):
    from .conftest import pay

    only2 = Invoice.objects.filter(pk=s.inv2.pk)
    services.dispute_open(invoice=s.inv2, actor=s.deal.ar, amount_="400000", reason="Missing APs at North",
                          opened_on=s.day(110))
    assert dunning_sweep(on=s.day(122), invoices=only2).steps == [(str(s.inv2), "D1"), (str(s.inv2), "D15")]
    assert steps(s.inv2)[-1] == ("D15", s.day(122), Decimal("3200000.00"), Decimal("400000.00"))
    body = CustomerEmail.objects.get().body
    assert "3,200,000.00 CNY" in body and "有争议的金额 400,000.00 CNY" in body
    # Day 130: the 3.2M is paid; what is open is all disputed, so D+30 (day 137) takes no step.
    pay(s, s.inv2, "3200000", 130, "B-130")
    result = dunning_sweep(on=s.day(137), invoices=only2)
    assert (result.steps, result.skipped_disputed) == ([], [str(s.inv2)])
    # Day 150: resolved for 0.1M; the 0.3M left is undisputed and overdue, so the ladder resumes.
    services.invoice_dispute_resolve(invoice=s.inv2, actor=s.finance, credit="100000", reason="100 APs missing",
                                     on=s.day(150))
    assert dunning_sweep(on=s.day(150), invoices=only2).steps == [(str(s.inv2), "D30")]
    assert steps(s.inv2)[-1] == ("D30", s.day(150), Decimal("300000.00"), 0)
    pay(s, s.inv2, "300000", 160, "B-160")
    assert dunning_sweep(on=s.day(200), invoices=only2).steps == [] and not CollectionCase.objects.exists()


def test_d30_escalates_to_the_manager_and_region_finance_and_d90_opens_a_collection_case(s):
    from .conftest import pay

    manager = UserFactory(username="mgr.sh", roles=["ar"], org_unit=s.deal.ar.org_unit)
    unit = s.deal.ar.org_unit
    unit.manager = manager
    unit.save()
    only1 = Invoice.objects.filter(pk=s.inv1.pk)
    # A sweep that first sees the invoice at D+90 takes the whole ladder at once, each step once.
    result = dunning_sweep(on=s.day(122), invoices=only1)
    assert [st for _n, st in result.steps] == ["D1", "D15", "D30", "D90"]
    assert kinds(manager) == ["billing.dunning.d30"]
    assert kinds(s.finance) == kinds(s.finance2) == ["billing.dunning.d30", "billing.dunning.d90"]
    assert kinds(s.deal.ar) == ["billing.dunning.d1", "billing.dunning.d15", "billing.dunning.d90"]
    assert not s.users.ar_north.notifications.filter(kind__startswith="billing").exists()  # another region's people hear nothing
    case = CollectionCase.objects.get()
    assert (case.status, case.amount, case.opened_on, case.contract) == (
        "OPEN", Decimal("3000000.00"), s.day(122), s.contract)
    assert Customer.objects.get(pk=s.deal.customer.pk).credit_hold is True
    assert list(selectors.collection_cases(contract=s.contract, open_only=True)) == [case]
    assert dunning_sweep(on=s.day(123), invoices=only1).steps == []
    pay(s, s.inv1, "3000000", 130, "B-130")
    assert dunning_sweep(on=s.day(131), invoices=only1).closed_cases == [case.number]
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("CLOSED", s.day(131))


def test_a_foreign_customer_gets_the_english_reminder_and_no_email_means_the_owner_calls(s):
    Customer.objects.filter(pk=s.deal.customer.pk).update(country="DE")
    only1 = Invoice.objects.filter(pk=s.inv1.pk)
    dunning_sweep(on=s.day(47), invoices=only1)
    email = CustomerEmail.objects.get()
    assert (email.language, email.subject) == ("en", "Payment reminder: invoice 26312000000000000001 is 15 days "
                                                     "overdue")
    assert "Amount now due: 3,000,000.00 CNY" in email.body and "disputed" not in email.body
    s.deal.customer.contacts.update(email="")
    only3 = Invoice.objects.filter(pk=s.inv3.pk)
    dunning_sweep(on=s.day(157), invoices=only3)
    assert CustomerEmail.objects.count() == 1
    assert DunningStep.objects.get(invoice=s.inv3, step="D15").recipients == ""
    assert Notification.objects.filter(recipient=s.deal.ar, kind="billing.dunning.d15").count() == 2


def test_a_dry_run_writes_nothing_and_the_job_is_registered(s):
    import m2c.billing.tasks  # noqa: F401 - the worker imports every app's tasks
    from m2c.core.periodic import jobs

    result = dunning_sweep(on=s.day(200), dry_run=True)
    assert (str(s.inv1), "D90") in result.steps and (str(s.inv2), "D1") in result.steps
    assert not DunningStep.objects.exists() and not Notification.objects.filter(kind__startswith="billing").exists()
    assert {"billing.dunning_sweep", "billing.customer_email_sweep", "billing.dispute_escalation_sweep"} <= set(jobs())
    assert jobs()["billing.dunning_sweep"].seconds == 3600


def test_the_management_command_lists_without_writing_then_takes_the_steps(s):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("dunning", "--dry-run", "--on", str(s.day(33)), stdout=out)
    assert f"{s.inv1}\tD1\tdue" in out.getvalue() and not DunningStep.objects.exists()
    call_command("dunning", "--on", str(s.day(33)), stdout=out)
    assert list(DunningStep.objects.values_list("step", flat=True)) == ["D1"]
