"""Leads over the API: parse, call a service or selector, serialise. Commands are explicit endpoints."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Status

from m2c.campaigns import selectors as campaign_selectors
from m2c.core import events as core_events
from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page, money_out, ref_out
from m2c.core.selectors import user_resolve

from . import scoring, selectors, services
from .models import Lead, LeadMerge
from .schemas import (
    BulkOut,
    CampaignOutcomesOut,
    CandidateOut,
    ConvertIn,
    ConvertOut,
    DisqualifyIn,
    GapOut,
    ImportOut,
    LeadActivityIn,
    LeadActivityOut,
    LeadAssignIn,
    LeadBulkIn,
    LeadContactIn,
    LeadContactOut,
    LeadFilters,
    LeadIn,
    LeadOut,
    LeadPatch,
    LeadReasonIn,
    LeadRevalidateBulkIn,
    LeadRevalidateIn,
    LeadRevalidateResultOut,
    MergeIn,
    MergeOut,
    MergePreviewOut,
    TouchIn,
    TouchOut,
)

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors

router = Router(tags=["leads"])


# get_status_display() without its cost: Django makes the whole choice list hashable on every call
# (~60 µs, a tenth of rendering a lead); the same labels, translated when str() is applied.
_STATUS_LABELS = dict(Lead._meta.get_field("status").flatchoices)


def lead_out(lead: Lead, viewer: Any = None) -> dict[str, Any]:
    internal = not (viewer is not None and viewer.has_role(Role.PARTNER) and not viewer.sees_everything)
    return {
        "id": lead.pk,
        "title": lead.title,
        "status": lead.status,
        "status_label": str(_STATUS_LABELS.get(lead.status, lead.status)),
        "channel": lead.channel,
        "source_type": lead.source_type,
        "source_campaign": ref_out(lead.source_campaign, lead.source_campaign.name if lead.source_campaign_id else None),
        "customer": ref_out(lead.customer, lead.customer.legal_name if lead.customer_id else None) if internal else None,
        "customer_name": lead.company_name,
        "credit_code": lead.credit_code,
        "industry": lead.industry,
        "province": lead.province,
        "city": lead.city,
        "region": ref_out(lead.region) if internal else None,
        "customer_group": ref_out(lead.customer_group) if internal else None,
        "contact_name": lead.contact_name,
        "contact_title": lead.contact_title,
        "contact_role": lead.contact_role,
        "contact_email": lead.contact_email,
        "contact_phone": lead.contact_phone,
        "offering_lines": [line.code for line in lead.offering_lines.all()],
        "description": lead.description,
        "journey_stage": lead.journey_stage,
        "budget_status": lead.budget_status,
        "budget_note": lead.budget_note,
        "budget": money_out(lead.budget_amount, lead.currency),
        "estimated_amount": money_out(lead.estimated_amount, lead.currency),
        "expected_purchase_date": lead.expected_purchase_date,
        "decision_chain_known": lead.decision_chain_known,
        "pain_confirmed": lead.pain_confirmed,
        "score": lead.score,
        "temperature": lead.temperature,
        "score_breakdown": [{**item, "label": scoring.label(item["dimension"])} for item in lead.score_breakdown or []],
        "invalid_reasons": list(lead.invalid_reasons or []),
        "owner": ({"id": lead.owner.pk, "username": lead.owner.username, "display_name": str(lead.owner)}
                  if lead.owner_id and internal else None),
        "queue": ref_out(lead.queue) if internal else None,
        "accept_due_at": lead.accept_due_at,
        "accepted_at": lead.accepted_at,
        "sla_breaches": lead.sla_breaches,
        "last_activity_at": lead.last_activity_at,
        "next_step": lead.next_step,
        "next_step_due": lead.next_step_due,
        "needs_review": lead.needs_review,
        "review_reason": lead.review_reason,
        "duplicate_of": lead.duplicate_of_id if internal else None,
        "merged_into_opportunity": lead.merged_into_opportunity_id if internal else None,
        "match": (lead.match or {}) if internal else {},
        "converted_opportunity": lead.converted_opportunity_id,
        "read_only": lead.is_read_only,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "version": lead.version,
        "url": reverse("leads:detail", args=[lead.pk]),
    }


def _get(request: HttpRequest, lead_id: uuid.UUID) -> Lead:
    return selectors.lead_get(user=request.user, lead_id=lead_id)


def _fresh(request: HttpRequest, lead_id: uuid.UUID) -> dict[str, Any]:
    return lead_out(_get(request, lead_id), request.user)


@router.get("/leads", response={200: Page[LeadOut], **ERRORS}, summary="List leads")
def list_leads(request: HttpRequest, filters: Query[LeadFilters]):
    params = filters.model_dump(exclude={"page", "page_size"})
    qs = selectors.lead_list(user=request.user, **params).prefetch_related("offering_lines")
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=lambda x: lead_out(x, request.user))


@router.post(
    "/leads",
    response={201: LeadOut, **ERRORS},
    summary="Capture a lead",
    description="Runs the full rule set (normalisation, duplicate detection, validity, score, routing). Send an "
    "`Idempotency-Key` header: a retried request returns the first response and never creates a second lead.",
    openapi_extra={"parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                                   "schema": {"type": "string", "maxLength": 200}}]},
)
def create_lead(request: HttpRequest, payload: LeadIn, response: HttpResponse):
    data = payload.model_dump(mode="json", exclude_none=True)
    data = {k: v for k, v in data.items() if v not in ("", [], {})}
    if payload.customer_id:
        data["customer_id"] = str(payload.customer_id)
    status, body, replayed = services.lead_create_idempotent(
        actor=request.user, key=request.headers.get("Idempotency-Key"), data=data,
        render=lambda lead, outcome: lead_out(lead, request.user),
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


@router.post("/leads/bulk", response={200: BulkOut, **ERRORS}, summary="Capture up to 10,000 leads",
             description="Each item is shaped like the single create and gets its own result. Items with an "
             "`external_id` are idempotent: sending the batch again creates nothing twice.")
def create_leads_bulk(request: HttpRequest, payload: LeadBulkIn):
    items = []
    for item in payload.items:
        if not isinstance(item, dict):
            raise ValidationFailed("every item must be an object", field="items")
        items.append(item)
    results = _bulk_validate(items)
    good = [(i, item) for i, item in enumerate(items) if results[i] is None]
    done = services.lead_create_bulk(actor=request.user, items=[item for _i, item in good]) if good else []
    for (index, _item), result in zip(good, done, strict=True):
        results[index] = {**result, "index": index}
    out = [r for r in results if r is not None]
    return {
        "created": sum(1 for r in out if r["result"] == "created"),
        "merged": sum(1 for r in out if r["result"] in ("merged", "replayed")),
        "rejected": sum(1 for r in out if r["result"] == "rejected"),
        "invalid": sum(1 for r in out if r["result"] == "created" and r.get("invalid_reasons")),
        "items": out,
    }


@router.post("/leads/revalidate", response={200: list[LeadRevalidateResultOut], **ERRORS},
             summary="Run the validity gate again for many corrected INVALID leads")
def revalidate_leads(request: HttpRequest, payload: LeadRevalidateBulkIn):
    leads = list(selectors.lead_list(user=request.user).filter(pk__in=payload.ids))
    found = {lead.pk for lead in leads}
    missing = [{"id": i, "result": "refused", "code": "not_found", "detail": "no such lead"} for i in payload.ids
               if i not in found]
    return services.lead_revalidate_many(leads=leads, actor=request.user) + missing


def _bulk_validate(items: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    from pydantic import ValidationError

    results: list[dict[str, Any] | None] = []
    for index, item in enumerate(items):
        try:
            parsed = LeadIn.model_validate(item)
        except ValidationError as exc:
            errors = [{"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in exc.errors()]
            results.append({"index": index, "result": "rejected", "errors": errors})
            continue
        data = parsed.model_dump(mode="json", exclude_none=True)
        item.clear()
        item.update({k: v for k, v in data.items() if v not in ("", [], {})})
        results.append(None)
    return results


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS}, summary="One lead")
def get_lead(request: HttpRequest, lead_id: uuid.UUID):
    return _fresh(request, lead_id)


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS}, summary="Change qualification fields",
              description="The status never changes here: use the command endpoints.")
def update_lead(request: HttpRequest, lead_id: uuid.UUID, payload: LeadPatch):
    lead = _get(request, lead_id)
    changes = payload.model_dump(mode="json", exclude_unset=True)
    version = changes.pop("version", None)
    changes = {k: v for k, v in changes.items() if v is not None or k in ("budget_amount", "estimated_amount", "expected_purchase_date")}
    services.lead_update(lead=lead, actor=request.user, changes=changes, expected_version=version)
    return _fresh(request, lead_id)


@router.get("/leads/{lead_id}/events", response={200: list[EventOut], **ERRORS}, summary="A lead's timeline")
def list_lead_events(request: HttpRequest, lead_id: uuid.UUID):
    return core_events.timeline_out(_get(request, lead_id))


@router.get("/leads/{lead_id}/duplicates", response={200: list[CandidateOut], **ERRORS},
            summary="Possible duplicates, with the keys that matched and the score")
def list_duplicates(request: HttpRequest, lead_id: uuid.UUID):
    lead = _get(request, lead_id)
    return [{"lead": other.pk, "title": other.title, "status": other.status, "match": match}
            for other, match in selectors.duplicate_candidates(user=request.user, lead=lead)]


def _command(request: HttpRequest, lead_id: uuid.UUID, fn: Any, **kwargs: Any) -> dict[str, Any]:
    fn(lead=_get(request, lead_id), actor=request.user, **kwargs)
    return _fresh(request, lead_id)


@router.post("/leads/{lead_id}/accept", response={200: LeadOut, **ERRORS}, summary="Accept an assigned lead")
def accept_lead(request: HttpRequest, lead_id: uuid.UUID):
    return _command(request, lead_id, services.lead_accept)


@router.post("/leads/{lead_id}/return", response={200: LeadOut, **ERRORS}, summary="Return an assigned lead (with a reason)")
def return_lead(request: HttpRequest, lead_id: uuid.UUID, payload: LeadReasonIn):
    return _command(request, lead_id, services.lead_return, reason=payload.reason)


@router.post("/leads/{lead_id}/assign", response={200: LeadOut, **ERRORS}, summary="Assign a lead by hand")
def assign_lead(request: HttpRequest, lead_id: uuid.UUID, payload: LeadAssignIn):
    owner = user_resolve(payload.owner, field="owner", required=True)
    return _command(request, lead_id, services.lead_assign, owner=owner)


@router.post("/leads/{lead_id}/disqualify", response={200: LeadOut, **ERRORS}, summary="Disqualify a lead")
def disqualify_lead(request: HttpRequest, lead_id: uuid.UUID, payload: DisqualifyIn):
    return _command(request, lead_id, services.lead_disqualify, reason=payload.reason, note=payload.note)


@router.post("/leads/{lead_id}/revalidate", response={200: LeadOut, **ERRORS},
             summary="Correct an INVALID lead and run the validity gate again",
             description="INVALID → VALIDATING → INVALID | QUALIFIED → routing. Only leads whose reasons can be "
             "fixed (no customer, no offering line, no contact); compliance-blocked and student leads stay closed (409).")
def revalidate_lead(request: HttpRequest, lead_id: uuid.UUID, payload: LeadRevalidateIn):
    changes = payload.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None}
    services.lead_revalidate(lead=_get(request, lead_id), actor=request.user, changes=changes)
    return _fresh(request, lead_id)


@router.post("/leads/{lead_id}/recycle", response={200: LeadOut, **ERRORS}, summary="Hand a lead back to the nurture pool")
def recycle_lead(request: HttpRequest, lead_id: uuid.UUID, payload: LeadReasonIn):
    return _command(request, lead_id, services.lead_recycle, reason=payload.reason)


@router.post("/leads/{lead_id}/requalify", response={200: LeadOut, **ERRORS}, summary="Re-qualify a recycled lead")
def requalify_lead(request: HttpRequest, lead_id: uuid.UUID):
    return _command(request, lead_id, services.lead_requalify)


@router.post("/leads/{lead_id}/rescore", response={200: LeadOut, **ERRORS}, summary="Recompute the score")
def rescore_lead(request: HttpRequest, lead_id: uuid.UUID):
    return _command(request, lead_id, services.lead_rescore)


@router.post("/leads/{lead_id}/review", response={200: LeadOut, **ERRORS}, summary="Mark a lead reviewed")
def review_lead(request: HttpRequest, lead_id: uuid.UUID):
    return _command(request, lead_id, services.lead_mark_reviewed)


def _activity_out(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "type": a.type, "subject": a.subject, "outcome": a.outcome, "next_step": a.next_step,
            "next_step_due": a.next_step_due, "occurred_at": a.occurred_at,
            "created_by": str(a.created_by) if a.created_by_id else None}


@router.get("/leads/{lead_id}/activities", response={200: list[LeadActivityOut], **ERRORS}, summary="A lead's activities")
def list_activities(request: HttpRequest, lead_id: uuid.UUID):
    lead = _get(request, lead_id)
    return [_activity_out(a) for a in lead.activities.select_related("created_by")]


@router.post("/leads/{lead_id}/activities", response={201: LeadActivityOut, **ERRORS}, summary="Log an activity")
def create_activity(request: HttpRequest, lead_id: uuid.UUID, payload: LeadActivityIn):
    activity = services.lead_log_activity(lead=_get(request, lead_id), actor=request.user, **payload.model_dump())
    return Status(201, _activity_out(activity))


def _contact_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "title": c.title, "decision_role": c.decision_role, "email": c.email, "phone": c.phone}


@router.get("/leads/{lead_id}/contacts", response={200: list[LeadContactOut], **ERRORS}, summary="Decision-chain contacts")
def list_contacts(request: HttpRequest, lead_id: uuid.UUID):
    return [_contact_out(c) for c in _get(request, lead_id).contacts.all()]


@router.post("/leads/{lead_id}/contacts", response={201: LeadContactOut, **ERRORS}, summary="Add a decision-chain contact")
def create_contact(request: HttpRequest, lead_id: uuid.UUID, payload: LeadContactIn):
    contact = services.lead_add_contact(lead=_get(request, lead_id), actor=request.user, **payload.model_dump())
    return Status(201, _contact_out(contact))


def _touch_out(t: Any) -> dict[str, Any]:
    return {"id": t.pk, "campaign": ref_out(t.campaign, t.campaign.name), "kind": t.kind, "touched_at": t.touched_at,
            "opportunity": t.opportunity_id, "origin_lead": t.origin_lead_id}


@router.get("/leads/{lead_id}/touches", response={200: list[TouchOut], **ERRORS}, summary="Campaign touches")
def list_touches(request: HttpRequest, lead_id: uuid.UUID):
    return [_touch_out(t) for t in selectors.touches_of(_get(request, lead_id))]


@router.post("/leads/{lead_id}/touches", response={201: TouchOut, **ERRORS}, summary="Record a campaign touch")
def create_touch(request: HttpRequest, lead_id: uuid.UUID, payload: TouchIn):
    campaign = _campaign(payload.campaign)
    touch = services.touch_add(lead=_get(request, lead_id), actor=request.user, campaign=campaign, kind=payload.kind)
    return Status(201, _touch_out(touch))


def _campaign(ref: str) -> Campaign:
    campaign = campaign_selectors.campaign_by_ref(ref)
    if campaign is None:
        raise NotFound("no such campaign")
    return campaign


@router.get("/leads/{lead_id}/merge-preview", response={200: MergePreviewOut, **ERRORS}, summary="Preview a merge")
def merge_preview(request: HttpRequest, lead_id: uuid.UUID, into: uuid.UUID):
    preview = services.lead_merge_preview(source=_get(request, lead_id), target=_get(request, into))
    return {**preview, "source": preview["source"].pk, "target": preview["target"].pk,
            "problems": [str(p) for p in preview["problems"]]}


def _merge_out(m: LeadMerge) -> dict[str, Any]:
    return {"id": m.pk, "merged": m.merged_id, "survivor": m.survivor_id, "survivor_opportunity": m.survivor_opportunity_id,
            "match": m.match, "automatic": m.automatic, "created_at": m.created_at, "undone_at": m.undone_at}


@router.post("/leads/{lead_id}/merge", response={200: MergeOut, **ERRORS}, summary="Merge this lead into another")
def merge_lead(request: HttpRequest, lead_id: uuid.UUID, payload: MergeIn):
    merge = services.lead_merge(source=_get(request, lead_id), target=_get(request, payload.into), actor=request.user,
                                reason=payload.reason)
    return _merge_out(merge)


@router.get("/leads/{lead_id}/merges", response={200: list[MergeOut], **ERRORS}, summary="Merges of a lead (audit)")
def list_merges(request: HttpRequest, lead_id: uuid.UUID):
    return [_merge_out(m) for m in selectors.merges_of(_get(request, lead_id))]


@router.post("/lead-merges/{merge_id}/undo", response={200: LeadOut, **ERRORS}, summary="Undo a merge")
def undo_merge(request: HttpRequest, merge_id: uuid.UUID):
    merge = get_object_or_404(LeadMerge, pk=merge_id)
    lead = _get(request, merge.merged_id)
    services.lead_merge_undo(merge=merge, actor=request.user)
    return _fresh(request, lead.pk)


@router.get("/leads/{lead_id}/conversion-check", response={200: list[GapOut], **ERRORS},
            summary="What is still missing before conversion")
def conversion_check(request: HttpRequest, lead_id: uuid.UUID):
    return services.conversion_gaps(_get(request, lead_id))


@router.post("/leads/{lead_id}/convert", response={200: ConvertOut, **ERRORS}, summary="Convert to an opportunity")
def convert_lead(request: HttpRequest, lead_id: uuid.UUID, payload: ConvertIn):
    lead = _get(request, lead_id)
    owner = None
    if payload.owner:
        owner = User.objects.filter(username=payload.owner).first()
        if owner is None:
            raise ValidationFailed("no such user", field="owner")
    opportunity = services.lead_convert(lead=lead, actor=request.user, owner=owner, name=payload.name)
    fresh = _get(request, lead_id)
    influenced = sorted({t.campaign.code for t in opportunity.campaign_touches.select_related("campaign")})
    return {"lead": lead_out(fresh, request.user), "opportunity": opportunity.pk, "customer": opportunity.customer_id,
            "influenced_campaigns": influenced}


@router.get("/campaigns/{campaign_ref}/lead-outcomes", response={200: CampaignOutcomesOut, **ERRORS},
            summary="A campaign's lead outcomes: valid leads against target, cost per valid lead")
def campaign_outcomes(request: HttpRequest, campaign_ref: str):
    if not (request.user.sees_everything or request.user.has_role(Role.MARKETING)):
        raise NotFound("no such campaign")
    data = selectors.campaign_lead_outcomes(campaign=_campaign(campaign_ref))
    campaign = data.pop("campaign")
    currency = data.pop("currency")
    return {**data, "campaign": campaign.code,
            "attainment": str(data["attainment"]) if data["attainment"] is not None else None,
            "valid_lead_rate": str(data["valid_lead_rate"]) if data["valid_lead_rate"] is not None else None,
            "actual_spend": {"amount": data["actual_spend"], "currency": currency},
            "cost_per_valid_lead": money_out(data["cost_per_valid_lead"], currency)}


@router.get("/lead-imports/{import_id}", response={200: ImportOut, **ERRORS}, summary="An import's progress and counts")
def get_import(request: HttpRequest, import_id: uuid.UUID):
    job = selectors.import_get(user=request.user, import_id=import_id)
    return {"id": job.pk, "file_name": job.file_name, "status": job.status, "dry_run": job.dry_run, "mapping": job.mapping,
            "rows": job.processed, "created": job.created, "merged": job.merged, "invalid": job.invalid,
            "rejected": job.rejected, "percent": job.percent, "errors_url": reverse("leads:import-errors", args=[job.pk])}
