"""Customer and contact commands. Every write goes through here, from the API, the web and imports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core import scoping
from m2c.core.errors import DuplicateRecord, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import Currency, OrgUnit, Role
from m2c.core.money import to_decimal
from m2c.core.normalize import (
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    normalize_phone,
)
from m2c.core.roles import Actor, require_role
from m2c.core.selectors import user_resolve
from m2c.core.services import model_update

from . import events
from .models import (
    ComplianceStatus,
    Contact,
    ContactLanguage,
    CreditRating,
    Customer,
    DecisionRole,
    Industry,
    Tier,
)
from .search import index_customers

EDITOR_ROLES = (Role.MARKETING, Role.AR, Role.SR, Role.FINANCE)
EDITORS_ONLY = gettext_lazy("Your role cannot create or edit customers.")
CREDIT_FIELDS = frozenset({"credit_rating", "credit_limit", "credit_currency", "credit_hold"})
COMPLIANCE_FIELDS = frozenset({"compliance_status", "compliance_note"})


def _restricted_defaults() -> dict[str, Any]:
    from django.conf import settings

    return {
        "credit_rating": {CreditRating.UNRATED},
        "credit_limit": {None, "", 0, "0", Decimal(0)},
        "credit_currency": {None, "", settings.REPORTING_CURRENCY},
        "credit_hold": {None, False},
        "compliance_status": {None, "", ComplianceStatus.OK},
        "compliance_note": {None, ""},
    }


RESTRICTED_DEFAULTS = frozenset(CREDIT_FIELDS | COMPLIANCE_FIELDS)


def _is_default(key: str, value: Any) -> bool:
    """Setting a finance-only field to its default at creation needs no finance role."""
    return value in _restricted_defaults()[key]


CUSTOMER_FIELDS = (
    "legal_name",
    "credit_code",
    "registration_no",
    "country",
    "province",
    "city",
    "address",
    "website",
    "industry",
    "org_unit",
    "customer_group",
    "tier",
    "ar_owner",
    *sorted(CREDIT_FIELDS),
    *sorted(COMPLIANCE_FIELDS),
)


def _can_edit_fields(actor: Actor, fields: set[str]) -> None:
    if actor is None or actor.is_superuser or actor.has_role(Role.ADMINISTRATOR):
        return
    if fields & CREDIT_FIELDS and not actor.has_role(Role.FINANCE):
        raise PermissionDenied(_("Only finance can change credit rating, limit or hold."))
    if fields & COMPLIANCE_FIELDS and not actor.has_role(Role.FINANCE):
        raise PermissionDenied(_("Only finance or an administrator can change the compliance status."))


def _can_place(actor: Any, unit: OrgUnit | None) -> None:
    """Who may move a customer to ``unit``: administrators anywhere, others only inside their own scope.

    The scope is the subtree the actor sees (a center's member works for its region), so a customer is
    never moved to where its editor can no longer see it, nor out of every unit. (A new customer is
    placed by the creator's unit or by the lead it comes from, not by this rule.)
    """
    if actor is None or actor.is_superuser or actor.has_role(Role.ADMINISTRATOR):
        return
    home = scoping.home_unit(actor.org_unit) if actor.org_unit_id else None
    if home is None:
        raise PermissionDenied(_("Only an administrator can change the region or office of a customer."),
                               field="org_unit")
    if unit is None or not unit.path.startswith(home.path):
        raise PermissionDenied(
            _("You can only place a customer in %(unit)s or a unit below it.") % {"unit": home.name},
            field="org_unit",
        )


def _clean(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Validate and normalise the given customer fields; unknown keys are an error."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in CUSTOMER_FIELDS:
            errors.add(key, _("Unknown field."))
            continue
        if isinstance(value, str):
            value = value.strip()
        if key == "legal_name":
            if not value:
                errors.add(key, _("The legal name is required."))
            elif len(value) > 255:
                errors.add(key, _("The legal name is longer than 255 characters."))
            else:
                clean[key] = value
                clean["normalized_name"] = normalize_company_name(value)
        elif key == "credit_code":
            code = errors.run(normalize_credit_code, value or "", field=key)
            if code is not None:
                clean[key] = code or None
        elif key == "country":
            text = str(value or "CN").upper()
            if len(text) != 2 or not text.isalpha() or not text.isascii():
                errors.add(key, _("Use a two-letter ISO 3166 country code such as CN."))
            else:
                clean[key] = text
        elif key == "industry":
            if value not in Industry.values:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(Industry.values)})
            else:
                clean[key] = value
        elif key == "tier":
            if value not in Tier.values:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(Tier.values)})
            else:
                clean[key] = value
        elif key == "credit_rating":
            if value not in CreditRating.values:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(CreditRating.values)})
            else:
                clean[key] = value
        elif key == "compliance_status":
            if value not in ComplianceStatus.values:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(ComplianceStatus.values)})
            else:
                clean[key] = value
        elif key == "credit_limit":
            amount = errors.run(to_decimal, value if value not in (None, "") else "0", field=key)
            if amount is not None:
                if amount < 0:
                    errors.add(key, _("The credit limit cannot be negative."))
                elif amount >= Decimal(10) ** 16:
                    errors.add(key, _("The credit limit is too large."))
                else:
                    clean[key] = amount
        elif key == "credit_currency":
            code = str(value or "").upper()
            if not Currency.objects.filter(code=code, active=True).exists():
                errors.add(key, _("“%(c)s” is not an active currency.") % {"c": code})
            else:
                clean[key] = code
        elif key == "credit_hold":
            clean[key] = bool(value)
        elif key in ("org_unit", "customer_group"):
            clean[key] = _org_unit(value, key, errors, customer_group=(key == "customer_group"))
        elif key == "ar_owner":
            clean[key] = user_resolve(value, field=key, errors=errors)
        else:
            limit = Customer._meta.get_field(key).max_length
            text = "" if value is None else str(value)
            if limit and len(text) > limit:
                errors.add(key, _("Longer than %(n)d characters.") % {"n": limit})
            else:
                clean[key] = text
    return clean


def _org_unit(value: Any, field: str, errors: FieldErrors, *, customer_group: bool) -> OrgUnit | None:
    if value in (None, ""):
        return None
    if isinstance(value, OrgUnit):
        unit = value
    else:
        unit = OrgUnit.objects.filter(pk=value).first() if _looks_like_uuid(value) else None
        unit = unit or OrgUnit.objects.filter(code=str(value)).first()
    if unit is None:
        errors.add(field, _("No org unit “%(v)s”.") % {"v": value})
        return None
    if customer_group and unit.type != OrgUnit.Type.CUSTOMER_GROUP:
        errors.add(field, _("“%(v)s” is not a customer group.") % {"v": unit.label})
        return None
    return unit


def _home_unit(unit: OrgUnit) -> OrgUnit:
    """The nearest HQ, region or representative office at or above ``unit``."""
    owning = {OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE}
    if unit.type in owning:
        return unit
    for ancestor in reversed(unit.ancestors()):
        if ancestor.type in owning:
            return ancestor
    return unit


def _looks_like_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _existing(normalized_name: str | None, credit_code: str | None, exclude: Any = None) -> tuple[Customer, str] | None:
    qs = Customer.objects.all()
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if credit_code:
        found = qs.filter(credit_code=credit_code).first()
        if found:
            return found, "credit_code"
    if normalized_name:
        found = qs.filter(normalized_name=normalized_name).first()
        if found:
            return found, "legal_name"
    return None


def _duplicate_error(found: Customer, field: str) -> DuplicateRecord:
    message = (
        _("A customer with this credit code already exists: %(name)s.")
        if field == "credit_code"
        else _("A customer with this name already exists: %(name)s.")
    )
    return DuplicateRecord(
        message % {"name": found.legal_name},
        code="customer_exists",
        field=field,
        extra={
            "existing_id": str(found.pk),
            "existing_name": found.legal_name,
            "existing_url": reverse("customers:detail", args=[found.pk]),
        },
    )


def customer_find_existing(*, legal_name: str = "", credit_code: str = "") -> Customer | None:
    """The customer a name or credit code already identifies (for identity resolution), or None."""
    code = ""
    if credit_code:
        try:
            code = normalize_credit_code(credit_code)
        except ValidationFailed:
            code = ""
    hit = _existing(normalize_company_name(legal_name) if legal_name else None, code or None)
    return hit[0] if hit else None


@transaction.atomic
def customer_create(*, actor: Actor, **data: Any) -> Customer:
    """Create a customer; refused when its credit code or normalised name already exists."""
    require_role(actor, *EDITOR_ROLES, message=EDITORS_ONLY, system=True)
    data.setdefault("legal_name", "")
    _can_edit_fields(actor, {k for k, v in data.items() if k in RESTRICTED_DEFAULTS and not _is_default(k, v)})
    if not data.get("org_unit") and actor is not None and getattr(actor, "org_unit", None):
        # A new customer belongs to its creator's office or region, so the creator can see it.
        data["org_unit"] = _home_unit(actor.org_unit)
    errors = FieldErrors()
    clean = _clean(data, errors)
    errors.raise_if_any()
    hit = _existing(clean.get("normalized_name"), clean.get("credit_code"))
    if hit:
        raise _duplicate_error(*hit)
    customer = Customer(**clean, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # A concurrent request created the same customer between the check and the insert.
        hit = _existing(clean.get("normalized_name"), clean.get("credit_code"))
        if hit:
            raise _duplicate_error(*hit) from None
        raise
    index_customers([customer])
    core_events.record(
        events.CUSTOMER_CREATED,
        customer,
        actor=actor,
        payload={"legal_name": customer.legal_name, "credit_code": customer.credit_code or ""},
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, actor: Actor, expected_version: int | None = None, **changes: Any) -> Customer:
    """Change some fields of a customer; records the old and new value of each changed field."""
    require_role(actor, *EDITOR_ROLES, message=EDITORS_ONLY, system=True)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and expected_version != locked.version:
        raise DuplicateRecord(
            _("Someone else changed this customer; reload and try again."),
            code="version_conflict",
            field="version",
        )
    errors = FieldErrors()
    clean = _clean(changes, errors)
    errors.raise_if_any()

    def check(diff: dict[str, list[Any]]) -> None:
        _can_edit_fields(actor, set(diff))
        if "org_unit" in diff:
            _can_place(actor, clean["org_unit"])
        if "normalized_name" in diff or "credit_code" in diff:
            hit = _existing(clean.get("normalized_name", locked.normalized_name),
                            clean.get("credit_code", locked.credit_code), exclude=locked.pk)
            if hit:
                raise _duplicate_error(*hit)

    diff = model_update(locked, (*CUSTOMER_FIELDS, "normalized_name"), clean, before_save=check)
    if not diff:
        return locked
    payload = {k: v for k, v in diff.items() if k != "normalized_name"}
    if "normalized_name" in diff:
        index_customers([locked])
    core_events.record(events.CUSTOMER_UPDATED, locked, actor=actor, payload={"changes": payload})
    if "compliance_status" in diff:
        core_events.record(
            events.CUSTOMER_COMPLIANCE_CHANGED,
            locked,
            actor=actor,
            from_state=payload["compliance_status"][0],
            to_state=locked.compliance_status,
            reason=locked.compliance_note,
        )
    return locked


# --- contacts -------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "title", "decision_role", "email", "phone", "consent_email", "consent_phone", "active",
                  "language")
# What people write for a language (forms, the API, imported files), to the code we store.
LANGUAGE_WORDS = {"zh-hans": "zh-hans", "zh": "zh-hans", "zh-cn": "zh-hans", "cn": "zh-hans", "chinese": "zh-hans",
                  "中文": "zh-hans", "简体中文": "zh-hans", "汉语": "zh-hans", "en": "en", "en-us": "en", "en-gb": "en",
                  "english": "en", "英文": "en", "英语": "en", "": ""}


def _clean_contact(data: dict[str, Any], errors: FieldErrors, *, phone_region: str = "CN") -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in CONTACT_FIELDS:
            errors.add(key, _("Unknown field."))
            continue
        if isinstance(value, str):
            value = value.strip()
        if key == "name":
            if not value:
                errors.add(key, _("The contact's name is required."))
            elif len(value) > 120:
                errors.add(key, _("Longer than %(n)d characters.") % {"n": 120})
            else:
                clean[key] = value
        elif key == "title":
            if len(value or "") > 120:
                errors.add(key, _("Longer than %(n)d characters.") % {"n": 120})
            else:
                clean[key] = value or ""
        elif key == "decision_role":
            if value not in DecisionRole.values:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(DecisionRole.values)})
            else:
                clean[key] = value
        elif key == "email":
            email = errors.run(normalize_email, value, field=key)
            if email is not None:
                clean[key] = email
        elif key == "phone":
            phone = errors.run(normalize_phone, value, region=phone_region, field=key)
            if phone is not None:
                clean[key] = phone
        elif key == "language":
            code = LANGUAGE_WORDS.get(str(value or "").strip().lower().replace("_", "-"))
            if code is None:
                errors.add(key, _("Choose one of: %(v)s.") % {"v": ", ".join(ContactLanguage.values)})
            else:
                clean[key] = code
        else:
            clean[key] = bool(value)
    return clean


@transaction.atomic
def contact_create(*, customer: Customer, actor: Actor, **data: Any) -> Contact:
    require_role(actor, *EDITOR_ROLES, message=EDITORS_ONLY, system=True)
    data.setdefault("name", "")
    errors = FieldErrors()
    clean = _clean_contact(data, errors, phone_region=customer.country or "CN")
    errors.raise_if_any()
    if clean.get("consent_email") or clean.get("consent_phone"):
        clean["consent_at"] = timezone.now()
    contact = Contact.objects.create(
        customer=customer, created_by=actor if getattr(actor, "is_authenticated", False) else None, **clean
    )
    core_events.record(
        events.CONTACT_ADDED, customer, actor=actor, payload={"contact_id": str(contact.pk), "name": contact.name}
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: Actor, **changes: Any) -> Contact:
    require_role(actor, *EDITOR_ROLES, message=EDITORS_ONLY, system=True)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    errors = FieldErrors()
    clean = _clean_contact(changes, errors, phone_region=locked.customer.country or "CN")
    errors.raise_if_any()
    if (clean.get("consent_email") or clean.get("consent_phone")) and not locked.consent_at:
        clean["consent_at"] = timezone.now()
    diff = model_update(locked, (*CONTACT_FIELDS, "consent_at"), clean)
    if not diff:
        return locked
    payload = {k: v for k, v in diff.items() if k != "consent_at"}
    core_events.record(
        events.CONTACT_UPDATED,
        locked.customer,
        actor=actor,
        payload={"contact_id": str(locked.pk), "name": locked.name, "changes": payload},
    )
    return locked


# The territory map's commands live in their own module (this one is about customers and contacts).
from .territories import territory_create, territory_delete, territory_update  # noqa: E402, F401
