"""API schemas of the campaigns app: campaigns with their budget line, budgets and their ledger, expenses.

Outputs are plain dicts built by the ``*_out`` functions (see ``core.schemas.OutSchema``)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, money_out, ref_out

from .models import (
    BudgetEntry,
    BudgetEntryKind,
    Campaign,
    CampaignEvaluation,
    CampaignExpense,
    CampaignLevel,
    Checkpoint,
    ExpenseCategory,
    JourneyStage,
    MarketingBudget,
)
from .states import CampaignStatus

# --- campaigns ---------------------------------------------------------------------------------------


class CampaignFilterIn(InSchema):
    search: str | None = Field(None, max_length=100)
    status: CampaignStatus | None = None
    level: CampaignLevel | None = None
    journey_stage: JourneyStage | None = None
    offering_line: str | None = Field(None, max_length=40)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class CampaignOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    level: CampaignLevel
    journey_stage: JourneyStage
    status: CampaignStatus
    org_unit: RefOut | None
    parent: RefOut | None
    offering_lines: list[str]
    start_date: dt.date
    end_date: dt.date
    objective: str
    target_valid_leads: int
    target_opportunities: int
    target_pipeline: MoneyOut
    target_bookings: MoneyOut
    target_cash: MoneyOut
    budget: RefOut | None
    budget_amount: MoneyOut
    committed: MoneyOut
    actual_spend: MoneyOut
    version: int


def campaign_out(c: Campaign) -> dict[str, Any]:
    cur = c.currency
    return {
        "id": c.pk, "code": c.code, "name": c.name, "level": c.level, "journey_stage": c.journey_stage,
        "status": c.status, "org_unit": ref_out(c.org_unit), "parent": ref_out(c.parent, c.parent.name) if c.parent else None,
        "offering_lines": [line.code for line in c.offering_lines.all()], "start_date": c.start_date,
        "end_date": c.end_date, "objective": c.objective, "target_valid_leads": c.target_valid_leads,
        "target_opportunities": c.target_opportunities, "target_pipeline": money_out(c.target_pipeline, cur),
        "target_bookings": money_out(c.target_bookings, cur), "target_cash": money_out(c.target_cash, cur),
        "budget": {"id": c.budget.pk, "code": str(c.budget.fiscal_year), "name": c.budget.name} if c.budget else None,
        "budget_amount": money_out(c.budget_amount, cur), "committed": money_out(c.committed_amount, cur),
        "actual_spend": money_out(c.actual_spend, cur), "version": c.version,
    }


class CampaignIn(InSchema):
    code: str = Field("", max_length=40)
    name: str = Field(max_length=200)
    level: CampaignLevel
    journey_stage: JourneyStage = JourneyStage.AWARENESS
    org_unit: str | None = Field(None, max_length=40, description="Org unit code")
    parent: uuid.UUID | None = Field(None, description="The programme campaign this one belongs to")
    offering_lines: list[str] = Field(default_factory=list, max_length=20)
    start_date: dt.date
    end_date: dt.date
    objective: str = Field("", max_length=2000)
    target_valid_leads: int = Field(0, ge=0, le=1_000_000)
    target_opportunities: int = Field(0, ge=0, le=1_000_000)
    target_pipeline: Amount = Decimal(0)
    target_bookings: Amount = Decimal(0)
    target_cash: Amount = Decimal(0)
    currency: str = Field("CNY", min_length=3, max_length=3)
    budget: uuid.UUID | None = None
    budget_amount: Amount = Decimal(0)
    web_form_enabled: bool = True


class CampaignPatchIn(InSchema):
    expected_version: int | None = None
    name: str | None = Field(None, max_length=200)
    journey_stage: JourneyStage | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    objective: str | None = Field(None, max_length=2000)
    target_valid_leads: int | None = Field(None, ge=0, le=1_000_000)
    target_opportunities: int | None = Field(None, ge=0, le=1_000_000)
    target_pipeline: Amount | None = None
    target_bookings: Amount | None = None
    target_cash: Amount | None = None
    budget: uuid.UUID | None = None
    budget_amount: Amount | None = None
    web_form_enabled: bool | None = None


class CampaignReasonIn(InSchema):
    reason: str = Field(..., min_length=1, max_length=500)


# --- budgets -----------------------------------------------------------------------------------------


class BudgetOut(OutSchema):
    id: uuid.UUID
    name: str
    level: CampaignLevel
    org_unit: RefOut
    fiscal_year: int
    parent: uuid.UUID | None
    amount: MoneyOut
    allocated: MoneyOut
    committed: MoneyOut
    spent: MoneyOut
    available: MoneyOut
    tolerance_percent: str


def budget_out(b: MarketingBudget) -> dict[str, Any]:
    cur = b.currency
    return {
        "id": b.pk, "name": b.name, "level": b.level, "org_unit": ref_out(b.org_unit), "fiscal_year": b.fiscal_year,
        "parent": b.parent_id, "amount": money_out(b.amount, cur), "allocated": money_out(b.allocated, cur),
        "committed": money_out(b.committed, cur), "spent": money_out(b.spent, cur),
        "available": money_out(b.available, cur), "tolerance_percent": str(b.tolerance_percent),
    }


class BudgetIn(InSchema):
    name: str = Field(max_length=200)
    level: CampaignLevel
    org_unit: str = Field(max_length=40, description="Org unit code")
    fiscal_year: int = Field(ge=2000, le=2100)
    currency: str = Field("CNY", min_length=3, max_length=3)
    amount: Amount = Field(Decimal(0), description="Granted to a top-level budget; a child budget receives allocations")
    parent: uuid.UUID | None = None
    tolerance_percent: Amount = Decimal(10)


class AllocateIn(InSchema):
    child: uuid.UUID
    amount: Amount = Field(description="Moved from this budget to the child; negative takes unused money back")
    note: str = Field("", max_length=300)


class BudgetEntryOut(OutSchema):
    id: int
    kind: BudgetEntryKind
    amount: MoneyOut
    available_after: MoneyOut
    campaign: uuid.UUID | None
    counterpart: uuid.UUID | None
    note: str
    actor: str | None
    occurred_at: dt.datetime


def entry_out(e: BudgetEntry, currency: str) -> dict[str, Any]:
    return {"id": e.pk, "kind": e.kind, "amount": money_out(e.amount, currency),
            "available_after": money_out(e.available_after, currency), "campaign": e.campaign_id,
            "counterpart": e.counterpart_id, "note": e.note, "actor": e.actor.username if e.actor else None,
            "occurred_at": e.occurred_at}


# --- expenses ----------------------------------------------------------------------------------------


class ExpenseIn(InSchema):
    category: ExpenseCategory
    supplier: str = Field(max_length=200)
    description: str = Field("", max_length=300)
    spent_on: dt.date | None = None
    amount: Amount
    currency: str | None = Field(None, min_length=3, max_length=3)
    fx_rate: Amount | None = Field(None, description="Rate to the budget currency when no dated rate is stored")


class ExpenseOut(OutSchema):
    id: uuid.UUID
    category: ExpenseCategory
    supplier: str
    description: str
    spent_on: dt.date
    amount: MoneyOut
    budget_amount: MoneyOut
    fx_rate: str
    has_evidence: bool


def expense_out(e: CampaignExpense, budget_currency: str) -> dict[str, Any]:
    return {"id": e.pk, "category": e.category, "supplier": e.supplier, "description": e.description,
            "spent_on": e.spent_on, "amount": money_out(e.amount, e.currency),
            "budget_amount": money_out(e.budget_amount, budget_currency), "fx_rate": str(e.fx_rate),
            "has_evidence": bool(e.evidence)}


class ReapproveIn(InSchema):
    amount: Amount
    reason: str = Field(max_length=500)


# --- evaluations and ROI -----------------------------------------------------------------------------


class EvaluationIn(InSchema):
    review: str = Field(max_length=5000)


class EvaluationOut(OutSchema):
    id: int
    checkpoint: Checkpoint
    due_on: dt.date
    status: str
    figures: dict[str, Any]
    review: str
    recorded_at: dt.datetime | None
    recorded_by: str | None


def evaluation_out(e: CampaignEvaluation) -> dict[str, Any]:
    return {"id": e.pk, "checkpoint": e.checkpoint, "due_on": e.due_on, "status": e.status, "figures": e.figures,
            "review": e.review, "recorded_at": e.recorded_at,
            "recorded_by": e.recorded_by.username if e.recorded_by else None}


class AttributionModel(StrEnum):
    SOURCED = "sourced"
    INFLUENCED = "influenced"


class RoiContractOut(OutSchema):
    contract: uuid.UUID
    share: Decimal
    collected: MoneyOut
    attributed: MoneyOut


class RoiOut(OutSchema):
    model: AttributionModel = Field(description="The attribution model every figure here follows")
    on: dt.date
    cash: MoneyOut
    spend: MoneyOut
    roi: Decimal | None = Field(description="(attributed cash − actual spend) ÷ actual spend; none without spend")
    contracts: list[RoiContractOut]


def roi_out(roi: dict[str, Any]) -> dict[str, Any]:
    def money(m: Any) -> dict[str, Any]:
        return {"amount": m.amount, "currency": m.currency}

    return {"model": roi["model"], "on": roi["on"], "cash": money(roi["cash"]), "spend": money(roi["spend"]),
            "roi": roi["roi"], "contracts": [{"contract": r["contract"], "share": r["share"],
                                              "collected": money(r["collected"]), "attributed": money(r["attributed"])}
                                             for r in roi["contracts"]]}
