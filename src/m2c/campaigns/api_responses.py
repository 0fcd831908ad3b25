"""The responses API under /api/v1: responses (list, one, record, import, the explicit ``convert``
command) and, per campaign, invitations, the check-in command and the response funnel.

Readers are marketing, executives and administrators; writers marketing and administrators, as on the
campaign pages. Every write goes through the services."""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from m2c.core.errors import BadRequest, DomainError, NotFound, PermissionDenied, ValidationFailed
from m2c.core.imports import runner
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page

from . import selectors, services
from . import selectors_responses as reads
from .imports import CLIENT, check_encoding
from .models import Campaign
from .schemas_responses import (
    CampaignResponseFilterIn,
    CampaignResponseIn,
    CampaignResponseOut,
    CheckInIn,
    CheckInOut,
    CustomerJourneyOut,
    InvitationOut,
    InvitationsIn,
    InvitationsResultOut,
    ResponseFunnelOut,
    ResponseImportOut,
    invitation_out,
    response_out,
)
from .services.registrations import check_in
from .services.responses import require_responder

router = Router(tags=["responses"])


def _read(request: HttpRequest) -> None:
    if not selectors.campaign_can_read(request.user):
        raise PermissionDenied(_("Your role has no access to campaigns."))


def _campaign(request: HttpRequest, campaign_id: uuid.UUID) -> Campaign:
    _read(request)
    found = selectors.campaign_list().filter(pk=campaign_id).first()
    if found is None:
        raise NotFound()
    return found


def _response(request: HttpRequest, response_id: uuid.UUID) -> Any:
    _read(request)
    found = reads.response_get(response_id)
    if found is None:
        raise NotFound()
    return found


@router.get("/responses", response={200: Page[CampaignResponseOut], **ERRORS}, summary="List campaign responses")
def list_responses(request: HttpRequest, filters: Query[CampaignResponseFilterIn]):
    _read(request)
    campaign = _campaign(request, filters.campaign) if filters.campaign else None
    qs = reads.response_list(campaign=campaign, status=filters.status.value if filters.status else "",
                             type=filters.type.value if filters.type else "", overdue=filters.overdue)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=response_out)


@router.post("/responses", response={201: CampaignResponseOut, **ERRORS},
             summary="Record a response (booth visit, download, meeting or call-back request…); pending conversion")
def create_response(request: HttpRequest, payload: CampaignResponseIn):
    campaign = _campaign(request, payload.campaign)
    require_responder(request.user)
    if not campaign.accepts_responses:
        raise ValidationFailed(_("The campaign is closed."), field="campaign")
    data = payload.dict()
    response = services.response_create(
        campaign=campaign, type=data["type"].value, source="api", actor=request.user,
        responded_at=data["responded_at"] or timezone.now(),
        data={k: data[k] for k in ("name", "company", "title", "email", "phone")})
    return Status(201, response_out(reads.response_get(response.pk)))


@router.post("/responses/import", response={201: ResponseImportOut, **ERRORS},
             summary="Import responses from a CSV/XLSX file (multipart; dry_run to check only)")
