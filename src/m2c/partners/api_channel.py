"""The channel API under /api/v1: special-price requests, MDF (quotas, applications with their explicit
commands, claims with evidence files) and incentives (policies, accruals, the eligibility sweep, the payment,
statements as PDF or XLSX). Partner users see and act on their own partner only."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from m2c.campaigns import selectors as campaign_selectors
from m2c.contracts.selectors import contracts as contract_selectors
from m2c.core.errors import BadRequest, NotFound, PermissionDenied, ValidationFailed
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page

from . import selectors, services, statements
from . import selectors_channel as sel
from .schemas_channel import (
    AccrualIn,
    AccrualOut,
    AccrualPayIn,
    ChannelListIn,
    MdfApproveIn,
    MdfExecuteIn,
    MdfIn,
    MdfOut,
    MdfQuotaIn,
    MdfQuotaOut,
    MdfReasonIn,
    MdfReimburseIn,
    PartnerPerformanceIn,
    PartnerPerformanceOut,
    PolicyIn,
    PolicyOut,
    SpqDecisionIn,
    SpqIn,
    SpqOut,
    SpqRejectIn,
    accrual_out,
    mdf_out,
    partner_performance_out,
    policy_out,
    quota_out,
    spq_out,
)

router = Router(tags=["channel"])


def _found(value: Any) -> Any:
    if value is None:
        raise NotFound()
    return value


def _list(qs: Any, filters: ChannelListIn, out: Any) -> Any:
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=out)


# --- special-price requests ---------------------------------------------------------------------------------


@router.get("/special-price-requests", response={200: Page[SpqOut], **ERRORS}, summary="Special-price requests")
def list_spq(request: HttpRequest, filters: Query[ChannelListIn]):
    return _list(sel.spq_queryset(request.user), filters, spq_out)


@router.post("/special-price-requests", response={201: SpqOut, **ERRORS},
             summary="Ask special prices on a registered deal (15 days after submission, or an override)")
def create_spq(request: HttpRequest, payload: SpqIn):
    reg = _found(selectors.registration_get(user=request.user, registration_id=payload.registration))
    spq = services.spq_submit(actor=request.user, registration=reg, discounts=payload.discounts,
                              justification=payload.justification, override_reason=payload.override_reason)
    return Status(201, spq_out(spq))


@router.get("/special-price-requests/{spq_id}", response={200: SpqOut, **ERRORS}, summary="A special-price request")
def get_spq(request: HttpRequest, spq_id: uuid.UUID):
    return spq_out(_found(sel.spq_get(user=request.user, spq_id=spq_id)))


@router.post("/special-price-requests/{spq_id}/approve", response={200: SpqOut, **ERRORS},
             summary="Approve at the level the discount authority requires")
def approve_spq(request: HttpRequest, spq_id: uuid.UUID, payload: SpqDecisionIn):
    spq = _found(sel.spq_get(user=request.user, spq_id=spq_id))
    return spq_out(services.spq_approve(spq=spq, actor=request.user, note=payload.note))


@router.post("/special-price-requests/{spq_id}/reject", response={200: SpqOut, **ERRORS}, summary="Refuse with a reason")
def reject_spq(request: HttpRequest, spq_id: uuid.UUID, payload: SpqRejectIn):
    spq = _found(sel.spq_get(user=request.user, spq_id=spq_id))
    return spq_out(services.spq_reject(spq=spq, actor=request.user, reason=payload.reason))


# --- MDF -------------------------------------------------------------------------------------------------------


@router.get("/mdf/quotas", response={200: Page[MdfQuotaOut], **ERRORS}, summary="MDF quotas")
def list_quotas(request: HttpRequest, filters: Query[ChannelListIn]):
    return paginate(sel.quota_queryset(request.user), page=filters.page, page_size=filters.page_size,
                    serialize=quota_out)


@router.post("/mdf/quotas", response={201: MdfQuotaOut, **ERRORS}, summary="Set a partner's quota for a period")
def set_quota(request: HttpRequest, payload: MdfQuotaIn):
    partner = _found(selectors.partner_get(user=request.user, partner_id=payload.partner))
    quota = services.quota_set(actor=request.user, partner=partner, period_start=payload.period_start,
                               period_end=payload.period_end, amount=payload.amount, currency=payload.currency)
    return Status(201, quota_out(quota))


@router.get("/mdf", response={200: Page[MdfOut], **ERRORS}, summary="MDF applications")
def list_mdf(request: HttpRequest, filters: Query[ChannelListIn]):
    return _list(sel.mdf_queryset(request.user).prefetch_related("claim_lines"), filters, mdf_out)


@router.post("/mdf", response={201: MdfOut, **ERRORS},
             summary="Apply (≥ 10 working days before the activity, or a late reason) and submit")
def create_mdf(request: HttpRequest, payload: MdfIn):
    partner_id = payload.partner or getattr(request.user, "partner_id", None)
    if partner_id is None:
        raise BadRequest(_("Name the partner the application is for."), field="partner")
    partner = _found(selectors.partner_get(user=request.user, partner_id=partner_id))
    app = services.mdf_apply(actor=request.user, partner=partner, activity=payload.activity,
                             activity_date=payload.activity_date, budget=payload.budget, currency=payload.currency,
                             objective_leads=payload.objective_leads,
                             objective_opportunities=payload.objective_opportunities, late_reason=payload.late_reason)
    return Status(201, mdf_out(app))


def _mdf(request: HttpRequest, mdf_id: uuid.UUID) -> Any:
    return _found(sel.mdf_get(user=request.user, mdf_id=mdf_id))


@router.get("/mdf/{mdf_id}", response={200: MdfOut, **ERRORS}, summary="An MDF application with its claim")
def get_mdf(request: HttpRequest, mdf_id: uuid.UUID):
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/approve", response={200: MdfOut, **ERRORS}, summary="Approve: commits the quota")
def approve_mdf(request: HttpRequest, mdf_id: uuid.UUID, payload: MdfApproveIn):
    services.mdf_approve(actor=request.user, application=_mdf(request, mdf_id), amount=payload.amount,
                         note=payload.note)
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/reject", response={200: MdfOut, **ERRORS}, summary="Reject with a reason")
def reject_mdf(request: HttpRequest, mdf_id: uuid.UUID, payload: MdfReasonIn):
    services.mdf_reject(actor=request.user, application=_mdf(request, mdf_id), reason=payload.reason)
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/execute", response={200: MdfOut, **ERRORS},
             summary="The activity took place: link its campaign")
def execute_mdf(request: HttpRequest, mdf_id: uuid.UUID, payload: MdfExecuteIn):
    campaign = campaign_selectors.campaign_list().filter(pk=payload.campaign).first()
    if campaign is None:
        raise NotFound(_("Unknown campaign."))
    services.mdf_execute(actor=request.user, application=_mdf(request, mdf_id), campaign=campaign)
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/claim", response={200: MdfOut, **ERRORS},
             summary="Claim the expenses (multipart: lines as JSON, evidence files evidence_0, evidence_1…)")
def claim_mdf(request: HttpRequest, mdf_id: uuid.UUID, lines: Form[str] = "[]",
              evidence_0: UploadedFile | None = File(None)):
    """``lines``: [{"expense_type", "description", "amount", "persons"}]; line N's proof is ``evidence_N``."""
    app = _mdf(request, mdf_id)
    try:
        rows = json.loads(lines)
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    except (ValueError, AssertionError) as exc:
        raise ValidationFailed(_("Send the lines as a JSON list of objects."), field="lines") from exc
    for i, row in enumerate(rows):
        row["evidence"] = request.FILES.get(f"evidence_{i}")
    services.mdf_claim(actor=request.user, application=app, lines=rows)
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/reimburse", response={200: MdfOut, **ERRORS},
             summary="Reimburse (at most the approved amount and the eligible expenses)")
