"""Parsing: one lead's raw input (any channel, any language) into normalised values or field errors.

Every channel runs :func:`prepare` for every lead, an import a million times, so absent fields take
their defaults without a call and reference lookups are cached on the batch's ``Reference``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from m2c.campaigns.models import JourneyStage
from m2c.core.errors import ValidationFailed
from m2c.core.models import OrgUnit, Role, User
from m2c.core.normalize import company_email_domain, normalize_credit_code, normalize_email, normalize_phone
from m2c.customers.identity import CustomerRow, Keys, Match
from m2c.customers.models import DecisionRole
from m2c.customers.names import company_keys

from ..models import BudgetStatus, CampaignTouch, Channel, SourceType

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors

    from .reference import Reference

INDUSTRY_WORDS = {
    "教育": "education", "高校": "education", "大学": "education", "政府": "government", "政务": "government",
    "金融": "finance", "银行": "finance", "医疗": "healthcare", "医院": "healthcare", "卫生": "healthcare",
    "制造": "manufacturing", "工业": "manufacturing", "能源": "energy", "电力": "energy", "交通": "transport",
    "物流": "transport", "运营商": "telecom", "电信": "telecom", "零售": "retail", "互联网": "internet",
    "其他": "other",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "已确认", "确认", "x", "✓"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "无", "未知"}
BUDGET_WORDS = {"confirmed": "confirmed", "已确认": "confirmed", "确认": "confirmed", "已批": "confirmed",
                "planned": "planned", "计划": "planned", "规划中": "planned", "已规划": "planned",
                "unknown": "unknown", "未知": "unknown", "不详": "unknown"}

TEXT_LIMITS = {
    "title": 200, "customer_name": 255, "contact_name": 120, "contact_title": 120, "province": 40, "city": 60,
    "description": 10_000, "budget_note": 255, "external_id": 120,
}


@dataclass
class Prepared:
    """One lead's normalised input, ready for capture."""

    values: dict[str, Any]
    keys: Keys
    line_ids: list[Any]
    campaign: Campaign | None = None
    customer_id: Any = None
    touch_kind: str = CampaignTouch.Kind.RESPONSE
    row_number: int | None = None
    line_set: frozenset = field(default_factory=frozenset)
    # How lines the input did not name were found: [{"line": code, "word": matched word}] or [{"line": code,
    # "default": True}] (an import's default line); recorded in the capture event and shown on the lead.
    inferred: list[dict[str, Any]] = field(default_factory=list)
    # Set during capture:
    customer: CustomerRow | None = None
    customer_match: Match | None = None



def is_uuid(value: Any) -> bool:
    return as_uuid(value) is not None


def as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _text(data: dict[str, Any], key: str, errors: list[dict[str, str]]) -> str:
    value = data.get(key)
    if value is None:
        return ""
    text = str(value).strip()
    if "\x00" in text:
        errors.append({"field": key, "reason": _("The text contains a NUL character.")})
        return ""
    limit = TEXT_LIMITS.get(key)
    if limit and len(text) > limit:
        errors.append({"field": key, "reason": _("Longer than %(n)d characters.") % {"n": limit}})
        return ""
    return text


def _bool(value: Any, key: str, errors: list[dict[str, str]]) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    errors.append({"field": key, "reason": _("“%(v)s” is not yes or no.") % {"v": str(value)[:40]}})
    return False


