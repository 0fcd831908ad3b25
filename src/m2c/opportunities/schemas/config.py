"""Schemas and serialisers of the configuration: decision bodies, authority matrix, checklists, settings."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import ConfigDict, Field

from m2c.core.schemas import (
    Amount,
    InSchema,
    OutSchema,
    RefOut,
    UserRefOut,
    ref_out,
    user_ref_out,
)

from ..models import (
    AnswerType,
    DecisionBody,
    Dimension,
    Operator,
    PaymentTermDeviation,
)
from ..states import (
    DecisionLevel,
    GateType,
)
from .common import Code, Currency, Moment, Text
from .gates import LevelReasonOut


class MemberOut(OutSchema):
    id: int
    user: UserRefOut
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


class DecisionBodyIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    name_en: Text = Field("", max_length=120)
    level: DecisionLevel
    org_unit: Code


class DecisionBodyOut(OutSchema):
    id: uuid.UUID
    name: str
    name_en: str
    level: str
    org_unit: RefOut
    active: bool
    members: list[MemberOut]


class MemberIn(InSchema):
    user: Text = Field(min_length=1, max_length=150)
    role: str = Field("member", pattern="^(chair|member)$")


class RuleIn(InSchema):
    """One rule of the authority matrix. A comparing operator (gt, gte, lt, lte, eq) needs ``threshold``
    (or ``threshold_text`` for a coded dimension); ``is_true`` needs neither."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"dimension": "value", "operator": "gte", "threshold": "10000000", "required_level": "region"},
    ]})

    gate_type: GateType | None = None
    dimension: Dimension
    operator: Operator
    threshold: Amount | None = None
    threshold_text: Text = Field("", max_length=20)
    offering_line: Code | None = None
    required_level: DecisionLevel
    label: Text = Field("", max_length=200)


class DiscountAuthorityIn(InSchema):
    role: str = Field(min_length=1, max_length=20)
    max_discount_pct: Amount
    offering_line: Code | None = None


class MatrixIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    note: Text = Field("", max_length=5000)
    rules: list[RuleIn] = Field(min_length=1, max_length=200)
    discount_authorities: list[DiscountAuthorityIn] = Field(default_factory=list, max_length=200)
    effective_from: Moment | None = None


class RuleOut(OutSchema):
    gate_type: str
    dimension: str
    operator: str
    threshold: Decimal | None
    threshold_text: str
    offering_line: str | None
    required_level: str
    label: str


class DiscountAuthorityOut(OutSchema):
    role: str
    offering_line: str | None
    max_discount_pct: Decimal


class MatrixOut(OutSchema):
    id: uuid.UUID
    version: int
    name: str
    note: str
    effective_from: dt.datetime
    published_at: dt.datetime
    published_by: str | None
    in_force: bool
    rules: list[RuleOut]
    discount_authorities: list[DiscountAuthorityOut]


class EvaluateIn(InSchema):
    gate_type: GateType | None = None
    value: Amount = Decimal(0)
    currency: Currency = "CNY"
    margin_pct: Amount | None = None
    payment_term_deviation: PaymentTermDeviation = PaymentTermDeviation.NONE
    non_standard_terms: bool = False
    new_country_or_offering: bool = False
    discount_pct: Amount | None = None
    offering_lines: list[Code] = Field(default_factory=list, max_length=10)


class EvaluateOut(OutSchema):
    required_level: str
    authority_rule_version: int | None
    reasons: list[LevelReasonOut]


class ChecklistItemIn(InSchema):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
    section: Text = Field("", max_length=80)
    section_en: Text = Field("", max_length=80)
    question: Text = Field(min_length=1, max_length=300)
    question_en: Text = Field("", max_length=300)
    answer_type: AnswerType = AnswerType.YES_NO
    mandatory: bool = True
    must_be_yes: bool = False


class ChecklistIn(InSchema):
    gate_type: GateType
    name: Text = Field(min_length=1, max_length=120)
    items: list[ChecklistItemIn] = Field(min_length=1, max_length=100)


class ChecklistItemOut(OutSchema):
    code: str
    section: str
    question: str
    question_en: str
    answer_type: str
    mandatory: bool
    must_be_yes: bool


class ChecklistOut(OutSchema):
    id: uuid.UUID
    gate_type: str
    version: int
    name: str
    active: bool
    items: list[ChecklistItemOut]


class SettingsOut(OutSchema):
    probability_o1: Decimal
    probability_o2: Decimal
    probability_o3: Decimal
    probability_o4: Decimal
    grade_a_threshold: Decimal
    grade_b_threshold: Decimal
    atb_lead_working_days: int
    low_probability_floor: Decimal
    condition_reminder_days: int


class SettingsPatch(InSchema):
    probability_o1: Amount | None = None
    probability_o2: Amount | None = None
    probability_o3: Amount | None = None
    probability_o4: Amount | None = None
    grade_a_threshold: Amount | None = None
    grade_b_threshold: Amount | None = None
    atb_lead_working_days: int | None = Field(None, ge=0, le=60)
    low_probability_floor: Amount | None = None
    condition_reminder_days: int | None = Field(None, ge=0, le=60)


# --- serialisers: rows to the dicts the ...Out schemas validate --------------------------------


def body_out(b: DecisionBody) -> dict[str, Any]:
    return {"id": b.pk, "name": b.name, "name_en": b.name_en, "level": b.level, "org_unit": ref_out(b.org_unit),
            "active": b.active,
            "members": [{"id": m.pk, "user": user_ref_out(m.user), "role": m.role, "valid_from": m.valid_from,
                         "valid_to": m.valid_to} for m in b.memberships.select_related("user")]}


def matrix_out(m: Any, in_force: Any) -> dict[str, Any]:
    return {
        "id": m.pk, "version": m.version, "name": m.name, "note": m.note, "effective_from": m.effective_from,
        "published_at": m.published_at, "published_by": str(m.published_by) if m.published_by_id else None,
        "in_force": in_force is not None and in_force.pk == m.pk,
        "rules": [{"gate_type": r.gate_type, "dimension": r.dimension, "operator": r.operator, "threshold": r.threshold,
                   "threshold_text": r.threshold_text,
                   "offering_line": r.offering_line.code if r.offering_line_id else None,
                   "required_level": r.required_level, "label": r.label} for r in m.rules.all()],
        "discount_authorities": [{"role": d.role, "offering_line": d.offering_line.code if d.offering_line_id else None,
                                  "max_discount_pct": d.max_discount_pct} for d in m.discount_authorities.all()],
    }


def checklist_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "gate_type": c.gate_type, "version": c.version, "name": c.name, "active": c.active,
            "items": [{"code": i.code, "section": i.section, "question": i.question, "question_en": i.question_en,
                       "answer_type": i.answer_type, "mandatory": i.mandatory, "must_be_yes": i.must_be_yes}
                      for i in c.items.all()]}
