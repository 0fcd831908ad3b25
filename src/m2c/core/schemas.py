"""Shared API schemas: pagination, money, problem documents, reference data."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

T = TypeVar("T")


class InSchema(Schema):
    """Base of every input schema: unknown fields are refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="Number of matching records (at least this many when count_exact is false)")
    count_exact: bool = Field(True, description="False when a search matched more than the counting limit")
    page: int
    page_size: int
    pages: int


class MoneyOut(Schema):
    amount: Decimal
    currency: str


class ProblemError(Schema):
    field: str
    reason: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[ProblemError] = []


# Add to every route's ``response`` so the OpenAPI document lists the problem responses:
# ``@router.get("/x", response={200: XOut, **ERRORS})``.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422, 429}): Problem}


class RefOut(Schema):
    id: uuid.UUID
    code: str
    name: str


class UserRefOut(Schema):
    id: uuid.UUID
    username: str
    display_name: str


class TokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The clear token. Shown once; store it now.")


class MeOut(Schema):
    id: uuid.UUID
    username: str
    display_name: str
    email: str
    roles: list[str]
    org_unit: RefOut | None
    language: str


def _refuse_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("send amounts as decimal strings (e.g. \"1000.50\"), not floating-point numbers")
    if isinstance(value, bool):
        raise ValueError("not a number")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("the amount must be a finite number")
    if abs(value) >= Decimal(10) ** 16:
        raise ValueError("the amount is too large")
    return value


# An amount in a request: a decimal string or an integer; never a float.
Amount = Annotated[Decimal, BeforeValidator(_refuse_float), AfterValidator(_finite)]
