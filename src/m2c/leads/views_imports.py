"""Lead import pages: upload (checked before it is stored), mapping and value maps, dry run, progress,
resume of an interrupted job, and the rejected-row report in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from m2c.core import selectors as core_selectors
from m2c.core.errors import DomainError
from m2c.core.imports import jobs, uploads

from . import importer, selectors
from .forms import ImportUploadForm
from .models import LeadImport
from .services_imports import ROLES, import_create, import_resume, import_start


def may_import(user: Any) -> bool:
    """Whether ``user`` may import leads: the page refuses others, and the lead list hides its button."""
    return user.is_superuser or user.has_role("administrator", *ROLES)


@csrf_exempt  # CSRF is checked below, after the size-capped upload handler is installed
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not may_import(request.user):
        # Refused before the request body (the file) is read at all.
        raise PermissionDenied
    if request.method == "POST":
        uploads.guard_request(request, kind="leads")
    return csrf_protect(_import_upload)(request)


def _import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and getattr(request, "upload_refused", False):
        form.errors.clear()
        form.add_error("file", uploads.refusal_message("leads"))
    elif request.method == "POST" and form.is_valid():
        try:
            stored = uploads.receive(form.cleaned_data["file"], kind="leads", actor=request.user, roles=ROLES)
            defaults = {}
            if form.cleaned_data.get("source_campaign"):
                defaults["source_campaign"] = form.cleaned_data["source_campaign"].code
            if form.cleaned_data.get("region"):
                defaults["region"] = form.cleaned_data["region"].code
            job = import_create(actor=request.user, stored=stored, defaults=defaults)
        except DomainError as exc:
            form.add_error("file", exc.detail)
        except (ValueError, OSError, KeyError):
            form.add_error("file", _("This file could not be read as CSV or Excel."))
        else:
            return redirect("leads:import-detail", job.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "leads/import_upload.html", {"form": form, "jobs": selectors.import_list(user=request.user)[:20]},
                  status=status)


def _value_maps(request: HttpRequest) -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {}
    for key, raw in request.POST.items():
        if key.startswith("vmraw-"):
            name = key.split("-")[1]
            maps.setdefault(name, {})[raw] = request.POST.get("vm-" + key[len("vmraw-"):], "")
    return maps


@login_required
def import_detail(request: HttpRequest, import_id: str) -> HttpResponse:
    job = selectors.import_get(user=request.user, import_id=import_id)
    if jobs.mark_dead(job):
        job.refresh_from_db()
    editable = job.status == LeadImport.Status.UPLOADED or (job.status == LeadImport.Status.DONE and job.dry_run)
    info = suggestions = None
    if editable and job.file_path and Path(job.file_path).exists():
        try:
            info = importer.preview(Path(job.file_path))
            if job.mapping:
                info.mapping = {h: t for h, t in job.mapping.items() if h in info.headers}
            suggestions = importer.value_suggestions(Path(job.file_path), info.mapping)
        except (DomainError, ValueError, OSError):
            info = None
    if request.method == "POST" and info is not None:
        mapping = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(info.headers)}
        try:
            import_start(actor=request.user, job=job, mapping=mapping, dry_run=request.POST.get("mode") == "dry_run",
                         value_maps=_value_maps(request), default_offering_line=request.POST.get("default_offering_line", ""))
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            return redirect("leads:import-detail", job.pk)
    chosen = job.value_maps or {}
    value_rows = []
    for name, items in (suggestions or {}).items():
        choices = importer.SCHEMA.by_name[name].choices
        options = sorted((choices() if choices else {}).keys())
        for item in items[:60]:
            value_rows.append({"field": name, "label": importer.SCHEMA.label(name), "raw": item.raw, "options": options,
                               "selected": chosen.get(name, {}).get(item.raw, item.code), "exact": item.exact})
    problems = list(job.errors.filter(level__in=("error", "warning"))[:50])
    outcomes = list(job.errors.exclude(level__in=("error", "warning"))[:200]) if job.dry_run else []
    for o in outcomes:
        o.label = importer.OUTCOME_LABELS.get(o.level, o.level)
    return render(request, "leads/import_detail.html", {
        "job": job, "mapping": info.mapping if info else {}, "targets": importer.target_choices(), "problems": problems,
        "outcomes": outcomes, "columns": _columns(info), "value_rows": value_rows,
        "offering_lines": list(core_selectors.offering_line_list().order_by("code")) if info else [],
        "default_line": (job.defaults or {}).get(importer.DEFAULT_LINE, ""),
    })


def _columns(info: Any) -> list[tuple[int, str, list[str]]]:
    """Each column of the file with its first values, as the shared import page shows them."""
    if info is None:
        return []
    return [(i, header, [str(row[i])[:40] for row in info.rows[:3] if i < len(row)]) for i, header in enumerate(info.headers)]


@login_required
@require_POST
def import_resume_view(request: HttpRequest, import_id: str) -> HttpResponse:
    job = selectors.import_get(user=request.user, import_id=import_id)
    jobs.mark_dead(job)
    try:
        import_resume(actor=request.user, job=job, restart=request.POST.get("mode") == "restart")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("leads:import-detail", job.pk)


@login_required
def import_progress(request: HttpRequest, import_id: str) -> HttpResponse:
    job = selectors.import_get(user=request.user, import_id=import_id)
    if jobs.mark_dead(job):
        job.refresh_from_db()
    return render(request, "leads/partials/import_progress.html", {"job": job})


@login_required
def import_errors(request: HttpRequest, import_id: str) -> StreamingHttpResponse:
    job = selectors.import_get(user=request.user, import_id=import_id)
    response = StreamingHttpResponse(importer.csv_bytes(importer.error_report(job)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-errors-{str(job.pk)[:8]}.csv"'
    return response
