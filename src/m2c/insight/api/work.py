"""Insight reports (五看三定), joint innovation projects and the front-line centers' queues over the API."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.schemas import ERRORS
from m2c.customers import selectors as customer_selectors

from .. import selectors, services
from ..models import InnovationProject, InsightReport
from ..models.reports import DECISIONS, LOOKS
from ..schemas import (
    CenterOut,
    InnovationMilestoneIn,
    InnovationOutputIn,
    InnovationProjectIn,
    InnovationProjectOut,
    InsightReportIn,
    InsightReportOut,
    InsightReportPatch,
)
from .requirements import router


def report_out(r: InsightReport) -> dict[str, Any]:
    return {
        "id": r.pk, "number": r.number, "title": r.title, "report_type": r.report_type, "status": r.status,
        "org_unit": r.org_unit.code, "author": r.author.username, "due_on": r.due_on,
        "segments": [s.code for s in r.segments.all()], "customers": [c.pk for c in r.customers.all()],
        "summary": r.summary, **{name: getattr(r, name) for name in (*LOOKS, *DECISIONS)},
        "attachments": [a.name for a in r.attachments.all()], "published_at": r.published_at, "version": r.version,
    }


@router.get("/insight-reports", response={200: list[InsightReportOut], **ERRORS},
            summary="Insight reports (five looks, three decisions)")
def list_reports(request: HttpRequest, report_type: str | None = None, status: str | None = None):
    qs = selectors.insight_report_list(user=request.user, report_type=(report_type or "")[:12] or None,
                                       status=(status or "")[:10] or None)
    return [report_out(r) for r in qs.prefetch_related("segments", "customers", "attachments")[:200]]


def _report(request: HttpRequest, report_id: uuid.UUID) -> InsightReport:
    return selectors.insight_report_get(user=request.user, report_id=report_id)


@router.get("/insight-reports/{report_id}", response={200: InsightReportOut, **ERRORS}, summary="One insight report")
def get_report(request: HttpRequest, report_id: uuid.UUID):
    return report_out(_report(request, report_id))


@router.post("/insight-reports", response={201: InsightReportOut, **ERRORS}, summary="Write an insight report")
def create_report(request: HttpRequest, payload: InsightReportIn):
    data = payload.model_dump()
    code = data.pop("org_unit")
    unit = OrgUnit.objects.filter(code=code).first() if code else None
    if code and unit is None:
        raise ValidationFailed(_("%(code)s: no such org unit.") % {"code": code}, field="org_unit")
    # Default: the author's unit, else (an administrator outside the tree) its root.
    unit = unit or request.user.org_unit or OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    codes = data.pop("segments")
    segments = list(selectors.segment_queryset(request.user).filter(code__in=codes))
    customers = list(customer_selectors.customer_queryset(request.user).filter(pk__in=data.pop("customers")))
    report = services.insight_report_create(actor=request.user, org_unit=unit, segments=segments,
                                            customers=customers, **data)
    return Status(201, report_out(report))


@router.patch("/insight-reports/{report_id}", response={200: InsightReportOut, **ERRORS},
              summary="Change an insight report's text")
def update_report(request: HttpRequest, report_id: uuid.UUID, payload: InsightReportPatch):
    report = services.insight_report_update(report=_report(request, report_id), actor=request.user,
                                            **payload.model_dump(exclude_unset=True))
    return report_out(report)


@router.post("/insight-reports/{report_id}/publish", response={200: InsightReportOut, **ERRORS},
             summary="DRAFT → PUBLISHED (the five looks and three decisions written)")
def publish_report(request: HttpRequest, report_id: uuid.UUID):
    return report_out(services.insight_report_publish(report=_report(request, report_id), actor=request.user))


def innovation_out(p: InnovationProject) -> dict[str, Any]:
    return {
        "id": p.pk, "number": p.number, "name": p.name, "customer": p.customer.legal_name,
        "customer_id": p.customer_id, "offering_line": p.offering_line.code, "owner": p.owner.username,
        "objective": p.objective, "status": p.status, "starts_on": p.starts_on, "ends_on": p.ends_on,
        "milestones": [{"id": m.pk, "name": m.name, "due_on": m.due_on, "done_on": m.done_on}
                       for m in p.milestones.all()],
        "participants": [f"{x.get_side_display()}: {x.name}" for x in p.participants.all()],
        "outputs": [f"{o.kind}: {o.title}" for o in p.outputs.all()],
        "requirements": [r.number for r in selectors.innovation_requirements(p)], "version": p.version,
    }


@router.get("/innovation-projects", response={200: list[InnovationProjectOut], **ERRORS},
            summary="Joint innovation projects")
def list_innovation(request: HttpRequest, status: str | None = None):
    return [innovation_out(p) for p in selectors.innovation_list(user=request.user,
                                                                 status=(status or "")[:10] or None)[:200]]


def _project(request: HttpRequest, innovation_id: uuid.UUID) -> InnovationProject:
    return selectors.innovation_get(user=request.user, project_id=innovation_id)


@router.get("/innovation-projects/{innovation_id}", response={200: InnovationProjectOut, **ERRORS},
            summary="One joint innovation project with milestones, participants and outputs")
def get_innovation(request: HttpRequest, innovation_id: uuid.UUID):
    return innovation_out(_project(request, innovation_id))


@router.post("/innovation-projects", response={201: InnovationProjectOut, **ERRORS},
             summary="Start planning a joint innovation project")
def create_innovation(request: HttpRequest, payload: InnovationProjectIn):
    data = payload.model_dump()
    customer = customer_selectors.customer_queryset(request.user).filter(pk=data.pop("customer")).first()
    if customer is None:
        raise NotFound(_("No such customer you can see."))
    line = OfferingLine.objects.filter(code=data.pop("offering_line")).first()
    return Status(201, innovation_out(services.innovation_create(actor=request.user, customer=customer,
                                                                 offering_line=line, **data)))


@router.post("/innovation-projects/{innovation_id}/milestones", response={200: InnovationProjectOut, **ERRORS},
             summary="Add a milestone")
def add_milestone(request: HttpRequest, innovation_id: uuid.UUID, payload: InnovationMilestoneIn):
    project = _project(request, innovation_id)
    services.innovation_milestone_add(project=project, actor=request.user, **payload.model_dump())
    return innovation_out(project)


@router.post("/innovation-projects/{innovation_id}/outputs", response={200: InnovationProjectOut, **ERRORS},
             summary="Record an asset or reference case the project produced")
def add_output(request: HttpRequest, innovation_id: uuid.UUID, payload: InnovationOutputIn):
    project = _project(request, innovation_id)
    services.innovation_output_add(project=project, actor=request.user, **payload.model_dump())
    return innovation_out(project)


@router.post("/innovation-projects/{innovation_id}/start", response={200: InnovationProjectOut, **ERRORS},
             summary="PLANNED → ACTIVE")
def start_innovation(request: HttpRequest, innovation_id: uuid.UUID):
    return innovation_out(services.innovation_start(project=_project(request, innovation_id), actor=request.user))


@router.post("/innovation-projects/{innovation_id}/complete", response={200: InnovationProjectOut, **ERRORS},
             summary="ACTIVE → COMPLETED")
def complete_innovation(request: HttpRequest, innovation_id: uuid.UUID):
    return innovation_out(services.innovation_complete(project=_project(request, innovation_id),
                                                       actor=request.user))


def center_out(request: HttpRequest, center: OrgUnit) -> dict[str, Any]:
    queue = selectors.center_queue(user=request.user, center=center)
    items = {key: [str(x) for x in value] for key, value in queue.items()
             if isinstance(value, list) and key != "region"}
    return {"id": center.pk, "code": center.code, "name": center.label, "type": center.type,
            "region": center.parent.code if center.parent_id else None, "queue": items}


@router.get("/centers", response={200: list[CenterOut], **ERRORS},
            summary="Front-line centers under the reader's regions, each with its queue")
def list_centers(request: HttpRequest):
    return [center_out(request, c) for c in selectors.center_list(user=request.user)[:100]]


@router.get("/centers/{center_id}", response={200: CenterOut, **ERRORS}, summary="One center and its queue")
def get_center(request: HttpRequest, center_id: uuid.UUID):
    return center_out(request, selectors.center_get(user=request.user, center_id=center_id))