def reimburse_mdf(request: HttpRequest, mdf_id: uuid.UUID, payload: MdfReimburseIn):
    services.mdf_reimburse(actor=request.user, application=_mdf(request, mdf_id), amount=payload.amount)
    return mdf_out(_mdf(request, mdf_id))


@router.post("/mdf/{mdf_id}/reject-claim", response={200: MdfOut, **ERRORS}, summary="Reject the claim")
def reject_claim(request: HttpRequest, mdf_id: uuid.UUID, payload: MdfReasonIn):
    services.mdf_reject_claim(actor=request.user, application=_mdf(request, mdf_id), reason=payload.reason)
    return mdf_out(_mdf(request, mdf_id))


# --- incentives ------------------------------------------------------------------------------------------------


@router.get("/incentives/policies", response={200: Page[PolicyOut], **ERRORS}, summary="Incentive policies")
def list_policies(request: HttpRequest, filters: Query[ChannelListIn]):
    return paginate(sel.policy_queryset(request.user), page=filters.page, page_size=filters.page_size,
                    serialize=policy_out)


@router.post("/incentives/policies", response={201: PolicyOut, **ERRORS}, summary="Publish a policy")
def create_policy(request: HttpRequest, payload: PolicyIn):
    return Status(201, policy_out(services.policy_create(actor=request.user, **payload.dict())))


