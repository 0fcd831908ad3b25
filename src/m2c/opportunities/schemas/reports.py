"""Schemas of reports, the board and the approvals inbox."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from m2c.core.schemas import MoneyOut, OutSchema

from .gates import ConditionOut


class PipelineRowOut(OutSchema):
    keys: dict[str, str]
    labels: dict[str, str]
    count: int
    amount: Decimal
    weighted: Decimal
    unconverted: dict[str, Decimal]


class PipelineOut(OutSchema):
    group_by: list[str]
    reporting_currency: str
    rates_on: str
    rows: list[PipelineRowOut]
    total_amount: Decimal
    total_weighted: Decimal
    total_count: int
    unconverted: dict[str, Decimal]


class ForecastCellOut(OutSchema):
    amount: Decimal
    weighted: Decimal
    count: int


class ForecastRowOut(OutSchema):
    period: str
    pipeline: ForecastCellOut
    best_case: ForecastCellOut
    commit: ForecastCellOut
    closed: ForecastCellOut


class ForecastOut(OutSchema):
    grain: str
    reporting_currency: str
    rows: list[ForecastRowOut]


class WinLossRowOut(OutSchema):
    offering_line: str
    won: int
    lost: int
    abandoned: int
    won_amount: Decimal
    lost_amount: Decimal
    win_rate_count: Decimal | None
    win_rate_value: Decimal | None
    loss_reasons: dict[str, int]


class WinLossOut(OutSchema):
    reporting_currency: str
    rows: list[WinLossRowOut]


class CardOut(OutSchema):
    id: uuid.UUID
    name: str
    customer: str
    amount: MoneyOut
    grade: str
    owner: str
    expected_sign_date: dt.date | None
    probability: Decimal


class ColumnOut(OutSchema):
    stage: str
    label: str
    count: int
    amount: Decimal
    weighted: Decimal
    cards: list[CardOut]


class BoardOut(OutSchema):
    reporting_currency: str
    columns: list[ColumnOut]


class InboxReviewOut(OutSchema):
    id: uuid.UUID
    gate_type: str
    opportunity: str
    opportunity_id: uuid.UUID | None
    status: str
    required_level: str
    requested_by: str
    url: str


class InboxQuoteOut(OutSchema):
    id: uuid.UUID
    opportunity: str
    version: int
    discount_pct: Decimal
    required_level: str
    total_net: MoneyOut
    url: str


class InboxOut(OutSchema):
    reviews: list[InboxReviewOut]
    unassigned: list[InboxReviewOut]
    quotes: list[InboxQuoteOut]
    conditions: list[ConditionOut]


__all__ = [name for name in dir() if name.endswith(("In", "Out", "Patch"))]
