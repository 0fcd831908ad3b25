"""Configuration commands for administrators: decision bodies, the authority matrix, gate checklists,
the catalogue and price lists, and the app's parameters. Published matrix and checklist versions are
never edited; publishing a new version replaces them for new reviews only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import Conflict, DuplicateRecord, FieldErrors, ValidationFailed
from m2c.core.models import Currency, OfferingLine, OrgUnit, Role, User
from m2c.core.money import normalise_currency, to_decimal
from m2c.core.roles import Actor, authenticated, require_role
from m2c.core.services import model_update

from .. import events
from ..models import (
    AnswerType,
    AuthorityMatrix,
    AuthorityRule,
    Checklist,
    ChecklistItem,
    DecisionBody,
    DecisionBodyMember,
    Dimension,
    DiscountAuthority,
    Operator,
    OpportunitySettings,
    PriceList,
    PriceListItem,
    Product,
)
from ..states import DecisionLevel, GateType

LEVEL_UNIT = {DecisionLevel.REP_OFFICE: OrgUnit.Type.REP_OFFICE, DecisionLevel.REGION: OrgUnit.Type.REGION,
              DecisionLevel.HQ: OrgUnit.Type.HQ}

ADMIN_ONLY = gettext_lazy("Only an administrator can change this configuration.")


@transaction.atomic
def decision_body_create(*, actor: Actor, name: str, level: str, org_unit: OrgUnit, name_en: str = "") -> DecisionBody:
    """A sales decision team for one org unit; its level matches the unit (rep office, region, HQ)."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if level not in DecisionLevel.values:
        errors.add("level", _("Choose rep_office, region or hq."))
    elif org_unit.type != LEVEL_UNIT[level]:
        errors.add("org_unit", _("A %(level)s body sits on a unit of type %(type)s.")
                   % {"level": DecisionLevel(level).label, "type": OrgUnit.Type(LEVEL_UNIT[level]).label})
    errors.raise_if_any()
    if DecisionBody.objects.filter(level=level, org_unit=org_unit, active=True).exists():
        raise DuplicateRecord(_("This unit already has an active decision body at that level."), field="org_unit")
    body = DecisionBody.objects.create(name=name.strip()[:120], name_en=(name_en or "").strip()[:120], level=level,
                                       org_unit=org_unit)
    core_events.record(events.BODY_CREATED, body, actor=actor, payload={"name": body.name, "level": level,
                                                                         "org_unit": org_unit.code})
    return body


@transaction.atomic
def decision_body_add_member(*, body: DecisionBody, actor: Actor, user: User,
                             role: str = DecisionBodyMember.Role.MEMBER) -> DecisionBodyMember:
    require_role(actor, message=ADMIN_ONLY, system=True)
    if role not in DecisionBodyMember.Role.values:
        raise ValidationFailed(_("Choose chair or member."), field="role")
    if not user.is_active or not (user.has_role(Role.DECISION_TEAM) or user.is_superuser):
        raise ValidationFailed(_("Members of a decision body hold the decision-team role."), field="user")
    if body.memberships.filter(user=user, valid_to__isnull=True).exists():
        raise DuplicateRecord(_("%(user)s is already a member.") % {"user": user}, field="user")
    row = DecisionBodyMember.objects.create(body=body, user=user, role=role)
    core_events.record(events.BODY_MEMBER_ADDED, body, actor=actor, payload={"user": user.username, "role": role})
    return row


@transaction.atomic
def decision_body_remove_member(*, membership: DecisionBodyMember, actor: Actor) -> DecisionBodyMember:
    require_role(actor, message=ADMIN_ONLY, system=True)
    if membership.valid_to is not None:
        raise Conflict(_("This membership has already ended."), code="already_ended")
    membership.valid_to = timezone.localdate()
    membership.save(update_fields=["valid_to"])
    core_events.record(events.BODY_MEMBER_REMOVED, membership.body, actor=actor,
                       payload={"user": membership.user.username})
    return membership


