"""MDF: quota, the 10-working-day rule, approval committing the quota, execution on a campaign, the claim's
eligibility reasons per line, and reimbursement within the approved amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.partners import services
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def pdf(name: str = "收据.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 receipt", content_type="application/pdf")


@pytest.fixture
def quota(channel):
    today = timezone.localdate()
    return services.quota_set(actor=channel.cm, partner=channel.p1, period_start=today - dt.timedelta(days=30),
                              period_end=today + dt.timedelta(days=335), amount="100000")


def apply(channel, days: int, budget: str = "60000", **extra):
    return services.mdf_apply(actor=channel.p1_user, partner=channel.p1, activity="智慧园区巡展 上海站",
                              activity_date=add_working_days(timezone.localdate(), days), budget=budget,
                              objective_leads=40, objective_opportunities=8, **extra)


def test_ten_working_days_before_the_activity_is_the_limit(channel, quota):
    with pytest.raises(ValidationFailed) as late:
        apply(channel, 9)
    assert late.value.field == "activity_date" and late.value.code == "mdf_too_late"
    assert apply(channel, 10).status == "SUBMITTED"
    # A late application goes through with its reason, kept on the event.
    late_one = apply(channel, 3, budget="10000", late_reason="客户临时确定会期")
    assert late_one.status == "SUBMITTED" and late_one.late_reason == "客户临时确定会期"


def test_the_budget_must_fit_the_quota_and_approval_commits_it(channel, quota):
    first = apply(channel, 12)
    services.mdf_approve(actor=channel.cm, application=first, amount="50000")
    with pytest.raises(ValidationFailed) as over:
        apply(channel, 12, budget="60000")  # 100,000 − 50,000 committed = 50,000 left
    assert over.value.field == "budget" and over.value.code == "mdf_over_quota"
    with pytest.raises(PermissionDenied):
        services.mdf_approve(actor=channel.p1_user, application=apply(channel, 12, budget="20000"))
    with pytest.raises(PermissionDenied):
        apply_for_p2 = services.mdf_apply  # a partner user cannot apply for another partner
        apply_for_p2(actor=channel.p1_user, partner=channel.p2, activity="x", budget="1",
                     activity_date=add_working_days(timezone.localdate(), 12), objective_leads=1,
                     objective_opportunities=1)


def test_claim_lines_are_checked_with_reasons_and_reimbursement_stays_within_approved(channel, quota):
    app = apply(channel, 12)
    services.mdf_approve(actor=channel.cm, application=app, amount="50000")
    campaign = CampaignFactory(code="p1-roadshow", name="伙伴巡展")
    services.mdf_execute(actor=channel.p1_user, application=app, campaign=campaign)
    services.mdf_claim(actor=channel.p1_user, application=app, lines=[
        {"expense_type": "venue", "description": "场地", "amount": "30000", "evidence": pdf()},
        {"expense_type": "gifts", "description": "伴手礼", "amount": "12000", "persons": 50, "evidence": pdf()},
        {"expense_type": "gifts", "description": "纪念品", "amount": "4000", "persons": 20, "evidence": pdf()},
        {"expense_type": "travel", "description": "差旅", "amount": "5000", "evidence": pdf()},
        {"expense_type": "catering", "description": "茶歇", "amount": "3000"},
    ])
    app.refresh_from_db()
    lines = {line.description: line for line in app.claim_lines.all()}
    assert lines["场地"].eligible and lines["纪念品"].eligible  # 200 per person is allowed
    assert [r["code"] for r in lines["伴手礼"].reasons] == ["gift_cap"]
    assert "240.00" in lines["伴手礼"].reason_texts[0]
    assert [r["code"] for r in lines["差旅"].reasons] == ["expense_type"]
    assert [r["code"] for r in lines["茶歇"].reasons] == ["evidence"]
    assert lines["场地"].evidence_name == "收据.pdf" and lines["场地"].evidence.read().startswith(b"%PDF")
    assert (app.status, app.claimed_amount, app.eligible_amount) == ("CLAIMED", Decimal("54000"), Decimal("34000"))
    with pytest.raises(ValidationFailed) as above:
        services.mdf_reimburse(actor=channel.cm, application=app, amount="50001")
    assert above.value.code == "mdf_above_approved"
    with pytest.raises(ValidationFailed) as not_eligible:
        services.mdf_reimburse(actor=channel.cm, application=app, amount="40000")
    assert not_eligible.value.code == "mdf_above_eligible"
    services.mdf_reimburse(actor=channel.cm, application=app)
    app.refresh_from_db()
    assert (app.status, app.reimbursed_amount, app.campaign) == ("REIMBURSED", Decimal("34000"), campaign)


def test_a_forged_evidence_file_is_refused_naming_the_line(channel, quota):
    app = apply(channel, 12)
    services.mdf_approve(actor=channel.cm, application=app)
    services.mdf_execute(actor=channel.p1_user, application=app, campaign=CampaignFactory(code="c2"))
    with pytest.raises(ValidationFailed) as bad:
        services.mdf_claim(actor=channel.p1_user, application=app, lines=[
            {"expense_type": "venue", "amount": "100", "evidence": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}])
    assert "lines.0.evidence" in str(bad.value)
    app.refresh_from_db()
    assert app.status == "EXECUTED" and not app.claim_lines.exists()
    with pytest.raises(Conflict):
        services.mdf_claim(actor=channel.p1_user, application=app, lines=[
            {"expense_type": "travel", "amount": "100", "evidence": pdf()}])
        app.refresh_from_db()
        services.mdf_reimburse(actor=channel.cm, application=app)
