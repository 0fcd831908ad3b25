"""Import pages for the row-by-row clients (customers, opportunities, org), one set for every app.

An app adds them with ``urlpatterns += import_urls("customers", "customers/imports")``; its templates
``<app>/imports/upload.html`` and ``detail.html`` extend the shared ones in ``core/imports/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError
from m2c.core.models_imports import ImportJob

from . import files, jobs, registry, uploads
from .mapping import distinct_values
from .services import import_job_create, import_job_resume, import_job_start


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or Excel file"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


def _allowed(user: Any, kind: str) -> bool:
    return user.is_superuser or user.has_role("administrator", *registry.client(kind).roles)


def _jobs(user: Any, kind: str) -> Any:
    qs = ImportJob.objects.filter(kind=kind)
    return qs if user.sees_everything else qs.filter(created_by=user)


def import_urls(kind: str, templates: str) -> list[Any]:
    """The URL patterns of one client's import pages (names ``import``, ``import-detail`` …)."""

    @csrf_exempt  # CSRF is checked below, after the size-capped upload handler is installed
    @login_required
    def upload(request: HttpRequest) -> HttpResponse:
        if not _allowed(request.user, kind):
            raise PermissionDenied  # before the request body (the file) is read
        if request.method == "POST":
            uploads.guard_request(request, kind=kind)
        return csrf_protect(_upload)(request)

    def _upload(request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and getattr(request, "upload_refused", False):
            form.errors.clear()
            form.add_error("file", uploads.refusal_message(kind))
        elif request.method == "POST" and form.is_valid():
            try:
                stored = uploads.receive(form.cleaned_data["file"], kind=kind, actor=request.user,
                                         roles=registry.client(kind).roles)
                job = import_job_create(actor=request.user, kind=kind, stored=stored)
            except DomainError as exc:
                form.add_error("file", exc.detail)
            else:
                return redirect(f"{request.resolver_match.namespace}:import-detail", job.pk)
        return render(request, f"{templates}/upload.html", {"form": form, "jobs": _jobs(request.user, kind)[:20],
                                                            "kind": kind}, status=422 if form.errors else 200)

    @login_required
    def detail(request: HttpRequest, job_id: Any) -> HttpResponse:
        job = get_object_or_404(_jobs(request.user, kind), pk=job_id)
        if jobs.mark_dead(job):
            job.refresh_from_db()
        client = registry.client(kind)
        editable = job.status == ImportJob.Status.UPLOADED or (job.status == ImportJob.Status.DONE and job.dry_run)
        headers = job.headers if editable and job.file_path and Path(job.file_path).exists() else []
        if request.method == "POST" and headers:
            mapping = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(headers)}
            value_maps: dict[str, dict[str, str]] = {}
            for key, raw in request.POST.items():
                if key.startswith("vmraw-"):
                    value_maps.setdefault(key.split("-")[1], {})[raw] = request.POST.get("vm-" + key[6:], "")
            try:
                import_job_start(actor=request.user, job=job, mapping=mapping, value_maps=value_maps,
                                 dry_run=request.POST.get("mode") == "dry_run")
            except DomainError as exc:
                messages.error(request, exc.detail)
            else:
                return redirect(f"{request.resolver_match.namespace}:import-detail", job.pk)
        sample: list[list[str]] = []
        value_rows: list[dict[str, Any]] = []
        if headers:
            try:
                table = files.open_table(Path(job.file_path))
                for _n, row in table.rows:
                    sample.append([files.cell_text(v) for v in row])
                    if len(sample) >= 3:
                        break
                coded = {f.name for f in client.schema.coded()}
                columns = {headers.index(h): t for h, t in job.mapping.items() if t in coded and h in headers}
                found = distinct_values(files.open_table(Path(job.file_path)).rows, columns)
                for name, values in found.items():
                    f = client.schema.by_name[name]
                    options = sorted(f.choices().keys()) if f.choices else []
                    for item in client.schema.suggest_values(f, values[:60]):
                        value_rows.append({"field": name, "label": client.schema.label(name), "raw": item.raw,
                                           "options": options, "exact": item.exact,
                                           "selected": (job.value_maps or {}).get(name, {}).get(item.raw, item.code)})
            except (DomainError, ValueError, OSError):
                headers = []
        columns = [(i, h, [r[i] if i < len(r) else "" for r in sample]) for i, h in enumerate(headers)]
        return render(request, f"{templates}/detail.html", {
            "job": job, "kind": kind, "columns": columns, "targets": client.schema.choices(),
            "value_rows": value_rows, "problems": list(job.errors.all()[:100]),
        })

    @login_required
    @require_POST
    def resume(request: HttpRequest, job_id: Any) -> HttpResponse:
        job = get_object_or_404(_jobs(request.user, kind), pk=job_id)
        jobs.mark_dead(job)
        try:
            import_job_resume(actor=request.user, job=job, restart=request.POST.get("mode") == "restart")
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect(f"{request.resolver_match.namespace}:import-detail", job.pk)

    @login_required
    def progress(request: HttpRequest, job_id: Any) -> HttpResponse:
        job = get_object_or_404(_jobs(request.user, kind), pk=job_id)
        if jobs.mark_dead(job):
            job.refresh_from_db()
        return render(request, "core/imports/progress.html", {"job": job})

    @login_required
    def errors(request: HttpRequest, job_id: Any) -> StreamingHttpResponse:
        job = get_object_or_404(_jobs(request.user, kind), pk=job_id)

        def rows() -> Any:
            yield [_("row"), *job.headers, _("error")]
            for e in job.errors.filter(level="error").iterator(chunk_size=2000):
                yield [str(e.row_number), *[files_neutral(v) for v in e.row], files_neutral(e.message)]

        response = StreamingHttpResponse(files.csv_bytes(rows()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-errors-{str(job.pk)[:8]}.csv"'
        return response

    return [
        path("imports/", upload, name="import"),
        path("imports/<uuid:job_id>/", detail, name="import-detail"),
        path("imports/<uuid:job_id>/resume/", resume, name="import-resume"),
        path("imports/<uuid:job_id>/progress/", progress, name="import-progress"),
        path("imports/<uuid:job_id>/errors.csv", errors, name="import-errors"),
    ]


def files_neutral(value: Any) -> str:
    """A cell for a CSV opened in Excel: formulas neutralised."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