def _rule_rows(rules: list[dict[str, Any]], errors: FieldErrors) -> list[dict[str, Any]]:
    rows = []
    lines = {line.code: line for line in OfferingLine.objects.all()}
    for i, raw in enumerate(rules):
        field = f"rules.{i}"
        dimension, operator, level = raw.get("dimension"), raw.get("operator"), raw.get("required_level")
        gate = raw.get("gate_type") or ""
        if dimension not in Dimension.values:
            errors.add(f"{field}.dimension", _("Unknown dimension."))
        if operator not in Operator.values:
            errors.add(f"{field}.operator", _("Unknown operator."))
        if level not in DecisionLevel.values:
            errors.add(f"{field}.required_level", _("Choose rep_office, region or hq."))
        if gate and gate not in GateType.values:
            errors.add(f"{field}.gate_type", _("Unknown gate."))
        threshold = raw.get("threshold")
        number = None
        if threshold not in (None, ""):
            try:
                number = to_decimal(threshold, field=f"{field}.threshold")
            except ValidationFailed as exc:
                errors.add(f"{field}.threshold", exc.detail)
        text = str(raw.get("threshold_text") or "")[:20]
        if operator in (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE) and number is None:
            errors.add(f"{field}.threshold", _("This operator compares with a number."))
        if operator == Operator.EQ and number is None and not text:
            errors.add(f"{field}.threshold", _("Give the value to compare with."))
        line = None
        if raw.get("offering_line"):
            line = lines.get(raw["offering_line"])
            if line is None:
                errors.add(f"{field}.offering_line", _("Unknown offering line."))
        rows.append({"position": i, "gate_type": gate, "dimension": dimension, "operator": operator, "threshold": number,
                     "threshold_text": text, "offering_line": line, "required_level": level,
                     "label": str(raw.get("label") or "")[:200]})
    return rows