@router.get("/incentives/accruals", response={200: Page[AccrualOut], **ERRORS}, summary="Incentive accruals")
def list_accruals(request: HttpRequest, filters: Query[ChannelListIn]):
    return _list(sel.accrual_queryset(request.user), filters, accrual_out)


@router.post("/incentives/accruals", response={201: AccrualOut, **ERRORS}, summary="Accrue on a contract")
def create_accrual(request: HttpRequest, payload: AccrualIn):
    policy = sel.policy_queryset(request.user).filter(pk=payload.policy).first()
    partner = selectors.partner_get(user=request.user, partner_id=payload.partner)
    contract = contract_selectors.contract_by_id(payload.contract)
    if policy is None or partner is None or contract is None:
        raise NotFound(_("Unknown policy, partner or contract."))
    registration = None
    if payload.registration:
        registration = _found(selectors.registration_get(user=request.user, registration_id=payload.registration))
    accrual = services.accrual_record(actor=request.user, policy=policy, partner=partner, contract=contract,
                                      base=payload.base, registration=registration)
    return Status(201, accrual_out(accrual))


@router.get("/incentives/accruals/{accrual_id}", response={200: AccrualOut, **ERRORS}, summary="An accrual")
def get_accrual(request: HttpRequest, accrual_id: uuid.UUID):
    return accrual_out(_found(sel.accrual_get(user=request.user, accrual_id=accrual_id)))


@router.post("/incentives/accruals/{accrual_id}/evaluate", response={200: AccrualOut, **ERRORS},
             summary="Check eligibility now (certification, threshold, PAID invoices)")
def evaluate_accrual(request: HttpRequest, accrual_id: uuid.UUID):
    accrual = _found(sel.accrual_get(user=request.user, accrual_id=accrual_id))
    services.require_channel(request.user)
    services.accrual_evaluate(accrual)
    return accrual_out(_found(sel.accrual_get(user=request.user, accrual_id=accrual_id)))


@router.post("/incentives/accruals/{accrual_id}/pay", response={200: AccrualOut, **ERRORS},
             summary="Record the payment of an ELIGIBLE accrual")
def pay_accrual(request: HttpRequest, accrual_id: uuid.UUID, payload: AccrualPayIn):
    accrual = _found(sel.accrual_get(user=request.user, accrual_id=accrual_id))
    services.accrual_pay(actor=request.user, accrual=accrual, reference=payload.reference, paid_on=payload.paid_on)
    return accrual_out(_found(sel.accrual_get(user=request.user, accrual_id=accrual_id)))


@router.get("/incentives/statement", response={200: None, **ERRORS},
            summary="A partner's statement for a period, as PDF (default) or XLSX")
def incentive_statement(request: HttpRequest, start: dt.date, end: dt.date, partner: uuid.UUID | None = None,
                        format: str = "pdf", language: str = "zh-hans"):
    partner_id = partner or getattr(request.user, "partner_id", None)
    if partner_id is None:
        raise BadRequest(_("Name the partner."), field="partner")
    found = selectors.partner_get(user=request.user, partner_id=partner_id)
    if found is None:
        raise NotFound()
    return statement_response(found, start, end, format, language)


def statement_response(partner: Any, start: dt.date, end: dt.date, format: str, language: str) -> HttpResponse:
    if end < start:
        raise ValidationFailed(_("The period cannot end before it starts."), field="end")
    data = statements.statement(partner, start, end)
    if format == "xlsx":
        body, kind = statements.render_xlsx(data, language), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif format == "pdf":
        body, kind = statements.render_pdf(data, language), "application/pdf"
    else:
        raise ValidationFailed(_("Choose pdf or xlsx."), field="format")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{statements.filename(data, format)}"'
    return response


# --- channel-wide performance --------------------------------------------------------------------------------


@router.get("/partner-performance", response={200: PartnerPerformanceOut, **ERRORS},
            summary="Every partner side by side for a period: sourced pipeline, bookings, registration funnel and "
                    "conversion, cash collected, MDF reimbursed and its ROI on pipeline and bookings, incentives; "
                    "the totals and the partner-sourced revenue share (channel managers and read-all roles)")
def partner_performance(request: HttpRequest, filters: Query[PartnerPerformanceIn]):
    from . import performance_channel

    if not performance_channel.may_compare(request.user):
        raise PermissionDenied(_("The partner performance is for channel managers."))
    data = performance_channel.channel_performance(
        period=filters.period.value, tier=filters.tier.value if filters.tier else "", category=filters.category,
        sort=filters.sort.value)
    return partner_performance_out(data)
