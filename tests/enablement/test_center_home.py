"""Issue 13 gap 4: an enablement center's home shows the exams its region's people are due to sit (renewals of
expiring certificates, exams of courses they follow) beside the certificates expiring."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from m2c.core.models import OrgUnit
from m2c.enablement import selectors, services


def test_the_enablement_center_home_lists_the_exams_due_in_its_region(exam_world, client):
    w = exam_world
    users, org, lines = w.users, w.org, w.lines
    center = OrgUnit.objects.get(code="east-enablement")
    today = timezone.localdate()

    def issue(holder, unit, days_left, **grant):
        grant = {"offering_line": lines.campus, "track": "presales", "level": "professional", **grant}
        return services.certificate_issue(actor=None, system=True, holder_user=holder, org_unit=unit,
                                          valid_from=today - dt.timedelta(days=700),
                                          validity_days=700 + days_left, **grant)

    expiring = issue(users.ar, org.shanghai, 20)          # East, expires in 20 days: renewal due
    issue(users.ar_north, org.beijing, 20)                # North: not this center's region
    issue(users.sr, org.shanghai, 400)                    # East but far from expiry
    issue(users.marketing, org.east, 30, offering_line=lines.wlan)  # no published exam renews it
    services.course_enrol(course=w.course, actor=users.sr)  # a course whose exam the SR has not passed

    rows = selectors.exams_due(user=w.manager, region=org.east)
    assert [(r.user, r.exam, r.reason, r.due) for r in rows] == [
        (users.ar, w.exam, "renewal", expiring.valid_to), (users.sr, w.exam, "course", None)]
    # Retired exams are due no more.
    services.exam_retire(actor=users.admin, exam=w.exam)  # a company-wide exam: the administrators'
    assert selectors.exams_due(user=w.manager, region=org.east) == []
    services.exam_publish(actor=users.admin, exam=w.exam)
    # A sales rep sees only their own.
    assert [r.reason for r in selectors.exams_due(user=users.sr, region=org.east)] == ["course"]

    client.force_login(w.manager)
    client.cookies["m2c_language"] = "zh-hans"
    page = client.get(f"/insight/centers/{center.pk}/").content.decode()
    assert "待考考试" in page and f"续期 {expiring.number}" in page and "课程考试尚未通过" in page
    assert expiring.valid_to.isoformat() in page and "园区网络售前认证" in page and "张磊" not in page