@transaction.atomic
def authority_matrix_publish(*, actor: Actor, name: str, rules: list[dict[str, Any]],
                             discount_authorities: list[dict[str, Any]] | None = None, note: str = "",
                             effective_from: dt.datetime | None = None) -> AuthorityMatrix:
    """Publish the next version of the authority matrix. Earlier versions stay as they were: every
    review keeps the version it was evaluated against."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    rows = _rule_rows(rules or [], errors)
    discounts = []
    lines = {line.code: line for line in OfferingLine.objects.all()}
    for i, raw in enumerate(discount_authorities or []):
        field = f"discount_authorities.{i}"
        role = raw.get("role")
        if role not in Role.values:
            errors.add(f"{field}.role", _("Unknown role."))
        try:
            limit = to_decimal(raw.get("max_discount_pct"), field=f"{field}.max_discount_pct")
        except ValidationFailed as exc:
            errors.add(f"{field}.max_discount_pct", exc.detail)
            limit = None
        if limit is not None and not Decimal(0) <= limit <= Decimal(100):
            errors.add(f"{field}.max_discount_pct", _("A percentage is between 0 and 100."))
        line = lines.get(raw.get("offering_line") or "") if raw.get("offering_line") else None
        if raw.get("offering_line") and line is None:
            errors.add(f"{field}.offering_line", _("Unknown offering line."))
        discounts.append({"role": role, "max_discount_pct": limit, "offering_line": line})
    if effective_from is not None and timezone.is_naive(effective_from):
        errors.add("effective_from", _("Give the moment with its time zone."))
    errors.raise_if_any()
    for attempt in range(3):
        try:
            with transaction.atomic():
                version = (AuthorityMatrix.objects.aggregate(n=Max("version"))["n"] or 0) + 1
                matrix = AuthorityMatrix.objects.create(
                    version=version, name=name.strip()[:120], note=note, effective_from=effective_from or timezone.now(),
                    published_by=authenticated(actor),
                )
                break
        except IntegrityError:
            if attempt == 2:
                raise
    AuthorityRule.objects.bulk_create([AuthorityRule(matrix=matrix, **row) for row in rows])
    DiscountAuthority.objects.bulk_create([DiscountAuthority(matrix=matrix, **row) for row in discounts])
    core_events.record(events.MATRIX_PUBLISHED, matrix, actor=actor,
                       payload={"version": matrix.version, "rules": len(rows), "discount_authorities": len(discounts)})
    return matrix


@transaction.atomic
def checklist_publish(*, actor: Actor, gate_type: str, name: str, items: list[dict[str, Any]]) -> Checklist:
    """Publish a new version of a gate's checklist; reviews already drafted keep theirs."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    if gate_type not in GateType.values:
        errors.add("gate_type", _("Unknown gate."))
    if not items:
        errors.add("items", _("A checklist needs at least one item."))
    codes = set()
    for i, item in enumerate(items or []):
        code = str(item.get("code") or "")
        if not code or not code.replace("_", "").replace("-", "").isalnum() or len(code) > 40:
            errors.add(f"items.{i}.code", _("Use a short code of letters, digits, - and _."))
        if code in codes:
            errors.add(f"items.{i}.code", _("Codes are unique within a checklist."))
        codes.add(code)
        if not str(item.get("question") or "").strip():
            errors.add(f"items.{i}.question", _("Ask a question."))
        if (item.get("answer_type") or AnswerType.YES_NO) not in AnswerType.values:
            errors.add(f"items.{i}.answer_type", _("Unknown answer type."))
    errors.raise_if_any()
    version = (Checklist.objects.filter(gate_type=gate_type).aggregate(n=Max("version"))["n"] or 0) + 1
    Checklist.objects.filter(gate_type=gate_type, active=True).update(active=False)
    checklist = Checklist.objects.create(gate_type=gate_type, version=version, name=(name or gate_type)[:120])
    ChecklistItem.objects.bulk_create([
        ChecklistItem(
            checklist=checklist, code=str(item["code"]), position=i,
            section=str(item.get("section") or "")[:80], section_en=str(item.get("section_en") or "")[:80],
            question=str(item["question"]).strip()[:300], question_en=str(item.get("question_en") or "")[:300],
            answer_type=item.get("answer_type") or AnswerType.YES_NO, mandatory=bool(item.get("mandatory", True)),
            must_be_yes=bool(item.get("must_be_yes", False)),
        )
        for i, item in enumerate(items)
    ])
    core_events.record(events.CHECKLIST_PUBLISHED, checklist, actor=actor,
                       payload={"gate": gate_type, "version": version, "items": len(items)})
    return checklist


