"""Business plans (with live bookings) and key-account plans over the API."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from pydantic import Field

from m2c.campaigns.selectors import campaign_list
from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.schemas import ERRORS
from m2c.customers import selectors as customer_selectors

from .. import selectors, services
from ..models import BusinessPlan, KeyAccountPlan
from ..schemas import (
    AccountActionIn,
    AccountContactIn,
    AccountLinkIn,
    BusinessPlanIn,
    BusinessPlanOut,
    BusinessPlanPatch,
    KeyAccountPlanIn,
    KeyAccountPlanOut,
)
from .requirements import router


def business_plan_out(request: HttpRequest, plan: BusinessPlan) -> dict[str, Any]:
    p = selectors.business_plan_progress(user=request.user, plan=plan)
    return {
        "id": plan.pk, "name": plan.name, "org_unit": plan.org_unit.code, "offering_line": plan.offering_line.code,
        "segment": plan.segment.code if plan.segment_id else None, "period": plan.period,
        "revenue_target": {"amount": plan.revenue_target, "currency": plan.currency},
        "margin_target_pct": plan.margin_target_pct, "target_reporting": {"amount": p.target, "currency": p.currency},
        "booked": {"amount": p.booked, "currency": p.currency}, "pipeline": {"amount": p.pipeline, "currency": p.currency},
        "won_count": p.won_count, "attainment_pct": p.attainment_pct,
        "margin_target": {"amount": p.margin_target, "currency": p.currency},
        "margin_booked": {"amount": p.margin_booked, "currency": p.currency},
        "margin_attainment_pct": p.margin_attainment_pct, "booked_margin_pct": p.booked_margin_pct,
        "margin_deals": p.margin_deals, "note": plan.note, "version": plan.version,
    }


class PlanFilters(Schema):
    period: str | None = Field(None, max_length=6)
    offering_line: str | None = Field(None, max_length=64)


@router.get("/business-plans", response={200: list[BusinessPlanOut], **ERRORS},
            summary="Business plans with bookings and pipeline in their period (reporting currency)")
def list_business_plans(request: HttpRequest, filters: Query[PlanFilters]):
    plans = selectors.business_plan_list(user=request.user, **filters.model_dump())[:200]
    return [business_plan_out(request, p) for p in plans]


@router.get("/business-plans/{business_plan_id}", response={200: BusinessPlanOut, **ERRORS},
            summary="One business plan with its progress")
def get_business_plan(request: HttpRequest, business_plan_id: uuid.UUID):
    return business_plan_out(request, selectors.business_plan_get(user=request.user, plan_id=business_plan_id))


@router.post("/business-plans", response={201: BusinessPlanOut, **ERRORS}, summary="Create a business plan (marketing)")
def create_business_plan(request: HttpRequest, payload: BusinessPlanIn):
    data = payload.model_dump()
    org = OrgUnit.objects.filter(code=data.pop("org_unit")).first()
    line = OfferingLine.objects.filter(code=data.pop("offering_line")).first()
    code = data.pop("segment")
    segment = None
    if code:
        segment = selectors.segment_queryset(request.user).filter(code=code).first()
        if segment is None:
            raise ValidationFailed(_("%(code)s: no such segment.") % {"code": code}, field="segment")
    plan = services.business_plan_create(actor=request.user, org_unit=org, offering_line=line, segment=segment, **data)
    return Status(201, business_plan_out(request, plan))


@router.patch("/business-plans/{business_plan_id}", response={200: BusinessPlanOut, **ERRORS},
              summary="Change a business plan's name, targets or note (marketing)")
def update_business_plan(request: HttpRequest, business_plan_id: uuid.UUID, payload: BusinessPlanPatch):
    plan = selectors.business_plan_get(user=request.user, plan_id=business_plan_id)
    plan = services.business_plan_update(plan=plan, actor=request.user, **payload.model_dump(exclude_unset=True))
    return business_plan_out(request, plan)


def key_account_out(request: HttpRequest, plan: KeyAccountPlan) -> dict[str, Any]:
    detail = selectors.key_account_detail(user=request.user, plan=plan)
    return {
        "id": plan.pk, "customer": plan.customer.legal_name, "customer_id": plan.customer_id, "year": plan.year,
        "owner": plan.owner.username, "status": plan.status, "goals": plan.goals,
        "revenue_goal": {"amount": plan.revenue_goal, "currency": plan.currency},
        "contacts": [{"id": c.pk, "name": c.name, "title": c.title, "role": c.role, "influence": c.influence,
                      "attitude": c.attitude, "our_owner": c.our_owner.username if c.our_owner_id else None,
                      "reports_to": c.reports_to_id} for _depth, c in detail["chain"]],
        "opportunities": [link.opportunity_id for link in detail["deals"]],
        "campaigns": [link.campaign_id for link in detail["campaigns"]],
        "actions": [{"id": a.pk, "description": a.description, "owner": a.owner.username, "due_on": a.due_on,
                     "done_on": a.done_on} for a in detail["actions"]],
        "version": plan.version,
    }


class AccountFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    search: str | None = Field(None, max_length=100)


@router.get("/key-account-plans", response={200: list[KeyAccountPlanOut], **ERRORS}, summary="Key-account plans")
def list_key_accounts(request: HttpRequest, filters: Query[AccountFilters]):
    return [key_account_out(request, p) for p in selectors.key_account_list(user=request.user,
                                                                            **filters.model_dump())[:200]]


def _plan(request: HttpRequest, account_plan_id: uuid.UUID) -> KeyAccountPlan:
    return selectors.key_account_get(user=request.user, plan_id=account_plan_id)


@router.get("/key-account-plans/{account_plan_id}", response={200: KeyAccountPlanOut, **ERRORS},
            summary="One key-account plan: goals, decision chain, planned deals and campaigns, actions")
def get_key_account(request: HttpRequest, account_plan_id: uuid.UUID):
    return key_account_out(request, _plan(request, account_plan_id))


@router.post("/key-account-plans", response={201: KeyAccountPlanOut, **ERRORS}, summary="Plan a named account")
def create_key_account(request: HttpRequest, payload: KeyAccountPlanIn):
    data = payload.model_dump()
    customer = customer_selectors.customer_queryset(request.user).filter(pk=data.pop("customer")).first()
    if customer is None:
        raise NotFound(_("No such customer you can see."))
    plan = services.key_account_plan_create(actor=request.user, customer=customer, **data)
    return Status(201, key_account_out(request, plan))


def _person(username: str | None, field: str) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("%(u)s: no such user.") % {"u": username}, field=field)
    return user


@router.post("/key-account-plans/{account_plan_id}/contacts", response={200: KeyAccountPlanOut, **ERRORS},
             summary="Add a person of the customer's decision chain")
def add_contact(request: HttpRequest, account_plan_id: uuid.UUID, payload: AccountContactIn):
    plan = _plan(request, account_plan_id)
    data = payload.model_dump()
    boss = data.pop("reports_to")
    services.key_account_contact_add(
        plan=plan, actor=request.user, our_owner=_person(data.pop("our_owner"), "our_owner"),
        reports_to=plan.contacts.filter(pk=boss).first() if boss else None, **data)
    return key_account_out(request, plan)


@router.post("/key-account-plans/{account_plan_id}/links", response={200: KeyAccountPlanOut, **ERRORS},
             summary="Plan a campaign or a deal for the account")
def add_link(request: HttpRequest, account_plan_id: uuid.UUID, payload: AccountLinkIn):
    plan = _plan(request, account_plan_id)
    deal = selectors.opportunity_visible(user=request.user, opportunity_id=payload.opportunity) \
        if payload.opportunity else None
    campaign = campaign_list().filter(pk=payload.campaign).first() if payload.campaign else None
    if (payload.opportunity and deal is None) or (payload.campaign and campaign is None):
        raise ValidationFailed(_("No such campaign or deal you can see."), field="opportunity")
    services.key_account_link_add(plan=plan, actor=request.user, opportunity=deal, campaign=campaign)
    return key_account_out(request, plan)


@router.post("/key-account-plans/{account_plan_id}/actions", response={200: KeyAccountPlanOut, **ERRORS},
             summary="Add an action with its owner and due date")
def add_action(request: HttpRequest, account_plan_id: uuid.UUID, payload: AccountActionIn):
    plan = _plan(request, account_plan_id)
    services.key_account_action_add(plan=plan, actor=request.user, description=payload.description,
                                    owner=_person(payload.owner, "owner"), due_on=payload.due_on)
    return key_account_out(request, plan)


@router.post("/key-account-plans/{account_plan_id}/activate", response={200: KeyAccountPlanOut, **ERRORS},
             summary="DRAFT → ACTIVE")
def activate(request: HttpRequest, account_plan_id: uuid.UUID):
    return key_account_out(request, services.key_account_plan_activate(plan=_plan(request, account_plan_id),
                                                                       actor=request.user))


@router.post("/key-account-plans/{account_plan_id}/close", response={200: KeyAccountPlanOut, **ERRORS},
             summary="DRAFT or ACTIVE → CLOSED")
def close(request: HttpRequest, account_plan_id: uuid.UUID):
    return key_account_out(request, services.key_account_plan_close(plan=_plan(request, account_plan_id),
                                                                    actor=request.user))
