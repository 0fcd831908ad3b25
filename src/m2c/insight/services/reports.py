"""Insight reports (五看三定): write, attach, publish. The author or marketing edits; publishing needs the five
looks and the three decisions written."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.evidence import check_upload, clean_name
from m2c.core.models import Role
from m2c.core.roles import Actor
from m2c.core.services import model_update

from .. import events
from ..models import InsightAttachment, InsightReport
from ..models.reports import DECISIONS, LOOKS
from ..states import INSIGHT_REPORT_MACHINE, MARKET_ROLES, InsightReportStatus, InsightReportType

TEXT_FIELDS = ("title", "summary", "due_on", *LOOKS, *DECISIONS)


def _may_edit(report: InsightReport, actor: Actor) -> None:
    if actor is None or actor.is_superuser or actor.has_role(*MARKET_ROLES) or actor.pk == report.author_id:
        return
    raise PermissionDenied(_("Only the author or marketing may change this insight report."))


def require_complete(report: InsightReport) -> None:
    errors = FieldErrors()
    for name in (*LOOKS, *DECISIONS):
        if not (getattr(report, name) or "").strip():
            errors.add(name, _("Write this part before publishing."))
    if errors:
        raise InvalidTransition(_("The five looks and the three decisions must all be written before publishing."),
                                errors=errors.items, code="report_incomplete")


def _next_number() -> str:
    prefix = f"IR-{timezone.localdate().year}-"
    last = InsightReport.objects.filter(number__startswith=prefix).order_by("-number").values_list(
        "number", flat=True).first()
    return f"{prefix}{(int(last.rsplit('-', 1)[-1]) + 1) if last else 1:05d}"


@transaction.atomic
def insight_report_create(*, actor: Actor, title: str, report_type: str, org_unit: Any = None,
                          segments: Any = (), customers: Any = (), **text: Any) -> InsightReport:
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        raise PermissionDenied(_("Partner users cannot write insight reports."))
    errors = FieldErrors()
    if not (title or "").strip():
        errors.add("title", _("A title is required."))
    if report_type not in InsightReportType.values:
        errors.add("report_type", _("Choose one of: %(v)s.") % {"v": ", ".join(InsightReportType.values)})
    unit = org_unit or getattr(actor, "org_unit", None)
    if unit is None:
        errors.add("org_unit", _("Choose the org unit the report is for."))
    unknown = set(text) - set(TEXT_FIELDS)
    if unknown:
        errors.add(sorted(unknown)[0], _("Unknown field."))
    errors.raise_if_any()
    for attempt in range(5):
        try:
            with transaction.atomic():
                report = InsightReport.objects.create(
                    number=_next_number(), title=title.strip()[:200], report_type=report_type, org_unit=unit,
                    author=actor, created_by=actor, **{k: (v.replace("\r\n", "\n").strip() if isinstance(v, str) else v)
                                                        for k, v in text.items()})
                break
        except IntegrityError:
            if attempt == 4:
                raise
    report.segments.set(list(segments or []))
    report.customers.set(list(customers or []))
    core_events.record(events.INSIGHT_REPORT_CREATED, report, actor=actor, to_state=report.status,
                       payload={"changes": {"number": report.number, "type": report_type}})
    return report


@transaction.atomic
def insight_report_update(*, report: InsightReport, actor: Actor, segments: Any = None, customers: Any = None,
                          **data: Any) -> InsightReport:
    _may_edit(report, actor)
    if "title" in data and not (data["title"] or "").strip():
        raise ValidationFailed(_("A title is required."), field="title")
    clean = {k: (v.replace("\r\n", "\n").strip() if isinstance(v, str) else v) for k, v in data.items()}
    diff = model_update(report, TEXT_FIELDS, clean)
    if segments is not None:
        report.segments.set(list(segments))
    if customers is not None:
        report.customers.set(list(customers))
    if diff or segments is not None or customers is not None:
        core_events.record(events.INSIGHT_REPORT_UPDATED, report, actor=actor,
                           payload={"changes": dict.fromkeys(diff, "changed")})
    report.refresh_from_db()
    return report


@transaction.atomic
def insight_report_publish(*, report: InsightReport, actor: Actor) -> InsightReport:
    _may_edit(report, actor)
    return INSIGHT_REPORT_MACHINE.apply(report, InsightReportStatus.PUBLISHED, actor=actor,
                                        changes={"published_at": timezone.now()})


@transaction.atomic
def insight_report_withdraw(*, report: InsightReport, actor: Actor, note: str = "") -> InsightReport:
    return INSIGHT_REPORT_MACHINE.apply(report, InsightReportStatus.DRAFT, actor=actor, reason=note)


@transaction.atomic
def insight_report_attach(*, report: InsightReport, actor: Actor, upload: Any) -> InsightAttachment:
    _may_edit(report, actor)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), field="file")
    check_upload(upload, field="file")
    name = clean_name(upload)
    row = InsightAttachment(report=report, name=name, created_by=actor)
    row.file.save(name, upload, save=False)
    row.save()
    core_events.record(events.INSIGHT_REPORT_ATTACHED, report, actor=actor, payload={"changes": {"file": name}})
    return row