@transaction.atomic
def product_save(*, actor: Actor, code: str, name: str, offering_line: OfferingLine, name_en: str = "",
                 kind: str = Product.Kind.HARDWARE, unit: str = Product.Unit.PIECE, standard_cost: Any = 0,
                 cost_currency: str = "CNY", description: str = "", active: bool = True) -> Product:
    """Create or update a product by its code."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    code = (code or "").strip()
    if not code:
        errors.add("code", _("A code is required."))
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if kind not in Product.Kind.values:
        errors.add("kind", _("Unknown kind."))
    if unit not in Product.Unit.values:
        errors.add("unit", _("Unknown unit."))
    try:
        cost = to_decimal(standard_cost, field="standard_cost")
        if cost < 0:
            errors.add("standard_cost", _("A cost cannot be negative."))
    except ValidationFailed as exc:
        errors.add("standard_cost", exc.detail)
        cost = Decimal(0)
    currency = _currency(cost_currency, "cost_currency", errors)
    errors.raise_if_any()
    product, created = Product.objects.update_or_create(
        code=code[:40],
        defaults={"name": name.strip()[:200], "name_en": (name_en or "").strip()[:200], "offering_line": offering_line,
                  "kind": kind, "unit": unit, "standard_cost": cost, "cost_currency": currency,
                  "description": description, "active": active},
    )
    core_events.record(events.PRODUCT_SAVED, product, actor=actor, payload={"code": product.code, "created": created})
    return product


def _currency(value: Any, field: str, errors: FieldErrors) -> str:
    try:
        code = normalise_currency(value, field=field)
    except ValidationFailed as exc:
        errors.add(field, exc.detail)
        return "CNY"
    if not Currency.objects.filter(code=code, active=True).exists():
        errors.add(field, _("“%(c)s” is not an active currency.") % {"c": code})
    return code


@transaction.atomic
def price_list_save(*, actor: Actor, code: str, name: str, currency: str, prices: dict[str, Any] | None = None,
                    valid_from: dt.date | None = None, valid_to: dt.date | None = None, active: bool = True) -> PriceList:
    """Create or update a price list by code; ``prices`` maps product codes to list prices."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    code = (code or "").strip()
    if not code:
        errors.add("code", _("A code is required."))
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    currency = _currency(currency, "currency", errors)
    if valid_from and valid_to and valid_to < valid_from:
        errors.add("valid_to", _("The end is before the start."))
    products = {p.code: p for p in Product.objects.filter(code__in=list(prices or {}))}
    parsed = {}
    for product_code, price in (prices or {}).items():
        field = f"prices.{product_code}"
        if product_code not in products:
            errors.add(field, _("Unknown product."))
            continue
        try:
            amount = to_decimal(price, field=field)
        except ValidationFailed as exc:
            errors.add(field, exc.detail)
            continue
        if amount < 0 or amount >= Decimal(10) ** 15:
            errors.add(field, _("A price is between 0 and 10^15."))
            continue
        parsed[product_code] = amount
    errors.raise_if_any()
    existing = PriceList.objects.filter(code=code).first()
    if existing is not None and existing.currency != currency and existing.quotes.exists():
        raise Conflict(_("Quotes use this price list: its currency cannot change."), code="price_list_in_use")
    price_list, created = PriceList.objects.update_or_create(
        code=code[:40], defaults={"name": name.strip()[:120], "currency": currency,
                                  "valid_from": valid_from or timezone.localdate(), "valid_to": valid_to, "active": active},
    )
    for product_code, amount in parsed.items():
        PriceListItem.objects.update_or_create(price_list=price_list, product=products[product_code],
                                               defaults={"list_price": amount})
    core_events.record(events.PRICE_LIST_SAVED, price_list, actor=actor,
                       payload={"code": price_list.code, "created": created, "prices": len(parsed)})
    return price_list


SETTINGS_FIELDS = ("probability_o1", "probability_o2", "probability_o3", "probability_o4", "grade_a_threshold",
                   "grade_b_threshold", "atb_lead_working_days", "low_probability_floor", "condition_reminder_days")


