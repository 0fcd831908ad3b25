"""Issue 13 gap 1: enablement managers author courses (with materials from the asset library), question banks
with single- and multiple-choice questions, and exams, in the web UI and the API; drafts are published and
retired through the transition tables with events; a sales rep cannot author (403, nothing written)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.campaigns import services as campaign_services
from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event, OrgUnit
from m2c.enablement import selectors, services
from m2c.enablement.models import Course, CourseMaterial, Exam, Question, QuestionBank
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def center(org):
    return OrgUnitFactory(code="east-enable", name="华东销售赋能中心", type=OrgUnit.Type.ENABLEMENT_CENTER, parent=org.east)


@pytest.fixture
def manager(center):
    """A member of the East enablement center: authors for the East region."""
    return UserFactory(username="enable.xu", display_name="徐敏", org_unit=center)


@pytest.fixture
def zh(client, manager):
    client.force_login(manager)
    client.cookies["m2c_language"] = "zh-hans"
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _published_asset(users, lines):
    asset = campaign_services.asset_create(
        actor=users.marketing, file=SimpleUploadedFile("白皮书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        title="智慧园区解决方案白皮书", title_en="", summary="", summary_en="", tags="园区", asset_type="white_paper",
        language="zh", offering_line=lines.campus, journey_stage="interest", owner=users.marketing,
        review_due=timezone.localdate() + dt.timedelta(days=180))
    campaign_services.asset_submit(asset=asset, actor=users.marketing)
    return campaign_services.asset_publish(asset=asset, actor=users.admin)


def _errors(response):
    return response.content.decode()


def test_a_course_is_authored_in_chinese_with_an_asset_published_and_retired(zh, manager, users, lines, org):
    asset = _published_asset(users, lines)
    page = zh.get("/enablement/manage/courses/new/")
    assert page.status_code == 200 and "新建课程" in page.content.decode()
    bad = zh.post("/enablement/manage/courses/new/", {"code": "园区", "name": "", "offering_line": lines.campus.pk,
                                                      "role": "sr", "audience": "internal", "hours": "-1"})
    assert bad.status_code == 422 and not Course.objects.exists()
    body = bad.content.decode()
    assert 'data-field="code"' in body and 'data-field="name"' in body and 'data-field="hours"' in body
    response = zh.post("/enablement/manage/courses/new/", {
        "code": "campus-sr-101", "name": "园区网络方案设计入门", "name_en": "Campus design 101",
        "offering_line": lines.campus.pk, "role": "sr", "audience": "internal", "hours": "6.5",
        "description": "面向 SR 的园区方案设计课程"})
    assert response.status_code == 302
    course = Course.objects.get(code="campus-sr-101")
    assert (course.name, course.description, course.hours, course.status, course.org_unit) == (
        "园区网络方案设计入门", "面向 SR 的园区方案设计课程", Decimal("6.5"), "DRAFT", org.east)
    url = f"/enablement/manage/courses/{course.pk}/"
    assert zh.post(url, {"action": "material", "kind": "asset", "asset": str(asset.pk)}).status_code == 302
    material = CourseMaterial.objects.get(course=course)
    assert (material.kind, material.asset_id, material.title) == ("asset", asset.pk, "智慧园区解决方案白皮书")
    page = zh.get(url).content.decode()
    assert "园区网络方案设计入门" in page and "智慧园区解决方案白皮书" in page and "草稿" in page
    # A draft is not in the catalogue; published it is; retired it is gone again.
    assert not selectors.course_list(user=users.sr).filter(pk=course.pk).exists()
    assert zh.post(url, {"action": "publish"}).status_code == 302
    assert selectors.course_list(user=users.sr).filter(pk=course.pk).exists()
    assert zh.post(url, {"action": "retire"}).status_code == 302
    course.refresh_from_db()
    assert course.status == "RETIRED" and not selectors.course_list(user=users.sr).filter(pk=course.pk).exists()
    kinds = list(Event.objects.for_subject(course).order_by("id").values_list("event_type", flat=True))
    assert kinds == ["enablement.course.created", "enablement.course.material_added", "enablement.course.published",
                     "enablement.course.retired"]


def test_a_question_bank_is_authored_in_chinese_and_bad_questions_are_refused(zh, manager, lines):
    response = zh.post("/enablement/manage/banks/new/", {"code": "campus-bank", "name": "园区题库",
                                                         "offering_line": lines.campus.pk})
    assert response.status_code == 302
    bank = QuestionBank.objects.get(code="campus-bank")
    url = f"/enablement/manage/banks/{bank.pk}/"
    one_option = zh.post(url, {"action": "question", "kind": "multiple", "points": "2", "active": "on",
                               "text": "哪些属于 Wi-Fi 7 特性？", "option_1": "多链路操作", "correct_1": "on"})
    assert one_option.status_code == 422 and "至少需要两个选项" in one_option.content.decode()
    none_correct = zh.post(url, {"action": "question", "kind": "multiple", "points": "2", "active": "on",
                                 "text": "哪些属于 Wi-Fi 7 特性？", "option_1": "多链路操作", "option_2": "320 MHz 信道"})
    assert none_correct.status_code == 422 and "至少有一个正确选项" in none_correct.content.decode()
    two_correct = zh.post(url, {"action": "question", "kind": "single", "points": "1", "active": "on",
                                "text": "Wi-Fi 7 的标准号？", "option_1": "802.11be", "correct_1": "on",
                                "option_2": "802.11ax", "correct_2": "on"})
    assert two_correct.status_code == 422 and "恰有一个正确选项" in two_correct.content.decode()
    assert not Question.objects.exists()
    ok = zh.post(url, {"action": "question", "kind": "multiple", "points": "2", "active": "on",
                       "text": "哪些属于 Wi-Fi 7 特性？", "explanation": "MLO 与 320 MHz 均为 802.11be 新增",
                       "option_1": "多链路操作", "correct_1": "on", "option_2": "320 MHz 信道", "correct_2": "on",
                       "option_3": "WEP 加密"})
    assert ok.status_code == 302
    question = Question.objects.get(bank=bank)
    assert (question.kind, question.text, question.points, question.explanation) == (
        "multiple", "哪些属于 Wi-Fi 7 特性？", 2, "MLO 与 320 MHz 均为 802.11be 新增")
    assert [(o.text, o.correct) for o in question.options.all()] == [
        ("多链路操作", True), ("320 MHz 信道", True), ("WEP 加密", False)]
    page = zh.get(url).content.decode()
    assert "哪些属于 Wi-Fi 7 特性？" in page and "✓ 多链路操作" in page
    # Edited through its own form: one option fewer, read back in order.
    edit = zh.post(f"/enablement/manage/questions/{question.pk}/", {
        "kind": "single", "points": "1", "active": "on", "text": "哪项属于 Wi-Fi 7 特性？",
        "option_1": "多链路操作", "correct_1": "on", "option_2": "WEP 加密"})
    assert edit.status_code == 302
    assert [(o.text, o.correct) for o in Question.objects.get(pk=question.pk).options.all()] == [
        ("多链路操作", True), ("WEP 加密", False)]


def _bank_with(manager, lines, n):
    bank = services.bank_create(actor=manager, code="wlan-bank", name="无线题库", offering_line=lines.wlan)
    for i in range(n):
        services.question_save(actor=manager, bank=bank, kind="single", text=f"第 {i + 1} 题",
                               options=[("对", True), ("错", False)])
    return bank


def test_an_exam_is_authored_validated_and_published_only_with_enough_questions(zh, manager, users, lines):
    bank = _bank_with(manager, lines, 2)
    form = {"code": "wlan-assoc", "name": "无线网络助理认证考试", "banks": [str(bank.pk)], "question_count": "3",
            "duration_minutes": "45", "pass_mark": "120", "retake_wait_days": "0", "audience": "internal",
            "offering_line": lines.wlan.pk, "track": "sales", "level": "", "validity_days": "730"}
    bad = zh.post("/enablement/manage/exams/new/", form)
    assert bad.status_code == 422 and not Exam.objects.exists()
    body = bad.content.decode()
    assert 'data-field="pass_mark"' in body and 'data-field="level"' in body
    response = zh.post("/enablement/manage/exams/new/", {**form, "pass_mark": "75", "level": "associate"})
    assert response.status_code == 302
    exam = Exam.objects.get(code="wlan-assoc")
    assert (exam.name, exam.question_count, exam.duration_minutes, exam.pass_mark, exam.status, exam.level) == (
        "无线网络助理认证考试", 3, 45, Decimal("75.00"), "DRAFT", "associate")
    assert list(exam.banks.all()) == [bank]
    url = f"/enablement/manage/exams/{exam.pk}/"
    refused = zh.post(url, {"action": "publish"}, follow=True).content.decode()
    assert "题库中只有 2 道有效题目" in refused
    exam.refresh_from_db()
    assert exam.status == "DRAFT"
    services.question_save(actor=manager, bank=bank, kind="single", text="第 3 题", options=[("对", True), ("错", False)])
    zh.post(url, {"action": "publish"})
    exam.refresh_from_db()
    assert exam.status == "PUBLISHED" and selectors.exam_list(user=users.sr).filter(pk=exam.pk).exists()
    attempt = services.attempt_start(exam=exam, actor=users.sr)
    assert attempt.questions.count() == 3
    services.exam_retire(actor=manager, exam=exam)
    assert not selectors.exam_list(user=users.sr).filter(pk=exam.pk).exists()
    with pytest.raises(InvalidTransition):
        services.exam_retire(actor=manager, exam=exam)
    assert list(Event.objects.for_subject(exam).order_by("id").values_list("event_type", flat=True)) == [
        "enablement.exam.created", "enablement.exam.published", "enablement.exam.retired"]


def test_a_question_drawn_into_an_attempt_keeps_its_options(manager, users, lines):
    bank = _bank_with(manager, lines, 1)
    exam = services.exam_create(actor=manager, code="wlan-x", name="无线考试", banks=[bank], question_count=1,
                                duration_minutes=10, pass_mark="60")
    services.exam_publish(actor=manager, exam=exam)
    services.attempt_start(exam=exam, actor=users.sr)
    question = bank.questions.get()
    with pytest.raises(Exception) as refused:
        services.question_save(actor=manager, bank=bank, question=question, kind="single", text="第 1 题",
                               options=[("是", True), ("否", False)])
    assert getattr(refused.value, "code", "") == "question_in_use"
    assert [o.text for o in question.options.all()] == ["对", "错"]


def test_a_sales_rep_cannot_author_on_the_pages_or_the_api(client, api, users, lines):
    client.force_login(users.sr)
    for url in ("/enablement/manage/", "/enablement/manage/courses/new/", "/enablement/manage/banks/new/",
                "/enablement/manage/exams/new/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/enablement/manage/courses/new/", {
        "code": "x", "name": "x", "offering_line": lines.campus.pk, "role": "sr"}).status_code == 403
    assert "authoring-tab" not in client.get("/enablement/").content.decode()
    sr_api = api(users.sr)
    assert sr_api.post("/enablement/authoring/courses", {
        "code": "x", "name": "x", "offering_line": "campus", "role": "sr"}).status_code == 403
    assert sr_api.post("/enablement/authoring/banks", {"code": "x", "name": "x"}).status_code == 403
    assert sr_api.get("/enablement/authoring/exams").status_code == 403
    with pytest.raises(PermissionDenied):
        services.course_create(actor=users.executive, code="x", name="x", offering_line=lines.campus, role="sr")
    assert not Course.objects.exists() and not QuestionBank.objects.exists()


def test_the_enablement_manager_role_authors_over_the_api_in_its_region(api, org, users, lines):
    role_holder = UserFactory(username="enable.north", roles=["enablement_manager"], org_unit=org.beijing)
    client = api(role_holder)
    created = client.post("/enablement/authoring/courses", {
        "code": "dc-fr", "name": "数据中心交付实务", "offering_line": "campus", "role": "fr", "hours": "8"})
    assert created.status_code == 201, created.json()
    course = created.json()
    assert (course["status"], course["org_unit"]["code"], course["name"]) == ("DRAFT", "ro-beijing", "数据中心交付实务")
    bank = client.post("/enablement/authoring/banks", {"code": "dc-bank", "name": "数据中心题库"}).json()
    bad = client.post(f"/enablement/authoring/banks/{bank['id']}/questions", {
        "kind": "single", "text": "单选题", "options": [{"text": "甲", "correct": True}, {"text": "乙", "correct": True}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "options"
    question = client.post(f"/enablement/authoring/banks/{bank['id']}/questions", {
        "kind": "single", "text": "单选题", "options": [{"text": "甲", "correct": True}, {"text": "乙"}]})
    assert question.status_code == 201
    exam = client.post("/enablement/authoring/exams", {
        "code": "dc-exam", "name": "数据中心考试", "banks": ["dc-bank"], "course": "dc-fr", "question_count": 1,
        "duration_minutes": 20, "pass_mark": "101"})
    assert exam.status_code == 422 and {e["field"] for e in exam.json()["errors"]} == {"pass_mark"}
    exam = client.post("/enablement/authoring/exams", {
        "code": "dc-exam", "name": "数据中心考试", "banks": ["dc-bank"], "course": "dc-fr", "question_count": 1,
        "duration_minutes": 20, "pass_mark": "80"}).json()
    published = client.post(f"/enablement/authoring/exams/{exam['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "PUBLISHED"
    assert client.post(f"/enablement/authoring/courses/{course['id']}/publish").json()["status"] == "PUBLISHED"
    # The East center's manager does not see the North record.
    east = UserFactory(username="enable.east", roles=["enablement_manager"], org_unit=org.east)
    assert api(east).get(f"/enablement/authoring/courses/{course['id']}").status_code == 404
    with pytest.raises(ValidationFailed):
        services.exam_update(actor=role_holder, exam=Exam.objects.get(code="dc-exam"), pass_mark="-1")


def test_changes_are_saved_partially_and_recorded(api, manager, lines):
    client = api(manager)
    course = client.post("/enablement/authoring/courses", {
        "code": "wlan-ar", "name": "无线销售入门", "offering_line": "campus", "role": "ar"}).json()
    changed = client.patch(f"/enablement/authoring/courses/{course['id']}", {"offering_line": "wlan", "hours": "3.5"})
    assert changed.status_code == 200
    assert (changed.json()["offering_line"]["code"], changed.json()["hours"], changed.json()["name"]) == (
        "wlan", "3.5", "无线销售入门")
    assert client.patch(f"/enablement/authoring/courses/{course['id']}", {"role": "boss"}).status_code == 422
    bank = services.bank_create(actor=manager, code="wlan-b", name="无线题库")
    exam = services.exam_create(actor=manager, code="wlan-e", name="无线考试", banks=[bank], question_count=5,
                                duration_minutes=30, pass_mark="60")
    patched = client.patch(f"/enablement/authoring/exams/{exam.pk}", {"max_attempts": 3, "pass_mark": "65.5",
                                                                        "offering_line": "wlan", "track": "sales",
                                                                        "level": "associate"})
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert (body["max_attempts"], body["pass_mark"], body["certificate_level"], body["status"]) == (
        3, "65.50", "associate", "DRAFT")
    last = Event.objects.for_subject(Exam.objects.get(pk=exam.pk)).order_by("-id").first()
    assert last.event_type == "enablement.exam.updated" and last.payload["changes"]["pass_mark"] == ["60.00", "65.50"]