def import_responses(request: HttpRequest, file: File[UploadedFile], campaign: Form[str] = "",
                     dry_run: Form[bool] = False, mapping: Form[str] = ""):
    _read(request)
    require_responder(request.user)
    if request.user is None:  # pragma: no cover - the API always has a user
        raise PermissionDenied()
    columns = None
    if mapping:
        try:
            columns = json.loads(mapping)
        except ValueError:
            raise ValidationFailed(_("The mapping is not JSON."), field="mapping") from None
        if not isinstance(columns, dict):
            raise ValidationFailed(_("The mapping is not JSON."), field="mapping")
    defaults = {}
    if campaign:
        found = selectors.campaign_by_ref(campaign)
        if found is None:
            raise ValidationFailed(_("Unknown campaign."), field="campaign")
        defaults["campaign"] = found.code
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses"
        with open(path, "wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            check_encoding(path)  # before the headers are read: a garbled file is refused as a whole
            job = runner.create_job(path, CLIENT, actor=request.user, mapping=columns, dry_run=dry_run,
                                    defaults=defaults, stored=None)
        except ValidationFailed as exc:
            # The file as a whole cannot be imported (its kind, encoding or columns): a bad request, as
            # for bank statements; row errors are reported in the answer instead.
            raise BadRequest(exc.detail, field=exc.field or "file", code=exc.code) from None
        job.file_name = (file.name or "responses")[:255]
        job.save(update_fields=["file_name"])
        try:
            runner.run_job(job, CLIENT, actor=request.user)
        except DomainError:
            pass  # the job failed as a whole (say, the encoding): its message says why, below
    job.refresh_from_db()
    errors = [{"row": e.row_number, "level": e.level, "field": e.field, "message": e.message}
              for e in job.errors.order_by("row_number", "id")[:500]]
    if job.status == job.Status.FAILED:
        raise BadRequest(job.message or _("The file could not be imported."), field="file", code="import_failed")
    return Status(201, {"job": job.pk, "dry_run": job.dry_run, "status": job.status, "message": job.message,
                        "rows": job.processed, "created": job.created, "merged": job.merged, "rejected": job.rejected,
                        "warnings": job.warnings, "errors": errors})


@router.get("/responses/{response_id}", response={200: CampaignResponseOut, **ERRORS}, summary="A campaign response")
def get_response(request: HttpRequest, response_id: uuid.UUID):
    return response_out(_response(request, response_id))


@router.post("/responses/{response_id}/convert", response={200: CampaignResponseOut, **ERRORS},
             summary="Convert a response into a lead through the lead capture rules")
def convert_response(request: HttpRequest, response_id: uuid.UUID):
    response = _response(request, response_id)
    services.response_convert(response=response, actor=request.user)
    if response.status != "CONVERTED":
        raise ValidationFailed(response.convert_error, code="response_not_converted")
    return response_out(reads.response_get(response.pk))


@router.get("/campaigns/{campaign_id}/invitations", response={200: list[InvitationOut], **ERRORS},
            summary="A campaign's invitations")
def list_invitations(request: HttpRequest, campaign_id: uuid.UUID):
    return [invitation_out(i) for i in reads.invitation_list(campaign=_campaign(request, campaign_id))[:1000]]


@router.post("/campaigns/{campaign_id}/invitations", response={201: InvitationsResultOut, **ERRORS},
             summary="Invite contacts, customers' contacts or a target list by email (opted-out addresses skipped)")
def invite(request: HttpRequest, campaign_id: uuid.UUID, payload: InvitationsIn):
    campaign = _campaign(request, campaign_id)
    report = services.campaign_invite(campaign=campaign, actor=request.user, contact_ids=payload.contact_ids,
                                      customer_ids=payload.customer_ids,
                                      targets=[t.dict() for t in payload.targets])
    return Status(201, {**report, "invitations": [invitation_out(i) for i in report["invitations"]]})


@router.post("/campaigns/{campaign_id}/checkin", response={200: CheckInOut, **ERRORS},
             summary="Check a registration in by its code (idempotent)")
def checkin(request: HttpRequest, campaign_id: uuid.UUID, payload: CheckInIn):
    campaign = _campaign(request, campaign_id)
    registration, first = check_in(campaign=campaign, code=payload.code, actor=request.user)
    at = timezone.localtime(registration.checked_in_at)
    message = (_("Welcome, %(name)s (%(company)s): checked in at %(at)s.") if first
               else _("%(name)s (%(company)s) is already checked in at %(at)s.")) % {
        "name": registration.name, "company": registration.company, "at": at.strftime("%H:%M")}
    return {"registration": registration.pk, "name": registration.name, "company": registration.company,
            "first_scan": first, "checked_in_at": registration.checked_in_at, "message": message}


@router.get("/campaigns/{campaign_id}/responses/funnel", response={200: ResponseFunnelOut, **ERRORS},
            summary="Response → lead → valid → opportunity → won")
def response_funnel(request: HttpRequest, campaign_id: uuid.UUID):
    campaign = _campaign(request, campaign_id)
    overview = reads.response_overview(campaign=campaign)
    return {"campaign": campaign.pk, **overview["funnel"], "by_type": overview["types"]}


@router.get("/customers/{customer_id}/journey", response={200: CustomerJourneyOut, **ERRORS},
            summary="A customer's buyer-journey stage, the responses that moved it and the next stage's campaign")
def customer_journey(request: HttpRequest, customer_id: uuid.UUID):
    from m2c.customers import selectors as customer_selectors

    from .selectors_journey import customer_journey as journey_of

    _read(request)
    if not customer_selectors.customer_visible(user=request.user, customer_id=customer_id):
        raise NotFound()
    journey = journey_of(customer=customer_selectors.customer_get(user=request.user, customer_id=customer_id))
    following = journey["next_campaign"]
    return {"customer": customer_id, "stage": journey["stage"] or None, "moves": [
        {"from_stage": m["from_stage"], "to_stage": m["to_stage"], "at": m["at"], "response": m["response"],
         "campaign": m["campaign"].code if m["campaign"] else "", "campaign_name": m["campaign"].name if m["campaign"]
         else "", "response_type": m["type"]} for m in journey["moves"]],
        "next_campaign": {k: getattr(following, k) for k in ("id", "code", "name", "journey_stage", "start_date",
                                                             "end_date")} if following else None}
