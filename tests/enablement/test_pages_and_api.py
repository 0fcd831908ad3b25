"""The enablement pages and the API: taking an exam through each, scoping, and the coverage numbers."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from m2c.core.models import Role
from m2c.enablement import selectors, services
from m2c.enablement.models import Attempt, Certificate, Course
from tests.factories import UserFactory

from .conftest import pick

RIGHT = {"q1": "B", "q2": "A", "q3": "AC", "q4": "ABD"}


def browser_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_taking_the_exam_through_the_pages_to_a_certificate(exam_world):
    world = exam_world
    web = browser_of(world.sr)
    assert world.exam.name_en in web.get("/enablement/").content.decode()
    started = web.post(f"/enablement/exams/{world.exam.pk}/")
    attempt = Attempt.objects.get(user=world.sr)
    assert started["Location"] == f"/enablement/attempts/{attempt.pk}/"
    page = web.get(started["Location"]).content.decode()
    assert 'id="exam-timer" data-remaining="1799"' in page or 'id="exam-timer" data-remaining="1800"' in page
    assert "q1-B" in page and "q1: B" not in page  # the options, but no explanation while the attempt is open
    form = {f"q{getattr(world.q, n).pk}": [str(i) for i in pick(getattr(world.q, n), letters)]
            for n, letters in RIGHT.items()}
    done = web.post(started["Location"], {**form, "action": "submit"})
    assert done.status_code == 302
    result = web.get(started["Location"]).content.decode()
    assert 'id="result-score">100.00%' in result and 'id="certificate-issued"' in result
    certificate = Certificate.objects.get(holder_user=world.sr)
    assert certificate.number in web.get("/enablement/certificates/").content.decode()
    # Passing completed the exam's course.
    assert Course.objects.get(pk=world.course.pk).enrolments.get().status == "COMPLETED"


def test_a_late_post_is_not_saved_and_closes_the_attempt(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - dt.timedelta(minutes=31),
                                                 deadline=timezone.now() - dt.timedelta(minutes=1))
    web = browser_of(world.sr)
    form = {f"q{world.q.q1.pk}": [str(pick(world.q.q1, "B")[0])], "action": "submit"}
    web.post(f"/enablement/attempts/{attempt.pk}/", form)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.points) == ("TIMED_OUT", 0)


def test_attempts_and_certificates_are_personal_and_catalogue_scoped(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    other = UserFactory(username="ar.other", roles=[Role.AR], org_unit=world.org.beijing)
    assert browser_of(other).get(f"/enablement/attempts/{attempt.pk}/").status_code == 404
    assert browser_of(world.manager).get(f"/enablement/attempts/{attempt.pk}/").status_code == 200  # east manager
    # A course offered by the East region is not shown in the North.
    Course.objects.filter(pk=world.course.pk).update(org_unit=world.org.east)
    assert browser_of(other).get(f"/enablement/courses/{world.course.pk}/").status_code == 404
    assert browser_of(world.sr).get(f"/enablement/courses/{world.course.pk}/").status_code == 200
    assert browser_of(world.users.partner).get(f"/enablement/courses/{world.course.pk}/").status_code == 404


def test_the_api_commands_start_answer_submit(exam_world, api):
    world = exam_world
    client = api(world.sr)
    started = client.post(f"/exams/{world.exam.pk}/attempts")
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "IN_PROGRESS" and len(body["questions"]) == 4
    assert all(o["correct"] is None for q in body["questions"] for o in q["options"])  # no answers while open
    assert all(q["explanation"] is None for q in body["questions"])
    attempt_id = body["id"]
    for name, letters in RIGHT.items():
        question = getattr(world.q, name)
        answered = client.post(f"/attempts/{attempt_id}/answer", {"question": question.pk,
                                                                 "options": pick(question, letters)})
        assert answered.status_code == 200, answered.content
    wrong = client.post(f"/attempts/{attempt_id}/answer", {"question": world.q.q1.pk, "options": pick(world.q.q1, "AB")})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "options"
    submitted = client.post(f"/attempts/{attempt_id}/submit").json()
    assert (submitted["status"], submitted["points"], submitted["score_pct"], submitted["passed"]) == (
        "SUBMITTED", 5, "100.00", True)
    assert submitted["certificate"] is not None
    assert {q["explanation"] for q in submitted["questions"]} == {"q1: B", "q2: A", "q3: AC", "q4: ABD"}
    certificates = client.get("/certificates").json()["items"]
    assert [(c["offering_line"]["code"], c["track"], c["level"], c["status"]) for c in certificates] == [
        ("campus", "presales", "professional", "VALID")]
    again = client.post(f"/attempts/{attempt_id}/answer", {"question": world.q.q1.pk, "options": []})
    assert again.status_code == 409 and again.json()["code"] == "attempt_closed"
    # Another region's AR sees neither the attempt nor the certificate.
    other = UserFactory(username="ar.other", roles=[Role.AR], org_unit=world.org.beijing)
    assert api(other).get(f"/attempts/{attempt_id}").status_code == 404
    assert api(other).get(f"/certificates/{certificates[0]['id']}").status_code == 404
    assert api(other).get("/certificates").json()["items"] == []


def test_a_late_answer_over_the_api_is_409(exam_world, api):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1),
                                                 started_at=timezone.now() - dt.timedelta(minutes=30))
    late = api(world.sr).post(f"/attempts/{attempt.pk}/answer", {"question": world.q.q1.pk,
                                                                "options": pick(world.q.q1, "B")})
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"


def test_coverage_counts_certified_staff_in_role_per_region_and_line(exam_world, api):
    world = exam_world
    # East: SRs sr.zhao (Shanghai) and enable.xu (East enablement center); ARs ar.li; North: AR ar.zhang.
    services.certificate_issue(actor=None, system=True, offering_line=world.lines.campus, track="presales",
                               level="associate", holder_user=world.sr)
    services.certificate_issue(actor=None, system=True, offering_line=world.lines.wlan, track="sales",
                               level="associate", holder_user=world.users.ar_north,
                               valid_from=timezone.localdate() - dt.timedelta(days=800), validity_days=730)  # expired
    data = selectors.coverage(user=world.users.executive)
    cell = {(r["region"].code, r["role"], r["line"].code): (r["certified"], r["in_role"], r["pct"]) for r in data["rows"]}
    assert cell[("east", Role.SR, "campus")] == (1, 2, 50)
    assert cell[("east", Role.SR, "wlan")] == (0, 2, 0)
    assert cell[("east", Role.AR, "campus")] == (0, 1, 0)
    assert cell[("north", Role.AR, "wlan")] == (0, 1, 0)  # the expired certificate does not count
    assert cell[("north", Role.FR, "campus")] == (0, 0, None)
    # An AR in Beijing sees the North only; the page draws the heat map.
    north = selectors.coverage(user=world.users.ar_north)
    assert {r["region"].code for r in north["rows"]} == {"north"}
    page = browser_of(world.users.executive).get("/enablement/coverage/").content.decode()
    charts = json.loads(page.split('id="page-charts" type="application/json">')[1].split("</script>")[0])
    chart = charts["coverage-chart"]
    assert chart["kind"] == "heatmap" and len(chart["y"]) == 2 * 3 and len(chart["x"]) == 3
    assert [0, 1, 50, 1, 2] in chart["data"]  # campus (x 0) × East · SR (y 1): 1 of 2
    api_cells = api(world.users.executive).get("/enablement/coverage").json()
    assert {"region": "east", "role": "sr", "offering_line": "campus", "in_role": 2, "certified": 1, "pct": 50} in api_cells


def test_each_choice_is_saved_in_the_background_without_a_message(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    web = browser_of(world.sr)
    saved = web.post(f"/enablement/attempts/{attempt.pk}/",
                     {f"q{world.q.q3.pk}": [str(i) for i in pick(world.q.q3, "AC")], "action": "autosave"})
    assert saved.status_code == 204
    assert attempt.questions.get(question=world.q.q3).selected == sorted(pick(world.q.q3, "AC"))
    page = web.get(f"/enablement/attempts/{attempt.pk}/").content.decode()
    assert "Answers saved." not in page
    too_many = web.post(f"/enablement/attempts/{attempt.pk}/",
                        {f"q{world.q.q1.pk}": [str(i) for i in pick(world.q.q1, "AB")], "action": "autosave"})
    assert too_many.status_code == 422
