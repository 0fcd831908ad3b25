"""Schemas and serialisers of the records around a deal: team, stakeholders, competitors, risks, activities."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import Field

from m2c.core.schemas import (
    Amount,
    InSchema,
    MoneyOut,
    OutSchema,
    UserRefOut,
    user_ref_out,
)
from m2c.customers.models import DecisionRole

from ..models import (
    Competitor,
    Level3,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from ..states import (
    TeamRole,
)
from .common import Currency, Day, Text
from .opportunity import CustomerRefOut


class TeamIn(InSchema):
    role: TeamRole
    user: Text = Field(min_length=1, max_length=150, description="Username or id")
    valid_from: Day | None = None
    note: Text = Field("", max_length=200)


class TeamOut(OutSchema):
    id: uuid.UUID
    role: str
    role_label: str
    user: UserRefOut
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    note: str


class EndIn(InSchema):
    valid_to: Day | None = None


class StakeholderIn(InSchema):
    contact: uuid.UUID
    decision_role: DecisionRole | None = None
    attitude: Stakeholder.Attitude = Stakeholder.Attitude.UNKNOWN
    influence: Level3 = Level3.MEDIUM
    notes: Text = Field("", max_length=2000)


class StakeholderPatch(InSchema):
    decision_role: DecisionRole | None = None
    attitude: Stakeholder.Attitude | None = None
    influence: Level3 | None = None
    notes: Text | None = Field(None, max_length=2000)


class StakeholderOut(OutSchema):
    id: uuid.UUID
    contact_id: uuid.UUID
    name: str
    title: str
    decision_role: str
    attitude: str
    influence: str
    notes: str


class CompetitorIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    incumbent: bool = False
    threat: Level3 = Level3.MEDIUM
    strengths: Text = Field("", max_length=2000)
    weaknesses: Text = Field("", max_length=2000)


class CompetitorPatch(InSchema):
    incumbent: bool | None = None
    threat: Level3 | None = None
    strengths: Text | None = Field(None, max_length=2000)
    weaknesses: Text | None = Field(None, max_length=2000)


class CompetitorOut(OutSchema):
    id: uuid.UUID
    name: str
    incumbent: bool
    threat: str
    strengths: str
    weaknesses: str


class RiskIn(InSchema):
    description: Text = Field(min_length=1, max_length=2000)
    category: Risk.Category = Risk.Category.OTHER
    probability: Level3 = Level3.MEDIUM
    impact: Level3 = Level3.MEDIUM
    owner: Text | None = Field(None, max_length=150)
    mitigation: Text = Field("", max_length=2000)
    due_date: Day | None = None


class RiskPatch(InSchema):
    description: Text | None = Field(None, min_length=1, max_length=2000)
    category: Risk.Category | None = None
    probability: Level3 | None = None
    impact: Level3 | None = None
    mitigation: Text | None = Field(None, max_length=2000)
    due_date: Day | None = None


class RiskOut(OutSchema):
    id: uuid.UUID
    description: str
    category: str
    probability: str
    impact: str
    exposure: int
    owner: UserRefOut | None
    mitigation: str
    due_date: dt.date | None
    status: str


class OpportunityActivityIn(InSchema):
    kind: str = Field("meeting", pattern="^(meeting|call|email|visit|workshop|demo|site_survey|other)$")
    subject: Text = Field(min_length=1, max_length=200)
    occurred_on: Day | None = None
    outcome: Text = Field("", max_length=5000)
    next_step: Text = Field("", max_length=200)
    next_step_due: Day | None = None


class OpportunityActivityOut(OutSchema):
    id: uuid.UUID
    kind: str
    occurred_on: dt.date
    subject: str
    outcome: str
    next_step: str
    next_step_due: dt.date | None
    user: UserRefOut


class ProgramIn(InSchema):
    customer: uuid.UUID
    name: Text = Field(min_length=1, max_length=200)
    target_amount: Amount | None = None
    currency: Currency = "CNY"
    description: Text = Field("", max_length=5000)


class ProgramOut(OutSchema):
    id: uuid.UUID
    name: str
    customer: CustomerRefOut
    target: MoneyOut
    description: str


# --- serialisers: rows to the dicts the ...Out schemas validate --------------------------------


def team_out(t: TeamAssignment) -> dict[str, Any]:
    return {"id": t.pk, "role": t.role, "role_label": str(t.get_role_display()), "user": user_ref_out(t.user),
            "valid_from": t.valid_from, "valid_to": t.valid_to, "active": t.active, "note": t.note}


def stakeholder_out(s: Stakeholder) -> dict[str, Any]:
    return {"id": s.pk, "contact_id": s.contact_id, "name": s.contact.name, "title": s.contact.title,
            "decision_role": s.decision_role, "attitude": s.attitude, "influence": s.influence, "notes": s.notes}


def competitor_out(c: Competitor) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "incumbent": c.incumbent, "threat": c.threat, "strengths": c.strengths,
            "weaknesses": c.weaknesses}


def risk_out(r: Risk) -> dict[str, Any]:
    return {"id": r.pk, "description": r.description, "category": r.category, "probability": r.probability,
            "impact": r.impact, "exposure": r.exposure, "owner": user_ref_out(r.owner), "mitigation": r.mitigation,
            "due_date": r.due_date, "status": r.status}
