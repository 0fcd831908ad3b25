"""Shared API schemas: pagination, money, problem documents, reference data."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

T = TypeVar("T")


class OutSchema(BaseModel):
    """Base of response schemas: plain pydantic, validated from dicts or attributes.

    ninja's ``Schema`` wraps every nested value in a getter to reach ORM attributes; for a page of 50
    records that cost more than the database query, so outputs are built as dicts by ``*_out``
    functions and validated by plain pydantic.
    """

    model_config = ConfigDict(from_attributes=True)


def _nul_path(value: Any, path: str = "") -> str | None:
    """The path of the first string holding a NUL character, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_path(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


class InSchema(Schema):
    """Base of every input schema: unknown fields are refused, never silently dropped, and no text may
    carry a NUL character (PostgreSQL cannot store one, so it would fail later as a server error)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        found = _nul_path(data)
        if found is not None:
            raise ValueError(f"{found}: text cannot contain a NUL character")
        return data


class Page(OutSchema, Generic[T]):
    items: list[T]
    count: int = Field(description="Number of matching records (at least this many when count_exact is false)")
    count_exact: bool = Field(True, description="False when a search matched more than the counting limit")
    page: int
    page_size: int
    pages: int


class MoneyOut(OutSchema):
    amount: Decimal
    currency: str


class ProblemError(OutSchema):
    field: str
    reason: str


class Problem(OutSchema):
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


class RefOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str


class UserRefOut(OutSchema):
    id: uuid.UUID
    username: str
    display_name: str


def ref_out(obj: Any, name: str | None = None) -> dict[str, Any] | None:
    """A coded record (org unit, offering line, campaign…) as ``RefOut``; ``name`` overrides its label."""
    if obj is None:
        return None
    return {"id": obj.pk, "code": getattr(obj, "code", "") or "", "name": name or getattr(obj, "label", None) or str(obj)}


def user_ref_out(user: Any) -> dict[str, Any] | None:
    """A user as ``UserRefOut``."""
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": str(user)}


def money_out(amount: Decimal | None, currency: str) -> dict[str, Any] | None:
    """An amount as ``MoneyOut``; ``None`` stays ``None``."""
    return None if amount is None else {"amount": amount, "currency": currency}


class EventOut(OutSchema):
    """One entry of a record's timeline (``core.events.event_out``)."""

    id: int
    occurred_at: dt.datetime
    event_type: str
    label: str
    actor: str | None
    from_state: str
    to_state: str
    reason: str
    payload: dict


class NotificationOut(OutSchema):
    id: int
    title: str
    body: str
    url: str
    kind: str
    subject_type: str
    subject_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkedOut(OutSchema):
    marked: int = Field(description="How many notifications were unread and are now read")


class TokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(OutSchema):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The clear token. Shown once; store it now.")


class MeOut(OutSchema):
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


# An amount in a request: a decimal string or an integer; never a float. The document says so (pydantic
# would otherwise advertise any "number", and a client following it would send floats that are refused).
AMOUNT_PATTERN = r"^-?\d{1,16}(\.\d{1,4})?$"
Amount = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    AfterValidator(_finite),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["10000.00"]},
            {"type": "integer"},
        ],
        "description": "A decimal string such as \"10000.00\" or an integer; never a floating-point number",
    }),
]
