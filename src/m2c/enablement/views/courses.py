"""The course catalogue and one course with its materials, exams and the reader's enrolment."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from m2c.core.errors import DomainError
from m2c.core.models import OfferingLine

from .. import selectors, services
from ..states import CourseRole


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("offering_line", "role", "search")}
    courses = list(selectors.course_list(user=request.user, **{k: v or None for k, v in params.items()}))
    enrolled = selectors.enrolments_of(request.user)
    rows = [(c, enrolled.get(c.pk)) for c in courses]
    return render(request, "enablement/course_list.html", {
        "rows": rows, "params": params, "roles": CourseRole.choices,
        "offering_lines": OfferingLine.objects.filter(active=True),
        "exams": selectors.exam_list(user=request.user),
        "manager": selectors.is_enablement_manager(request.user), "author": selectors.can_author(request.user),
        "live_certificates": selectors.live_certificate_count(request.user),
    })


@login_required
def course_detail(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    course = selectors.course_get(user=request.user, course_id=course_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "enrol":
                services.course_enrol(course=course, actor=request.user)
                messages.success(request, _("You are enrolled."))
            elif action == "complete":
                services.course_complete(course=course, actor=request.user)
                messages.success(request, _("Course completed."))
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("enablement:course-detail", course.pk)
    return render(request, "enablement/course_detail.html", {
        "course": course, "materials": course.materials.all(),
        "enrolment": selectors.enrolments_of(request.user).get(course.pk),
        "exams": selectors.exam_list(user=request.user, course=course),
    })