def _amount(value: Any, key: str, errors: list[dict[str, str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, float):
        # Spreadsheet cells arrive as floats; repr keeps what the cell showed (12.5 → "12.5").
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    multiplier = Decimal(1)
    for suffix, factor in (("亿", Decimal(100_000_000)), ("万", Decimal(10_000)), ("m", Decimal(1_000_000)),
                           ("k", Decimal(1000))):
        if text.casefold().endswith(suffix):
            text, multiplier = text[: -len(suffix)].strip(), factor
            break
    try:
        amount = Decimal(text) * multiplier
    except (InvalidOperation, ValueError):
        errors.append({"field": key, "reason": _("“%(v)s” is not an amount.") % {"v": str(value)[:40]}})
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 15:
        errors.append({"field": key, "reason": _("The amount must be between 0 and 10^15.")})
        return None
    return amount.quantize(Decimal("0.0001"))


def _date(value: Any, key: str, errors: list[dict[str, str]], today: dt.date) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = _parse_date(str(value).strip())
    if parsed is None:
        errors.append({"field": key, "reason": _("“%(v)s” is not a date (use YYYY-MM-DD).") % {"v": str(value)[:40]}})
    return parsed


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> dt.date | None:
    text = text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日-")
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed if dt.date(2000, 1, 1) <= parsed <= dt.date(2100, 12, 31) else None
    return None


_CHOICE_MAPS: dict[tuple[Any, str], tuple[frozenset[str], dict[str, str]]] = {}


def _choice_map(choices: Any) -> tuple[frozenset[str], dict[str, str]]:
    """Values and labels (in every language) of a choices class, read once per process."""
    found = _CHOICE_MAPS.get((choices, ""))
    if found is None:
        from django.conf import settings
        from django.utils import translation

        folded: dict[str, str] = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for v, label in choices.choices:
                    folded.setdefault(str(label).casefold(), v)
        for v in choices.values:
            folded[v.casefold()] = v
        found = _CHOICE_MAPS[(choices, "")] = (frozenset(choices.values), folded)
    return found


def choice(value: Any, key: str, choices: Any, errors: list[dict[str, str]], default: str, words: dict | None = None) -> str:
    if value in (None, ""):
        return default
    text = str(value).strip()
    values, folded_map = _choice_map(choices)
    if text in values:
        return text
    folded = text.casefold()
    if folded in folded_map:
        return folded_map[folded]
    if words and folded in words:
        return words[folded]
    errors.append({"field": key, "reason": _("Choose one of: %(v)s.") % {"v": ", ".join(sorted(values))}})
    return default


def _lines(value: Any, ref: Reference, errors: list[dict[str, str]]) -> list[Any]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace("；", ";").replace("，", ",").replace("、", ",").replace(";", ",").split(",")
    found, unknown = [], []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        pk = ref.lines.get(text.casefold())
        if pk is None:
            unknown.append(text)
        elif pk not in found:
            found.append(pk)
    if unknown:
        errors.append({"field": "offering_lines", "reason": _("Unknown offering line(s): %(v)s.") % {"v": ", ".join(unknown)[:200]}})
    return found


_TEXT_ITEMS = tuple(TEXT_LIMITS.items())
# Choice values as plain strings: enum members would take the database driver's slow adaptation path.
_CAMPAIGN_SOURCE, _PARTNER_SOURCE, _FIELD_SOURCE = str(SourceType.CAMPAIGN), str(SourceType.PARTNER), str(SourceType.FIELD)
_UNKNOWN_ROLE, _AWARENESS = str(DecisionRole.UNKNOWN), str(JourneyStage.AWARENESS)
_UNKNOWN_BUDGET, _PLANNED_BUDGET = str(BudgetStatus.UNKNOWN), str(BudgetStatus.PLANNED)
_RESPONSE = str(CampaignTouch.Kind.RESPONSE)


def prepare(data: dict[str, Any], ref: Reference, *, channel: str = Channel.API, actor: User | None = None) -> Prepared:
    """Normalise one lead's input; raise ValidationFailed naming every bad field.

    Every channel runs this for every lead, an import a million times, so it avoids work that gives
    nothing: absent fields take their defaults without a call, and reference lookups are cached on
    ``ref`` for the batch.
    """
    errors: list[dict[str, str]] = []
    get = data.get
    t: dict[str, str] = {}
    for key, limit in _TEXT_ITEMS:
        value = get(key)
        if value is None:
            t[key] = ""
            continue
        text = (value if type(value) is str else str(value)).strip()
        if "\x00" in text:
            errors.append({"field": key, "reason": _("The text contains a NUL character.")})
            text = ""
        elif len(text) > limit:
            errors.append({"field": key, "reason": _("Longer than %(n)d characters.") % {"n": limit}})
            text = ""
        t[key] = text
    customer_name = t["customer_name"]
    keys = Keys()
    if customer_name:
        keys.normalized, keys.core, keys.block = company_keys(customer_name)
    raw_code = get("credit_code")
    if raw_code:
        try:
            keys.credit_code = normalize_credit_code(str(raw_code).strip())
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    contact_email = ""
    raw_email = get("contact_email")
    if raw_email:
        raw_email = str(raw_email).strip()
        if raw_email:
            try:
                contact_email = normalize_email(raw_email, field="contact_email")
            except ValidationFailed as exc:
                errors.append({"field": "contact_email", "reason": exc.detail})
    contact_phone = ""
    for key in ("contact_phone", "contact_landline"):
        raw = get(key)
        if raw is None:
            continue
        if isinstance(raw, float) and raw.is_integer():
            raw = str(int(raw))
        raw = str(raw or "").strip()
        if raw and not contact_phone:
            try:
                contact_phone = normalize_phone(raw, field=key)
            except ValidationFailed as exc:
                errors.append({"field": key, "reason": exc.detail})
    keys.email, keys.phone = contact_email, contact_phone
    keys.domain = company_email_domain(contact_email)
    line_ids = _lines(get("offering_lines"), ref, errors)
    industry = ""
    industry_raw = get("industry")
    if industry_raw:
        industry = ref.industry(str(industry_raw).strip())
    campaign = None
    campaign_ref = get("source_campaign")
    if campaign_ref not in (None, ""):
        campaign = ref.campaign(campaign_ref)
        if campaign is None:
            errors.append({"field": "source_campaign", "reason": _("No campaign “%(v)s”.") % {"v": str(campaign_ref)[:60]}})
        elif not line_ids and get("offering_lines") in (None, "", []):
            # A lead that names no offering line takes its campaign's (issue 9): a plain response file is valid.
            line_ids = ref.campaign_lines(campaign)
    inferred: list[dict[str, Any]] = []
    if not line_ids and get("offering_lines") in (None, "", []):
        # After the campaign, the need text: an offering line's keywords (issue 9), one scan of one regex.
        for pk, word in ref.keywords.scan(t["title"], t["description"]):
            line_ids.append(pk)
            inferred.append({"line": ref.line_codes.get(pk, str(pk)), "word": word})
        default_line = get("default_offering_line")
        if not line_ids and default_line not in (None, ""):
            # Last, the import's default line for rows that still have none.
            pk = ref.lines.get(str(default_line).strip().casefold())
            if pk is None:
                errors.append({"field": "default_offering_line",
                               "reason": _("Unknown offering line(s): %(v)s.") % {"v": str(default_line)[:60]}})
            else:
                line_ids.append(pk)
                inferred.append({"line": ref.line_codes.get(pk, str(pk)), "default": True})
    customer_id = get("customer_id") or None
    if customer_id:
        # Stored ids are UUIDs: a string would never equal one (the customer was silently ignored).
        customer_id = as_uuid(customer_id)
        if customer_id is None:
            errors.append({"field": "customer_id", "reason": _("Not a customer id.")})
    keys.customer_id = customer_id
    region = group = None
    region_ref = get("region")
    if region_ref not in (None, ""):
        region = ref.unit(region_ref)
        if region is None:
            errors.append({"field": "region", "reason": _("No org unit “%(v)s”.") % {"v": str(region_ref)[:60]}})
    group_ref = get("customer_group")
    if group_ref not in (None, ""):
        group = ref.unit(group_ref)
        if group is None or group.type != OrgUnit.Type.CUSTOMER_GROUP:
            errors.append({"field": "customer_group", "reason": _("No customer group “%(v)s”.") % {"v": str(group_ref)[:60]}})
            group = None
    default_source = _CAMPAIGN_SOURCE if campaign else (_PARTNER_SOURCE if channel == Channel.PARTNER else _FIELD_SOURCE)
    source_type = choice(get("source_type"), "source_type", SourceType, errors, default_source)
    contact_role = choice(get("contact_role"), "contact_role", DecisionRole, errors, _UNKNOWN_ROLE)
    consent = _bool(get("consent"), "consent", errors)
    journey_stage = choice(get("journey_stage"), "journey_stage", JourneyStage, errors,
                            campaign.journey_stage if campaign else _AWARENESS)
    budget_status = choice(get("budget_status"), "budget_status", BudgetStatus, errors, _UNKNOWN_BUDGET, BUDGET_WORDS)
    budget_amount = _amount(get("budget_amount"), "budget_amount", errors)
    estimated_amount = _amount(get("estimated_amount"), "estimated_amount", errors)
    expected = _date(get("expected_purchase_date"), "expected_purchase_date", errors, ref.today)
    decision_chain_known = _bool(get("decision_chain_known"), "decision_chain_known", errors)
    pain_confirmed = _bool(get("pain_confirmed"), "pain_confirmed", errors)
    currency = get("currency")
    currency = str(currency).strip().upper()[:3] if currency else ref.currency
    if len(currency) != 3 or not currency.isalpha():
        errors.append({"field": "currency", "reason": _("A currency is a three-letter ISO 4217 code such as CNY.")})
    utm = get("utm")
    values: dict[str, Any] = {
        "title": t["title"],
        "raw_customer_name": customer_name,
        "normalized_name": keys.normalized,
        "core_name": keys.core,
        "block_key": keys.block[:16],
        "credit_code": keys.credit_code,
        "industry": industry,
        "province": t["province"],
        "city": t["city"],
        "region_id": region.pk if region else None,
        "customer_group_id": group.pk if group else None,
        "contact_name": t["contact_name"],
        "contact_title": t["contact_title"],
        "contact_role": contact_role,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
        "email_domain": keys.domain,
        "consent": consent,
        "description": t["description"],
        "journey_stage": journey_stage,
        "budget_status": budget_status,
        "budget_note": t["budget_note"],
        "budget_amount": budget_amount,
        "estimated_amount": estimated_amount,
        "currency": currency,
        "expected_purchase_date": expected,
        "decision_chain_known": decision_chain_known,
        "pain_confirmed": pain_confirmed,
        "source_type": source_type,
        "source_campaign_id": campaign.pk if campaign else None,
        "channel": channel,
        "utm": {str(k)[:40].replace("\x00", ""): str(v)[:200].replace("\x00", "") for k, v in utm.items()
                if str(k).startswith("utm_")} if isinstance(utm, dict) else {},
    }
    if budget_amount is not None and budget_status == _UNKNOWN_BUDGET and "budget_status" not in data:
        values["budget_status"] = _PLANNED_BUDGET
    if not values["title"]:
        what = ", ".join(ref.line_labels.get(pk, "") for pk in line_ids)
        values["title"] = (f"{customer_name} – {what}" if what else customer_name or contact_email or contact_phone or _("Untitled lead"))[:200]
    if t["external_id"]:
        values["external_ref"] = t["external_id"]
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.has_role(Role.PARTNER):
        values["source_partner_id"] = getattr(actor, "partner_id", None)
        values["source_type"] = SourceType.PARTNER
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    touch_kind = str(get("touch_kind") or _RESPONSE)
    if touch_kind not in TOUCH_KINDS:
        touch_kind = _RESPONSE
    return Prepared(values=values, keys=keys, line_ids=line_ids, campaign=campaign, customer_id=customer_id,
                    touch_kind=touch_kind, line_set=frozenset(line_ids), inferred=inferred)


TOUCH_KINDS = frozenset(CampaignTouch.Kind.values)