@transaction.atomic
def settings_update(*, actor: Actor, **changes: Any) -> OpportunitySettings:
    """Change the app's parameters; the event keeps each old and new value (who moved a threshold, when)."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    row = OpportunitySettings.objects.select_for_update().order_by("pk").first() or OpportunitySettings.objects.create()
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in SETTINGS_FIELDS:
            errors.add(key, _("Unknown setting."))
            continue
        if key in ("atb_lead_working_days", "condition_reminder_days"):
            if not isinstance(value, int) or not 0 <= value <= 60:
                errors.add(key, _("A number of days between 0 and 60."))
                continue
        else:
            try:
                value = to_decimal(value, field=key)
            except ValidationFailed as exc:
                errors.add(key, exc.detail)
                continue
            if key.startswith("probability") or key == "low_probability_floor":
                if not Decimal(0) <= value <= Decimal(100):
                    errors.add(key, _("A percentage is between 0 and 100."))
                    continue
            elif value < 0:
                errors.add(key, _("A threshold cannot be negative."))
                continue
        clean[key] = value
    grade_a = clean.get("grade_a_threshold", row.grade_a_threshold)
    if clean.get("grade_b_threshold", row.grade_b_threshold) > grade_a:
        errors.add("grade_b_threshold", _("Grade B starts below grade A."))
    errors.raise_if_any()
    diff = model_update(row, SETTINGS_FIELDS, clean)
    if diff:
        core_events.record(events.SETTINGS_CHANGED, row, actor=actor, payload={"changes": diff})
    return row


# --- edits from the configuration pages (issue 9 item 8) ---------------------------------------------

BODY_FIELDS = ("name", "name_en", "active")


@transaction.atomic
def decision_body_update(*, body: DecisionBody, actor: Actor, **changes: Any) -> DecisionBody:
    """Rename a decision body or (de)activate it; its level and org unit stay (create another body instead).

    A unit has one active body per level, so reactivating one whose unit has another active body is refused.
    """
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for key in sorted(set(changes) - set(BODY_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    if "name" in changes:
        clean["name"] = errors.text("name", changes["name"], required=_("A name is required."), max_length=120)
    if "name_en" in changes:
        clean["name_en"] = errors.text("name_en", changes["name_en"], max_length=120)
    if "active" in changes:
        clean["active"] = bool(changes["active"])
        if clean["active"] and not body.active and DecisionBody.objects.filter(
                level=body.level, org_unit_id=body.org_unit_id, active=True).exclude(pk=body.pk).exists():
            errors.add("active", _("This unit already has an active decision body at that level."))
    errors.raise_if_any()
    diff = model_update(body, BODY_FIELDS, clean)
    if diff:
        core_events.record(events.BODY_UPDATED, body, actor=actor, payload={"changes": diff})
    return body


PRICE_LIST_FIELDS = ("name", "currency", "valid_from", "valid_to", "active")


@transaction.atomic
def price_list_update(*, price_list: PriceList, actor: Actor, prices: dict[str, Any] | None = None,
                      **changes: Any) -> PriceList:
    """Change a price list's header and prices; ``prices`` maps product codes to a list price, or to
    ``None`` to take the product off the list. The event keeps every old and new value."""
    require_role(actor, message=ADMIN_ONLY, system=True)
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for key in sorted(set(changes) - set(PRICE_LIST_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    if "name" in changes:
        clean["name"] = errors.text("name", changes["name"], required=_("A name is required."), max_length=120)
    if "currency" in changes:
        clean["currency"] = _currency(changes["currency"], "currency", errors)
        if clean["currency"] != price_list.currency and price_list.quotes.exists():
            errors.add("currency", _("Quotes use this price list: its currency cannot change."))
    for key in ("valid_from", "valid_to"):
        if key in changes:
            value = changes[key]
            if value is not None and not isinstance(value, dt.date):
                errors.add(key, _("Give a date."))
            clean[key] = value
    if "valid_from" in clean and clean["valid_from"] is None:
        errors.add("valid_from", _("Give a date."))
    start = clean.get("valid_from", price_list.valid_from)
    end = clean.get("valid_to", price_list.valid_to)
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors.add("valid_to", _("The end is before the start."))
    if "active" in changes:
        clean["active"] = bool(changes["active"])
    products = {p.code: p for p in Product.objects.filter(code__in=list(prices or {}))}
    parsed: dict[str, Decimal | None] = {}
    for product_code, price in (prices or {}).items():
        field = f"prices.{product_code}"
        if product_code not in products:
            errors.add(field, _("Unknown product."))
            continue
        if price in (None, ""):
            parsed[product_code] = None
            continue
        amount = errors.run(to_decimal, price, field=field)
        if amount is None:
            continue
        if amount < 0 or amount >= Decimal(10) ** 15:
            errors.add(field, _("A price is between 0 and 10^15."))
            continue
        parsed[product_code] = amount
    errors.raise_if_any()
    diff = model_update(price_list, PRICE_LIST_FIELDS, clean)
    current = {item.product.code: item for item in price_list.items.select_related("product")}
    for product_code, amount in parsed.items():
        item = current.get(product_code)
        old = item.list_price if item is not None else None
        if amount is None:
            if item is not None:
                item.delete()
                diff[f"prices.{product_code}"] = [str(old), None]
        elif old is None or old != amount:
            PriceListItem.objects.update_or_create(price_list=price_list, product=products[product_code],
                                                   defaults={"list_price": amount})
            diff[f"prices.{product_code}"] = [None if old is None else str(old), str(amount)]
    if diff:
        core_events.record(events.PRICE_LIST_UPDATED, price_list, actor=actor, payload={"changes": diff})
    return price_list
