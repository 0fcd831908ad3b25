"""Insight report pages: the list, the five looks, three decisions form, one report with its attachments."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError

from .. import selectors, services
from ..models.reports import DECISIONS, LOOKS
from ..plan_forms import InsightReportForm
from ..states import INSIGHT_REPORT_MACHINE, InsightReportStatus, InsightReportType


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip()[:40] for k in ("report_type", "status", "search")}
    reports = selectors.insight_report_list(user=request.user, **{k: v or None for k, v in params.items()})[:200]
    return render(request, "insight/report_list.html", {
        "reports": reports, "params": params, "types": InsightReportType.choices,
        "statuses": InsightReportStatus.choices})


def _data(form: InsightReportForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    initial = {"report_type": request.GET.get("type", InsightReportType.INDUSTRY)[:12],
               "org_unit": getattr(request.user, "org_unit_id", None)}
    form = InsightReportForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.insight_report_create(actor=request.user, **_data(form))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Insight report saved."))
            return redirect("insight:report-detail", report.pk)
    return render(request, "insight/report_form.html", {"form": form, "creating": True,
                                                        "wide": InsightReportForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def report_edit(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.insight_report_get(user=request.user, report_id=report_id)
    initial = {name: getattr(report, name) for name in ("title", "due_on", "summary", *LOOKS, *DECISIONS)}
    initial["segments"] = list(report.segments.values_list("pk", flat=True))
    form = InsightReportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in _data(form).items() if k in form.changed_data}
        try:
            services.insight_report_update(report=report, actor=request.user, **data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Insight report saved."))
            return redirect("insight:report-detail", report.pk)
    return render(request, "insight/report_form.html", {"form": form, "creating": False, "report": report,
                                                        "wide": InsightReportForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def report_detail(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.insight_report_get(user=request.user, report_id=report_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                services.insight_report_publish(report=report, actor=request.user)
            elif action == "withdraw":
                services.insight_report_withdraw(report=report, actor=request.user)
            elif action == "attach":
                services.insight_report_attach(report=report, actor=request.user, upload=request.FILES.get("file"))
        except DomainError as exc:
            messages.error(request, exc.detail)
            for item in exc.errors:
                messages.error(request, f"{item['field']}: {item['reason']}")
        else:
            messages.success(request, _("Insight report updated."))
        return redirect("insight:report-detail", report.pk)
    form = InsightReportForm(user=request.user, initial={})
    parts = [(form.fields[name].label, getattr(report, name)) for name in LOOKS]
    decisions = [(form.fields[name].label, getattr(report, name)) for name in DECISIONS]
    raise_url = reverse("insight:requirement-raise") + f"?source_type=insight&source_id={report.pk}"
    return render(request, "insight/report_detail.html", {
        "report": report, "looks": parts, "decisions": decisions, "raise_url": raise_url,
        "targets": INSIGHT_REPORT_MACHINE.targets(report.status),
        "segments": report.segments.all(), "customers": report.customers.all()[:50],
        "attachments": report.attachments.all(), "timeline": core_events.timeline_labelled(report)[:15],
    })


@login_required
def report_file(request: HttpRequest, report_id: uuid.UUID, attachment_id: uuid.UUID) -> HttpResponse:
    report = selectors.insight_report_get(user=request.user, report_id=report_id)
    row = report.attachments.filter(pk=attachment_id).first()
    if row is None:
        raise Http404
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)
