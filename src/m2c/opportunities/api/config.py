"""Configuration: decision bodies, the authority matrix, checklists, settings, products, price lists."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status

from m2c.core import fx
from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page
from m2c.core.selectors import org_unit_list, user_resolve

from .. import rules, selectors, services
from ..models import (
    DecisionBody,
    DecisionBodyMember,
    OpportunitySettings,
)
from ..schemas import (
    ChecklistIn,
    ChecklistOut,
    DecisionBodyIn,
    DecisionBodyOut,
    EvaluateIn,
    EvaluateOut,
    MatrixIn,
    MatrixOut,
    MemberIn,
    PriceListIn,
    PriceListOut,
    ProductIn,
    ProductOut,
    SettingsOut,
    SettingsPatch,
)
from ..schemas.config import body_out, checklist_out, matrix_out
from ..schemas.gates import _reason
from ..schemas.quotes import price_list_out, product_out
from ..states import GateType
from ._common import _lines, _money, _not_partner, router


@router.get("/decision-bodies", response={200: list[DecisionBodyOut], **ERRORS}, summary="Decision bodies (SDTs)")
def list_bodies(request: HttpRequest):
    _not_partner(request)
    return [body_out(b) for b in selectors.body_list()]


@router.post("/decision-bodies", response={201: DecisionBodyOut, **ERRORS}, summary="Create a decision body")
def create_body(request: HttpRequest, payload: DecisionBodyIn):
    unit = org_unit_list().filter(code=payload.org_unit).first()
    if unit is None:
        raise ValidationFailed(_("Unknown org unit."), field="org_unit")
    body = services.decision_body_create(actor=request.user, name=payload.name, name_en=payload.name_en,
                                         level=payload.level, org_unit=unit)
    return Status(201, body_out(body))


@router.post("/decision-bodies/{body_id}/members", response={201: DecisionBodyOut, **ERRORS}, summary="Add a member")
def add_member(request: HttpRequest, body_id: uuid.UUID, payload: MemberIn):
    body = get_object_or_404(DecisionBody, pk=body_id)
    services.decision_body_add_member(body=body, actor=request.user, user=user_resolve(payload.user, field="user"), role=payload.role)
    return Status(201, body_out(body))


@router.post("/decision-body-members/{member_id}/end", response={200: DecisionBodyOut, **ERRORS},
             summary="End a membership")
def end_member(request: HttpRequest, member_id: int):
    if not 0 < member_id < 2**62:
        raise NotFound(_("No such membership."))
    membership = get_object_or_404(DecisionBodyMember, pk=member_id)
    services.decision_body_remove_member(membership=membership, actor=request.user)
    return body_out(membership.body)


@router.get("/authority-matrices", response={200: list[MatrixOut], **ERRORS}, summary="Authority matrix versions")
def list_matrices(request: HttpRequest):
    _not_partner(request)
    current = rules.matrix_in_force()
    return [matrix_out(m, current) for m in selectors.matrix_list()[:100]]


@router.get("/authority-matrices/current", response={200: MatrixOut, **ERRORS}, summary="The version in force")
def current_matrix(request: HttpRequest):
    _not_partner(request)
    current = rules.matrix_in_force()
    if current is None:
        raise NotFound(_("No authority matrix has been published."))
    return matrix_out(current, current)


@router.post("/authority-matrices", response={201: MatrixOut, **ERRORS},
             summary="Publish the next version (earlier versions never change)")
def publish_matrix(request: HttpRequest, payload: MatrixIn):
    data = payload.model_dump()
    matrix = services.authority_matrix_publish(
        actor=request.user, name=data["name"], note=data["note"], effective_from=data["effective_from"],
        rules=[{**r, "gate_type": r["gate_type"] or ""} for r in data["rules"]],
        discount_authorities=data["discount_authorities"],
    )
    return Status(201, matrix_out(matrix, rules.matrix_in_force()))


@router.post("/authority-matrices/evaluate", response={200: EvaluateOut, **ERRORS},
             summary="Which level would decide these facts under the matrix in force")
def evaluate_matrix(request: HttpRequest, payload: EvaluateIn):
    _not_partner(request)
    value = fx.to_reporting(_money(payload.value, payload.currency, "value"))
    facts = rules.Facts(
        value_reporting=value.amount, margin_pct=payload.margin_pct, payment_term_deviation=payload.payment_term_deviation,
        non_standard_terms=payload.non_standard_terms, new_country_or_offering=payload.new_country_or_offering,
        discount_pct=payload.discount_pct, offering_line_ids={line.pk for line in _lines(payload.offering_lines)},
    )
    verdict = rules.evaluate(facts, gate_type=payload.gate_type or "")
    return {"required_level": verdict.level, "authority_rule_version": verdict.matrix.version if verdict.matrix else None,
            "reasons": [_reason(x) for x in verdict.reasons]}


@router.get("/gate-checklists", response={200: list[ChecklistOut], **ERRORS}, summary="Active gate checklists")
def list_checklists(request: HttpRequest, gate_type: GateType | None = None):
    _not_partner(request)
    return [checklist_out(c) for c in selectors.checklist_list(gate_type=gate_type)]


@router.post("/gate-checklists", response={201: ChecklistOut, **ERRORS}, summary="Publish a new checklist version")
def publish_checklist(request: HttpRequest, payload: ChecklistIn):
    checklist = services.checklist_publish(actor=request.user, gate_type=payload.gate_type, name=payload.name,
                                           items=[i.model_dump() for i in payload.items])
    return Status(201, checklist_out(checklist))


def _settings_out(row: OpportunitySettings) -> dict[str, Any]:
    return {k: getattr(row, k) for k in SettingsOut.model_fields}


@router.get("/opportunity-settings", response={200: SettingsOut, **ERRORS}, summary="Configurable parameters")
def get_settings(request: HttpRequest):
    _not_partner(request)
    return _settings_out(OpportunitySettings.current())


@router.patch("/opportunity-settings", response={200: SettingsOut, **ERRORS}, summary="Change parameters")
def patch_settings(request: HttpRequest, payload: SettingsPatch):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _settings_out(services.settings_update(actor=request.user, **changes))


@router.get("/products", response={200: Page[ProductOut], **ERRORS}, summary="Products and services")
def list_products(request: HttpRequest, offering_line: str | None = Query(None, max_length=64),
                  search: str | None = Query(None, max_length=100), page: int = Query(1, ge=1, le=100000),
                  page_size: int = Query(50, ge=1, le=500)):
    _not_partner(request)
    qs = selectors.product_list(offering_line=offering_line, search=search)
    return paginate(qs, page=page, page_size=page_size, serialize=product_out)


@router.post("/products", response={200: ProductOut, **ERRORS}, summary="Create or update a product by code")
def save_product(request: HttpRequest, payload: ProductIn):
    data = payload.model_dump()
    line = _lines([data.pop("offering_line")], "offering_line")[0]
    return product_out(services.product_save(actor=request.user, offering_line=line, **data))


@router.get("/price-lists", response={200: list[PriceListOut], **ERRORS}, summary="Price lists")
def list_price_lists(request: HttpRequest, currency: str | None = Query(None, max_length=3)):
    _not_partner(request)
    return [price_list_out(p) for p in selectors.price_list_list(currency=currency)[:200]]


@router.post("/price-lists", response={200: PriceListOut, **ERRORS}, summary="Create or update a price list by code")
def save_price_list(request: HttpRequest, payload: PriceListIn):
    data = payload.model_dump()
    return price_list_out(services.price_list_save(actor=request.user, **data))
