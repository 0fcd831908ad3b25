"""The campaigns API under /api/v1: campaigns with their life cycle as explicit commands, marketing
budgets with their ledger and allocations, and campaign expenses.

Readers are marketing, executives and administrators (as on the pages); writers are marketing and
administrators; every write goes through ``services``, which check budget authority."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from m2c.core import events as core_events
from m2c.core.errors import NotFound, PermissionDenied, ValidationFailed
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page
from m2c.core.selectors import offering_line_list, org_unit_list

from . import selectors, services
from .attribution import cash_roi
from .models import Campaign, MarketingBudget
from .schemas import (
    AllocateIn,
    AttributionModel,
    BudgetEntryOut,
    BudgetIn,
    BudgetOut,
    CampaignFilterIn,
    CampaignIn,
    CampaignOut,
    CampaignPatchIn,
    CampaignReasonIn,
    EvaluationIn,
    EvaluationOut,
    ExpenseIn,
    ExpenseOut,
    ReapproveIn,
    RoiOut,
    budget_out,
    campaign_out,
    entry_out,
    evaluation_out,
    expense_out,
    roi_out,
)

router = Router(tags=["campaigns"])

def _read(request: HttpRequest) -> None:
    if not selectors.campaign_can_read(request.user):
        raise PermissionDenied(_("Your role has no access to campaigns."))


def _campaign(request: HttpRequest, campaign_id: uuid.UUID) -> Campaign:
    _read(request)
    found = selectors.campaign_list().select_related("budget", "parent").filter(pk=campaign_id).first()
    if found is None:
        raise NotFound()
    return found


def _budget(request: HttpRequest, budget_id: uuid.UUID | None, field: str = "budget") -> MarketingBudget | None:
    if budget_id is None:
        return None
    found = selectors.budget_list().filter(pk=budget_id).first()
    if found is None:
        raise ValidationFailed(_("Unknown budget."), field=field)
    return found


def _unit(code: str | None, field: str = "org_unit") -> Any:
    if not code:
        return None
    found = org_unit_list().filter(code=code).first()
    if found is None:
        raise ValidationFailed(_("Unknown org unit."), field=field)
    return found


def _detail(campaign: Campaign) -> dict[str, Any]:
    fresh = selectors.campaign_list().select_related("budget", "parent").prefetch_related("offering_lines").get(
        pk=campaign.pk)
    return campaign_out(fresh)


@router.get("/campaigns", response={200: Page[CampaignOut], **ERRORS}, summary="List campaigns")
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilterIn]):
    _read(request)
    qs = selectors.campaign_search(search=filters.search or "", status=filters.status or "",
                                   level=filters.level or "", journey_stage=filters.journey_stage or "",
                                   offering_line=filters.offering_line or "")
    return paginate(qs.select_related("budget", "parent"), page=filters.page, page_size=filters.page_size,
                    serialize=campaign_out)


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, summary="Plan a campaign (DRAFT)")
def create_campaign(request: HttpRequest, payload: CampaignIn):
    _read(request)
    data = payload.dict()
    lines = list(offering_line_list().filter(code__in=data.pop("offering_lines")))
    data["org_unit"] = _unit(data["org_unit"])
    data["budget"] = _budget(request, data["budget"])
    if data["parent"] is not None:
        data["parent"] = selectors.campaign_list().filter(pk=data["parent"]).first()
        if data["parent"] is None:
            raise ValidationFailed(_("Unknown campaign."), field="parent")
    code = data.pop("code")
    campaign = services.campaign_create(actor=request.user, code=code, offering_lines=lines, **data)
    return Status(201, _detail(campaign))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="A campaign")
def get_campaign(request: HttpRequest, campaign_id: uuid.UUID):
    return _detail(_campaign(request, campaign_id))


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Change a campaign's plan")
def patch_campaign(request: HttpRequest, campaign_id: uuid.UUID, payload: CampaignPatchIn):
    campaign = _campaign(request, campaign_id)
    changes = payload.dict(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    if "budget" in changes:
        changes["budget"] = _budget(request, changes["budget"])
    services.campaign_update(campaign=campaign, actor=request.user, expected_version=expected, **changes)
    return _detail(campaign)


@router.get("/campaigns/{campaign_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def campaign_timeline(request: HttpRequest, campaign_id: uuid.UUID):
    return core_events.timeline_out(_campaign(request, campaign_id))


@router.get("/campaigns/{campaign_id}/expenses", response={200: list[ExpenseOut], **ERRORS},
            summary="The campaign's expenses")
def list_expenses(request: HttpRequest, campaign_id: uuid.UUID):
    campaign = _campaign(request, campaign_id)
    currency = campaign.budget.currency if campaign.budget else campaign.currency
    return [expense_out(e, currency) for e in campaign.expenses.order_by("spent_on", "created_at")]


@router.post("/campaigns/{campaign_id}/expenses", response={201: ExpenseOut, **ERRORS},
             summary="Record an expense (refused above the commitment plus tolerance: re-approve first)")
def add_expense(request: HttpRequest, campaign_id: uuid.UUID, payload: ExpenseIn):
    campaign = _campaign(request, campaign_id)
    expense = services.campaign_expense_add(campaign=campaign, actor=request.user, **payload.dict())
    return Status(201, expense_out(expense, campaign.budget.currency))


@router.post("/campaigns/{campaign_id}/reapprove", response={200: CampaignOut, **ERRORS},
             summary="Commit more of the budget to an approved campaign")
def reapprove_campaign(request: HttpRequest, campaign_id: uuid.UUID, payload: ReapproveIn):
    campaign = _campaign(request, campaign_id)
    services.campaign_budget_reapprove(campaign=campaign, actor=request.user, amount=payload.amount,
                                       reason=payload.reason)
    return _detail(campaign)


def _command(name: str, service: Any, takes_reason: bool, summary: str) -> None:
    if takes_reason:
        @router.post(f"/campaigns/{{campaign_id}}/{name}", response={200: CampaignOut, **ERRORS}, summary=summary,
                     operation_id=f"campaign_{name}")
        def with_reason(request: HttpRequest, campaign_id: uuid.UUID, payload: CampaignReasonIn):
            campaign = _campaign(request, campaign_id)
            service(campaign=campaign, actor=request.user, reason=payload.reason)
            return _detail(campaign)
    else:
        @router.post(f"/campaigns/{{campaign_id}}/{name}", response={200: CampaignOut, **ERRORS}, summary=summary,
                     operation_id=f"campaign_{name}")
        def without_reason(request: HttpRequest, campaign_id: uuid.UUID):
            campaign = _campaign(request, campaign_id)
            service(campaign=campaign, actor=request.user)
            return _detail(campaign)


_command("submit", services.campaign_submit, False, "Submit for approval (DRAFT → SUBMITTED)")
_command("approve", services.campaign_approve, False, "Approve: commits the budget line (SUBMITTED → APPROVED)")
_command("reject", services.campaign_reject, True, "Send back to draft with a comment")
_command("prepare", services.campaign_prepare, False, "Start preparing (APPROVED → PREPARING)")
_command("start", services.campaign_start, False, "Start execution on the start date")
_command("finish", services.campaign_finish, False, "Mark executed after the end date")
_command("close", services.campaign_close, True, "Close: releases the unspent commitment")
_command("cancel", services.campaign_cancel, True, "Cancel before execution: releases the commitment")


@router.get("/campaigns/{campaign_id}/evaluations", response={200: list[EvaluationOut], **ERRORS},
            summary="The campaign's evaluations (T+30, T+90, T+180)")
def list_evaluations(request: HttpRequest, campaign_id: uuid.UUID):
    campaign = _campaign(request, campaign_id)
    return [evaluation_out(e) for e in campaign.evaluations.select_related("recorded_by").order_by("due_on")]


@router.post("/campaigns/{campaign_id}/evaluations/{evaluation_id}/record", response={200: EvaluationOut, **ERRORS},
             summary="Record a due evaluation with its review (T+30 moves the campaign to EVALUATED)")
def record_evaluation(request: HttpRequest, campaign_id: uuid.UUID, evaluation_id: int, payload: EvaluationIn):
    campaign = _campaign(request, campaign_id)
    evaluation = campaign.evaluations.filter(pk=evaluation_id).first()
    if evaluation is None:
        raise NotFound()
    return evaluation_out(services.evaluation_record(evaluation=evaluation, actor=request.user, review=payload.review))


@router.get("/campaigns/{campaign_id}/roi", response={200: RoiOut, **ERRORS},
            summary="Cash ROI to date down to receipts, under the attribution model named")
def campaign_roi(request: HttpRequest, campaign_id: uuid.UUID, model: AttributionModel = AttributionModel.SOURCED,
                 on: dt.date | None = None):
    campaign = _campaign(request, campaign_id)
    return roi_out(cash_roi(campaign, on=on, model=model))


# --- budgets -----------------------------------------------------------------------------------------


@router.get("/budgets", response={200: Page[BudgetOut], **ERRORS}, summary="List marketing budgets")
def list_budgets(request: HttpRequest, fiscal_year: int | None = None, level: str = "", page: int = 1,
                 page_size: int = 50):
    _read(request)
    return paginate(selectors.budget_list(fiscal_year=fiscal_year, level=level), page=max(page, 1),
                    page_size=min(max(page_size, 1), 200), serialize=budget_out)


@router.post("/budgets", response={201: BudgetOut, **ERRORS}, summary="Set up a marketing budget")
def create_budget(request: HttpRequest, payload: BudgetIn):
    _read(request)
    data = payload.dict()
    unit = _unit(data.pop("org_unit"))
    if unit is None:
        raise ValidationFailed(_("Unknown org unit."), field="org_unit")
    data["parent"] = _budget(request, data["parent"], field="parent")
    budget = services.budget_create(actor=request.user, org_unit=unit, **data)
    return Status(201, budget_out(selectors.budget_get(budget_id=budget.pk)))


@router.get("/budgets/{budget_id}", response={200: BudgetOut, **ERRORS}, summary="A marketing budget")
def get_budget(request: HttpRequest, budget_id: uuid.UUID):
    _read(request)
    return budget_out(get_object_or_404(selectors.budget_list(), pk=budget_id))


@router.get("/budgets/{budget_id}/entries", response={200: list[BudgetEntryOut], **ERRORS},
            summary="The budget's ledger, newest first")
def budget_entries(request: HttpRequest, budget_id: uuid.UUID):
    _read(request)
    budget = get_object_or_404(selectors.budget_list(), pk=budget_id)
    return [entry_out(e, budget.currency) for e in selectors.budget_entries(budget)[:500]]


@router.post("/budgets/{budget_id}/allocate", response={200: BudgetOut, **ERRORS},
             summary="Allocate money to a child budget (negative takes it back)")
def allocate_budget(request: HttpRequest, budget_id: uuid.UUID, payload: AllocateIn):
    _read(request)
    parent = get_object_or_404(selectors.budget_list(), pk=budget_id)
    child = _budget(request, payload.child, field="child")
    services.budget_allocate(parent=parent, child=child, actor=request.user, amount=payload.amount, note=payload.note)
    return budget_out(selectors.budget_get(budget_id=parent.pk))


# The marketing asset library (asset_api.py) shares this router's mount point.
from .asset_api import router as asset_router  # noqa: E402

router.add_router("", asset_router)
from .quality_api import router as quality_router  # noqa: E402

router.add_router("", quality_router)
