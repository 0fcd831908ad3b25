"""Authoring pages of enablement managers: courses with materials, question banks with questions, exams;
publishing and retiring. Anyone else gets 403."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import BankForm, CourseForm, ExamForm, MaterialForm, QuestionForm
from ..states import COURSE_MACHINE, EXAM_MACHINE


def _author(request: HttpRequest) -> None:
    if not selectors.can_author(request.user):
        raise Forbidden(_("Only enablement managers author courses, question banks and exams."))


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    bad = any(f.errors for f in context.values() if hasattr(f, "errors") and hasattr(f, "is_bound") and f.is_bound)
    return render(request, template, {"wide": getattr(form, "WIDE", ()), **context}, status=422 if bad else 200)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _author(request)
    return render(request, "enablement/manage.html", {
        "courses": selectors.authored_courses(request.user), "banks": selectors.authored_banks(request.user),
        "exams": selectors.authored_exams(request.user).prefetch_related("banks"),
    })


def _create(request: HttpRequest, form_class: type, create: Any, done: str, target: str,
            template: str) -> HttpResponse:
    """A new course, bank or exam: the form, the service, then its management page."""
    _author(request)
    form = form_class(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            created = create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, done)
            return redirect(target, created.pk)
    return _form_page(request, template, {"form": form, "creating": True})


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    return _create(request, CourseForm, services.course_create, _("Course drafted."), "enablement:manage-course",
                   "enablement/course_form.html")


def _course_initial(course: Any) -> dict[str, Any]:
    return {k: getattr(course, k) for k in ("name", "name_en", "offering_line", "role", "audience", "hours",
                                            "description")}


@login_required
def course_manage(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    """Edit a course, add or remove materials, publish or retire it."""
    _author(request)
    course = selectors.authored_course_get(user=request.user, course_id=course_id)
    form = CourseForm(request.POST if request.POST.get("action") == "save" else None, user=request.user,
                      initial=_course_initial(course))
    material_form = MaterialForm(request.POST if request.POST.get("action") == "material" else None, course=course)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save" and form.is_valid():
                services.course_update(actor=request.user, course=course, **form.service_data(changed_only=True))
                messages.success(request, _("Course saved."))
                return redirect("enablement:manage-course", course.pk)
            if action == "material" and material_form.is_valid():
                data = material_form.cleaned_data
                services.material_add(actor=request.user, course=course, kind=data["kind"], title=data["title"],
                                      url=data["url"], asset_id=data["asset"] or None)
                messages.success(request, _("Material added."))
                return redirect("enablement:manage-course", course.pk)
            if action == "remove":
                material = get_object_or_404(course.materials, pk=request.POST.get("material") or 0)
                services.material_remove(actor=request.user, material=material)
                return redirect("enablement:manage-course", course.pk)
            if action in ("publish", "retire"):
                getattr(services, f"course_{action}")(actor=request.user, course=course)
                messages.success(request, _("Course published.") if action == "publish" else _("Course retired."))
                return redirect("enablement:manage-course", course.pk)
        except DomainError as exc:
            target = material_form if action == "material" else form
            if action in ("save", "material"):
                target.add_domain_error(exc)
            else:
                messages.error(request, exc.detail)
                return redirect("enablement:manage-course", course.pk)
    return _form_page(request, "enablement/course_manage.html", {
        "form": form, "material_form": material_form, "course": course, "materials": course.materials.all(),
        "targets": COURSE_MACHINE.targets(course.status), "timeline": core_events.timeline_labelled(course),
    })


@login_required
def bank_create(request: HttpRequest) -> HttpResponse:
    return _create(request, BankForm, services.bank_create, _("Question bank created."), "enablement:manage-bank",
                   "enablement/bank_form.html")


@login_required
def bank_manage(request: HttpRequest, bank_id: uuid.UUID) -> HttpResponse:
    """A bank: its name and line, its questions, and the form that adds one."""
    _author(request)
    bank = selectors.authored_bank_get(user=request.user, bank_id=bank_id)
    action = request.POST.get("action", "")
    form = BankForm(request.POST if action == "save" else None, user=request.user,
                    initial={"name": bank.name, "name_en": bank.name_en, "offering_line": bank.offering_line})
    question_form = QuestionForm(request.POST if action == "question" else None)
    if request.method == "POST":
        if action == "save" and form.is_valid():
            try:
                services.bank_update(actor=request.user, bank=bank, **form.service_data(changed_only=True))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Question bank saved."))
                return redirect("enablement:manage-bank", bank.pk)
        elif action == "question" and question_form.is_valid():
            try:
                _save_question(request, question_form, bank)
            except DomainError as exc:
                question_form.add_domain_error(exc)
            else:
                messages.success(request, _("Question added."))
                return redirect("enablement:manage-bank", bank.pk)
    return _form_page(request, "enablement/bank_manage.html", {
        "form": form, "question_form": question_form, "bank": bank, "questions": selectors.bank_questions(bank),
    })


def _save_question(request: HttpRequest, form: QuestionForm, bank: Any, question: Any = None) -> None:
    data = form.cleaned_data
    services.question_save(actor=request.user, bank=bank, question=question, kind=data["kind"], text=data["text"],
                           explanation=data["explanation"], points=data["points"], active=data["active"],
                           options=form.options())


@login_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    _author(request)
    question = selectors.authored_question_get(user=request.user, question_id=question_id)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_of(question))
    if request.method == "POST" and form.is_valid():
        try:
            _save_question(request, form, question.bank, question)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("enablement:manage-bank", question.bank_id)
    return _form_page(request, "enablement/question_form.html", {"form": form, "question": question,
                                                                  "bank": question.bank})


@login_required
def exam_create(request: HttpRequest) -> HttpResponse:
    return _create(request, ExamForm, services.exam_create, _("Exam drafted."), "enablement:manage-exam",
                   "enablement/exam_form.html")


@login_required
def exam_manage(request: HttpRequest, exam_id: uuid.UUID) -> HttpResponse:
    _author(request)
    exam = selectors.authored_exam_get(user=request.user, exam_id=exam_id)
    action = request.POST.get("action", "")
    form = ExamForm(request.POST if action == "save" else None, user=request.user, initial=ExamForm.initial_of(exam))
    if request.method == "POST":
        try:
            if action == "save" and form.is_valid():
                services.exam_update(actor=request.user, exam=exam, **form.service_data(changed_only=True))
                messages.success(request, _("Exam saved."))
                return redirect("enablement:manage-exam", exam.pk)
            if action in ("publish", "retire"):
                getattr(services, f"exam_{action}")(actor=request.user, exam=exam)
                messages.success(request, _("Exam published.") if action == "publish" else _("Exam retired."))
                return redirect("enablement:manage-exam", exam.pk)
        except DomainError as exc:
            if action == "save":
                form.add_domain_error(exc)
            else:
                messages.error(request, exc.detail)
                return redirect("enablement:manage-exam", exam.pk)
    return _form_page(request, "enablement/exam_manage.html", {
        "form": form, "exam": exam, "targets": EXAM_MACHINE.targets(exam.status),
        "timeline": core_events.timeline_labelled(exam),
    })
