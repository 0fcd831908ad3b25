"""Capture: the one rule set every channel runs (API, bulk API, web form, import, manual entry).

``prepare`` turns raw input into normalised values or field errors. ``capture`` then takes a batch
of prepared leads through identity resolution, duplicate detection, the validity gate, scoring and
routing, and stores them with one ``executemany`` per table. A batch of one (the API) and a batch of
five thousand (an import) go through the very same code.

Duplicate candidates come from indexed key columns of open leads inside the duplicate window (one
query per batch), plus the leads of the batch itself, so the cost grows with the batch, not with the
number of stored leads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.campaigns.models import Campaign, JourneyStage
from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.models import Event, OfferingLine, OrgUnit, Role, User
from m2c.customers.models import ComplianceStatus, Customer, DecisionRole, Industry
from m2c.opportunities.models import Opportunity

from . import bulk, events, scoring
from . import normalize as norm
from .matching import Keys, Match, compare, lines_overlap
from .models import (
    BudgetStatus,
    CampaignTouch,
    Channel,
    InvalidReason,
    Lead,
    LeadMerge,
    LeadSettings,
    RoutingRule,
    SourceType,
)
from .states import OPEN, WORKING, LeadStatus, check_path

S = LeadStatus
OPEN_OPPORTUNITY_STAGES = ("O1_VALIDATE", "O2_SHAPE", "O3_BID", "O4_NEGOTIATE", "ON_HOLD")
DEFAULT_STUDENT_TERMS = ["学生", "研究生", "本科生", "博士生", "student", "undergraduate", "intern", "实习生"]

# Province → region code, used when an input names a province but no region (default org layout).
PROVINCE_REGION = {
    **dict.fromkeys(["上海", "江苏", "浙江", "安徽", "江西", "山东"], "east"),
    **dict.fromkeys(["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "河南"], "north"),
    **dict.fromkeys(["广东", "广西", "海南", "福建", "湖南", "湖北", "香港", "澳门"], "south"),
    **dict.fromkeys(["四川", "重庆", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"], "west"),
}
INDUSTRY_GROUP = {"education": "cg-education", "government": "cg-government", "finance": "cg-finance",
                  "healthcare": "cg-healthcare", "manufacturing": "cg-manufacturing", "energy": "cg-energy",
                  "transport": "cg-transport", "telecom": "cg-carrier"}
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


# --- configuration -------------------------------------------------------------------------------


def load_settings() -> LeadSettings:
    found = LeadSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    config, _created = LeadSettings.objects.get_or_create(
        pk=1,
        defaults={
            "weights": dict(scoring.DEFAULT_WEIGHTS),
            "priority_industries": list(scoring.DEFAULT_PRIORITY_INDUSTRIES),
            "student_terms": list(DEFAULT_STUDENT_TERMS),
        },
    )
    return config


@dataclass
class CustomerRow:
    id: Any
    legal_name: str
    keys: Keys
    tier: str
    ar_owner_id: Any
    org_unit_id: Any
    customer_group_id: Any
    compliance_status: str
    industry: str


CUSTOMER_COLUMNS = ("id", "legal_name", "normalized_name", "credit_code", "tier", "ar_owner_id", "org_unit_id",
                    "customer_group_id", "compliance_status", "industry")


def _customer_row(values: tuple) -> CustomerRow:
    cid, legal, normalized, code, tier, ar, org, group, compliance, industry = values
    _n, core, block = norm.company_keys(legal)
    return CustomerRow(cid, legal, Keys(normalized=normalized, core=core, block=block, credit_code=code or "",
                                        customer_id=cid), tier, ar, org, group, compliance, industry)


class CustomerIndex:
    """Finds the existing customer a lead names. Preloaded for large batches, queried for small ones."""

    def __init__(self, *, preload: bool, threshold: int) -> None:
        self.threshold = threshold
        self.by_id: dict[Any, CustomerRow] = {}
        self.by_code: dict[str, CustomerRow] = {}
        self.by_name: dict[str, CustomerRow] = {}
        self.by_block: dict[str, list[CustomerRow]] = defaultdict(list)
        self.preloaded = preload
        if preload:
            for values in Customer.objects.values_list(*CUSTOMER_COLUMNS).iterator(chunk_size=5000):
                self._add(_customer_row(values))

    def _add(self, row: CustomerRow) -> None:
        if row.id in self.by_id:
            return
        self.by_id[row.id] = row
        if row.keys.credit_code:
            self.by_code[row.keys.credit_code] = row
        self.by_name[row.keys.normalized] = row
        self.by_block[row.keys.block].append(row)

    def prefetch(self, items: list[Prepared]) -> None:
        if self.preloaded:
            return
        codes = {p.keys.credit_code for p in items if p.keys.credit_code}
        names = {p.keys.normalized for p in items if p.keys.normalized}
        ids = {p.customer_id for p in items if p.customer_id}
        condition = Q(pk__in=ids) | Q(credit_code__in=codes) | Q(normalized_name__in=names)
        cores = sorted({p.keys.core for p in items if len(p.keys.core) >= 2})[:50]
        for core in cores:
            condition |= Q(normalized_name__contains=core)
        if not (ids or codes or names or cores):
            return
        for values in Customer.objects.filter(condition).values_list(*CUSTOMER_COLUMNS)[:2000]:
            self._add(_customer_row(values))

    def resolve(self, p: Prepared) -> tuple[CustomerRow | None, Match | None]:
        if p.customer_id:
            row = self.by_id.get(p.customer_id)
            return row, Match(100, ["customer"]) if row else None
        k = p.keys
        if k.credit_code and k.credit_code in self.by_code:
            return self.by_code[k.credit_code], Match(100, ["credit_code"])
        if k.normalized and k.normalized in self.by_name:
            row = self.by_name[k.normalized]
            if not (k.credit_code and row.keys.credit_code and row.keys.credit_code != k.credit_code):
                return row, Match(100, ["name"])
        best: tuple[CustomerRow | None, Match | None] = (None, None)
        if k.block:
            probe = Keys(normalized=k.normalized, core=k.core, block=k.block, credit_code=k.credit_code)
            for row in self.by_block.get(k.block, ()):
                m = compare(probe, row.keys)
                if m and m.score >= self.threshold and (best[1] is None or m.score > best[1].score):
                    best = (row, m)
        return best


# --- preparing input -------------------------------------------------------------------------------


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
    # Set during capture:
    customer: CustomerRow | None = None
    customer_match: Match | None = None


@dataclass
class SharedReference:
    """Reference data the batches of one process share for ``M2C_REFERENCE_TTL`` seconds.

    A single API capture would otherwise read the settings, offering lines, org units, routing rules
    and the holiday calendar on every request. Saving or deleting any of them through the ORM drops
    the snapshot in this process at once; other processes pick the change up within the TTL.
    """

    config: LeadSettings
    lines: dict[str, Any]
    line_labels: dict[Any, str]
    loaded_at: float
    line_codes: dict[Any, str] = field(default_factory=dict)
    units: dict[str, OrgUnit | None] = field(default_factory=dict)
    units_by_id: dict[Any, OrgUnit | None] = field(default_factory=dict)
    rules: list[RoutingRule] | None = None
    accept_due: dict[tuple, dt.date] = field(default_factory=dict)


_SHARED: list[SharedReference] = []


def _shared_reference() -> SharedReference:
    ttl = float(getattr(django_settings, "M2C_REFERENCE_TTL", 0))
    now = time.monotonic()
    if _SHARED and ttl > 0 and now - _SHARED[0].loaded_at < ttl:
        return _SHARED[0]
    lines: dict[str, Any] = {}
    labels: dict[Any, str] = {}
    codes: dict[Any, str] = {}
    for pk, code, name, name_en in OfferingLine.objects.filter(active=True).values_list("pk", "code", "name", "name_en"):
        for key in (code, name, name_en, str(pk)):
            if key:
                lines[key.strip().casefold()] = pk
        labels[pk] = name or code
        codes[pk] = code
    shared = SharedReference(config=load_settings(), lines=lines, line_labels=labels, loaded_at=now, line_codes=codes)
    _SHARED[:] = [shared]
    return shared


def forget_shared_reference(**_kwargs: Any) -> None:
    """Drop this process's snapshot (connected to the save and delete signals of its sources)."""
    _SHARED.clear()


class Reference:
    """Reference data read once per batch: offering lines, org units, campaigns, rules, settings."""

    def __init__(self, *, config: LeadSettings | None = None) -> None:
        shared = _shared_reference()
        self.config = config or shared.config
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.lines: dict[str, Any] = shared.lines
        self.line_labels: dict[Any, str] = shared.line_labels
        self.line_codes: dict[Any, str] = shared.line_codes
        self._units: dict[str, OrgUnit | None] = shared.units
        self._units_by_id: dict[Any, OrgUnit | None] = shared.units_by_id
        self.campaigns: dict[str, Campaign | None] = {}
        self._shared = shared
        self.weights = scoring.weights_of(self.config)
        self.priority_industries = list(self.config.priority_industries or scoring.DEFAULT_PRIORITY_INDUSTRIES)
        self.student_terms = [t.casefold() for t in (self.config.student_terms or DEFAULT_STUDENT_TERMS)]
        self.window_start = self.now - dt.timedelta(days=self.config.duplicate_window_days)
        self.currency = str(django_settings.REPORTING_CURRENCY).strip().upper()[:3]
        self._industries: dict[str, str] = {}
        self._scores: dict[tuple, tuple[int, str, Any]] = {}
        self._load: dict[Any, int] = {}
        self._teams: dict[Any, list[Any]] = {}

    def score(self, values: dict[str, Any], touches: int) -> tuple[int, str, Any]:
        """(score, temperature, breakdown as JSON) of a new lead; the same facts are scored once a batch."""
        key = (values.get("budget_status"), values.get("expected_purchase_date"),
               bool(values.get("decision_chain_known")) or values.get("contact_role") in DECISION_CHAIN_ROLES,
               bool(values.get("pain_confirmed")), values.get("industry") or "", touches)
        found = self._scores.get(key)
        if found is None:
            value, breakdown = scoring.score(facts_of(values, touches), weights=self.weights,
                                             priority_industries=self.priority_industries, today=self.today)
            temp = scoring.temperature(value, warm=self.config.warm_threshold, hot=self.config.hot_threshold)
            found = self._scores[key] = (value, temp, bulk.JsonValue(breakdown))
        return found

    def industry(self, raw: str) -> str:
        """An industry code from a code, a label in any language or a Chinese word in it (cached)."""
        if not raw:
            return ""
        found = self._industries.get(raw)
        if found is None:
            found = _choice(raw, "industry", Industry, [], "", INDUSTRY_WORDS) or next(
                (v for w, v in INDUSTRY_WORDS.items() if w in raw), str(Industry.OTHER))
            self._industries[raw] = found = str(found)
        return found

    def campaign(self, ref: Any) -> Campaign | None:
        key = str(ref).strip()
        if key not in self.campaigns:
            found = Campaign.objects.filter(code=key).first()
            if found is None and _is_uuid(key):
                found = Campaign.objects.filter(pk=key).first()
            self.campaigns[key] = found
        return self.campaigns[key]

    def unit(self, ref: Any) -> OrgUnit | None:
        """An active org unit by code, name or id; looked up once per batch."""
        if ref in (None, ""):
            return None
        if isinstance(ref, OrgUnit):
            return ref
        key = str(ref).strip().casefold()
        if key not in self._units:
            text = str(ref).strip()
            condition = Q(code=text) | Q(name=text) | Q(name_en__iexact=text)
            if _is_uuid(text):
                condition |= Q(pk=text)
            found = OrgUnit.objects.filter(condition, active=True).order_by("path").first()
            self._units[key] = found
            if found is not None:
                self._units_by_id[found.pk] = found
        return self._units[key]

    def unit_by_id(self, pk: Any) -> OrgUnit | None:
        if pk is None:
            return None
        if pk not in self._units_by_id:
            self._units_by_id[pk] = OrgUnit.objects.filter(pk=pk).first()
        return self._units_by_id[pk]

    @property
    def rules(self) -> list[RoutingRule]:
        """The active routing rules in order, read when the first lead of the batch is routed."""
        shared = self._shared
        if shared.rules is None:
            shared.rules = list(
                RoutingRule.objects.filter(active=True).select_related("region", "target_unit").order_by("priority", "name")
            )
        return shared.rules

    def accept_due(self) -> dt.datetime:
        from m2c.core.calendar import add_working_days

        # Whole working days from today: the date is shared, the time of day is this batch's.
        key = (self.today, self.config.accept_sla_days)
        day = self._shared.accept_due.get(key)
        if day is None:
            day = self._shared.accept_due[key] = add_working_days(self.today, self.config.accept_sla_days)
        return timezone.localtime(self.now).replace(year=day.year, month=day.month, day=day.day)

    def team(self, unit: OrgUnit) -> list[Any]:
        """The active ARs of a team (an org unit and the units below it), read once per batch."""
        if unit.pk not in self._teams:
            self._teams[unit.pk] = list(
                User.objects.filter(is_active=True, org_unit__path__startswith=unit.path, groups__name=Role.AR)
                .order_by("username").values_list("pk", flat=True).distinct()
            )
        return self._teams[unit.pk]

    # Open leads per person, for capacity limits; read once per team and counted on in memory.
    def open_load(self, user_ids: list[Any]) -> dict[Any, int]:
        missing = [u for u in user_ids if u not in self._load]
        if missing:
            counts = dict(
                Lead.objects.filter(owner_id__in=missing, status__in=WORKING)
                .values("owner_id").annotate(n=Count("id")).values_list("owner_id", "n")
            )
            for u in missing:
                self._load[u] = counts.get(u, 0)
        return {u: self._load[u] for u in user_ids}

    def add_load(self, user_id: Any) -> None:
        self._load[user_id] = self._load.get(user_id, 0) + 1


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


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


def _choice(value: Any, key: str, choices: Any, errors: list[dict[str, str]], default: str, words: dict | None = None) -> str:
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


def prepare(data: dict[str, Any], ref: Reference, *, channel: str = Channel.API, actor: Any = None) -> Prepared:
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
        keys.normalized, keys.core, keys.block = norm.company_keys(customer_name)
    raw_code = get("credit_code")
    if raw_code:
        try:
            keys.credit_code = norm.credit_code(str(raw_code).strip())
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    contact_email = ""
    raw_email = get("contact_email")
    if raw_email:
        raw_email = str(raw_email).strip()
        if raw_email:
            try:
                contact_email = norm.email(raw_email)
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
                contact_phone = norm.phone(raw, field=key)
            except ValidationFailed as exc:
                errors.append({"field": key, "reason": exc.detail})
    keys.email, keys.phone = contact_email, contact_phone
    keys.domain = norm.email_company_domain(contact_email)
    line_ids = _lines(get("offering_lines"), ref, errors)
    keys.line_ids = frozenset(line_ids)
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
    customer_id = get("customer_id") or None
    if customer_id and not _is_uuid(customer_id):
        errors.append({"field": "customer_id", "reason": _("Not a customer id.")})
        customer_id = None
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
    source_type = _choice(get("source_type"), "source_type", SourceType, errors, default_source)
    contact_role = _choice(get("contact_role"), "contact_role", DecisionRole, errors, _UNKNOWN_ROLE)
    consent = _bool(get("consent"), "consent", errors)
    journey_stage = _choice(get("journey_stage"), "journey_stage", JourneyStage, errors,
                            campaign.journey_stage if campaign else _AWARENESS)
    budget_status = _choice(get("budget_status"), "budget_status", BudgetStatus, errors, _UNKNOWN_BUDGET, BUDGET_WORDS)
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
                    touch_kind=touch_kind)


TOUCH_KINDS = frozenset(CampaignTouch.Kind.values)


def fingerprint(parts: list[Any]) -> str:
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode(), usedforsecurity=False)
    return digest.hexdigest()


# --- capture ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What capture did with one prepared lead."""

    lead_id: Any
    status: str
    kind: str  # created | merged | replayed
    match: dict[str, Any] = field(default_factory=dict)
    survivor_id: Any = None
    survivor_opportunity_id: Any = None
    owner_id: Any = None
    invalid_reasons: list[str] = field(default_factory=list)
    row: dict[str, Any] | None = None  # the lead's stored column values (attnames), when one was stored


@dataclass
class _Candidate:
    id: Any
    keys: Keys
    created_at: dt.datetime
    is_opportunity: bool = False
    status: str = ""


CANDIDATE_COLUMNS = ("id", "normalized_name", "core_name", "block_key", "credit_code", "contact_email",
                     "contact_phone", "email_domain", "customer_id", "created_at", "status")


class CandidatePool:
    """Open leads and opportunities that share a key with the batch, indexed by key."""

    def __init__(self) -> None:
        # One dictionary per key kind, in the order candidates are collected.
        self.code: dict[str, list[_Candidate]] = {}
        self.name: dict[str, list[_Candidate]] = {}
        self.core: dict[str, list[_Candidate]] = {}
        self.email: dict[str, list[_Candidate]] = {}
        self.phone: dict[str, list[_Candidate]] = {}
        self.domain: dict[str, list[_Candidate]] = {}
        self.block: dict[str, list[_Candidate]] = {}
        self.by_customer: dict[Any, list[_Candidate]] = defaultdict(list)

    def add(self, c: _Candidate) -> None:
        k = c.keys
        if k.credit_code:
            self.code.setdefault(k.credit_code, []).append(c)
        if k.normalized:
            self.name.setdefault(k.normalized, []).append(c)
        if k.core:
            self.core.setdefault(k.core, []).append(c)
        if k.email:
            self.email.setdefault(k.email, []).append(c)
        if k.phone:
            self.phone.setdefault(k.phone, []).append(c)
        if k.domain:
            self.domain.setdefault(k.domain, []).append(c)
        if k.block:
            self.block.setdefault(k.block, []).append(c)
        if k.customer_id:
            self.by_customer[k.customer_id].append(c)

    def around(self, k: Keys) -> list[_Candidate]:
        found: list[list[_Candidate]] = []
        for index, value in ((self.code, k.credit_code), (self.name, k.normalized), (self.core, k.core),
                             (self.email, k.email), (self.phone, k.phone), (self.domain, k.domain),
                             (self.block, k.block)):
            if value:
                hit = index.get(value)
                if hit:
                    found.append(hit)
        if k.customer_id:
            hit = self.by_customer.get(k.customer_id)
            if hit:
                found.append(hit)
        if not found:
            return []
        if len(found) == 1:
            return list({c.id: c for c in found[0]}.values()) if len(found[0]) > 1 else found[0]
        seen: dict[Any, _Candidate] = {}
        for hit in found:
            for c in hit:
                seen[c.id] = c
        return list(seen.values())


CANDIDATE_KEYS = (("credit_code", "credit_code"), ("normalized_name", "normalized"), ("core_name", "core"),
                  ("contact_email", "email"), ("contact_phone", "phone"), ("email_domain", "domain"), ("block_key", "block"))
def _any_of(column: str) -> str:
    """``column`` equal to one of the values in one parameter (see :func:`_values_param`).

    One parameter for a whole list keeps the statement text the same from batch to batch. With one
    placeholder per value every batch compiled a new statement of thousands of parameters, and the
    sqlite3 module keeps the last 128 compiled statements: a 1,000,000-row import held several hundred
    megabytes of them.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a column name from the model


def _values_param(values: list[Any]) -> Any:
    if connection.vendor == "postgresql":
        return list(values)
    return json.dumps([str(v) for v in values])


def candidate_sql(column: str, statuses: int) -> str:
    """Open leads in the window whose ``column`` is one of a list of values, found through that column's index.

    Without statistics SQLite's planner prefers the (status, created_at) index and then reads every
    open lead of the window, for every key column of every batch: the cost grew with the store (a
    200,000-lead store took 27 s of candidate queries per 20,000 imported rows). The unary ``+`` keeps
    status and created_at out of index selection, so the lookup stays on the key column's index.
    """
    plus = "+" if connection.vendor == "sqlite" else ""
    table = connection.ops.quote_name(Lead._meta.db_table)
    status_marks = ", ".join(["%s"] * statuses)
    return (f"SELECT {', '.join(CANDIDATE_COLUMNS)} FROM {table} WHERE {_any_of(column)} "  # noqa: S608 - names from the model
            f"AND {plus}status IN ({status_marks}) AND {plus}created_at >= %s")


def _load_candidates(items: list[Prepared], ref: Reference, pool: CandidatePool) -> None:
    """Open leads in the window sharing any key with the batch: one statement, an indexed lookup per key column."""
    customers = {p.customer.id for p in items if p.customer}
    statuses = sorted(OPEN)
    since = connection.ops.adapt_datetimefield_value(ref.window_start)
    to_db = bulk._converter(Lead._meta.pk)
    from_db = _uuid_reader()
    rows: dict[Any, tuple] = {}
    statement: list[str] = []
    params: list[Any] = []
    for column, attr in CANDIDATE_KEYS:
        values = sorted({getattr(p.keys, attr) for p in items} - {""})
        if values:
            statement.append(candidate_sql(column, len(statuses)))
            params += [_values_param(values), *statuses, since]
    if customers:
        statement.append(candidate_sql("customer_id", len(statuses)))
        params += [_values_param([to_db(c) for c in customers]), *statuses, since]
    if statement:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(statement), params)
            for r in cursor.fetchall():
                rows[r[0]] = r
    line_map: dict[Any, set] = defaultdict(set)
    if rows:
        through = connection.ops.quote_name(Lead.offering_lines.through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT lead_id, offeringline_id FROM {through} WHERE {_any_of('lead_id')}",  # noqa: S608
                           [_values_param(list(rows))])
            for lead_id, line_id in cursor.fetchall():
                line_map[from_db(lead_id)].add(from_db(line_id))
    for r in rows.values():
        lead_id = from_db(r[0])
        created = r[9]
        if isinstance(created, str):
            created = dt.datetime.fromisoformat(created)
        if timezone.is_naive(created):  # SQLite hands raw rows back as naive UTC
            created = created.replace(tzinfo=dt.UTC)
        customer_id = from_db(r[8]) if r[8] else None
        pool.add(_Candidate(lead_id, Keys(r[1], r[2], r[3], r[4], r[5], r[6], r[7], customer_id,
                                          frozenset(line_map.get(lead_id, ()))), created, status=r[10]))
    if customers:
        opps = list(
            Opportunity.objects.filter(customer_id__in=customers, stage__in=OPEN_OPPORTUNITY_STAGES,
                                       created_at__gte=ref.window_start).values_list("id", "customer_id", "created_at")
        )
        opp_lines: dict[Any, set] = defaultdict(set)
        if opps:
            through = Opportunity.offering_lines.through
            for opp_id, line_id in through.objects.filter(opportunity_id__in=[o[0] for o in opps]).values_list("opportunity_id", "offeringline_id"):
                opp_lines[opp_id].add(line_id)
        for opp_id, customer_id, created in opps:
            pool.by_customer[customer_id].append(
                _Candidate(opp_id, Keys(customer_id=customer_id, line_ids=frozenset(opp_lines.get(opp_id, ()))), created, True)
            )


def _uuid_reader() -> Any:
    if connection.features.has_native_uuid_field:
        return lambda v: v
    return lambda v: uuid.UUID(v) if isinstance(v, str) else v


def _best_match(p: Prepared, pool: CandidatePool, match_threshold: int,
                review_threshold: int) -> tuple[_Candidate | None, Match | None, _Candidate | None, Match | None]:
    """(auto-merge target, its match, possible duplicate for review, its match)."""
    best: tuple[_Candidate | None, Match | None] = (None, None)
    review: tuple[_Candidate | None, Match | None] = (None, None)
    for c in pool.around(p.keys):
        if c.is_opportunity:
            if p.customer and c.keys.customer_id == p.customer.id and lines_overlap(p.keys.line_ids, c.keys.line_ids):
                m = Match(100, ["customer", "open_opportunity"])
                if best[0] is None or not best[0].is_opportunity or c.created_at < best[0].created_at:
                    best = (c, m)
            continue
        m = compare(p.keys, c.keys)
        if m is None or not lines_overlap(p.keys.line_ids, c.keys.line_ids):
            continue
        if m.score >= match_threshold:
            current = best[1]
            if best[0] is None or (not best[0].is_opportunity and (
                m.score > current.score or (m.score == current.score and c.created_at < best[0].created_at)  # type: ignore[union-attr]
            )):
                best = (c, m)
        elif m.score >= review_threshold and (review[1] is None or m.score > review[1].score):
            review = (c, m)
    return best[0], best[1], review[0], review[1]


def _validity(p: Prepared, ref: Reference) -> list[str]:
    v = p.values
    reasons = []
    if not (p.customer or v["normalized_name"] or v["credit_code"]):
        reasons.append(InvalidReason.NO_CUSTOMER)
    if not p.line_ids:
        reasons.append(InvalidReason.NO_OFFERING_LINE)
    if not (v["contact_email"] or v["contact_phone"]):
        reasons.append(InvalidReason.NO_CONTACT)
    title = v["contact_title"].casefold()
    if title and any(term in title for term in ref.student_terms):
        reasons.append(InvalidReason.STUDENT_CONTACT)
    if p.customer and p.customer.compliance_status == ComplianceStatus.BLOCKED:
        reasons.append(InvalidReason.COMPLIANCE_BLOCKED)
    return reasons


def facts_of(values: dict[str, Any], touches: int, extra_chain: bool = False) -> scoring.Facts:
    return scoring.Facts(
        budget_status=values.get("budget_status") or "unknown",
        expected_purchase_date=values.get("expected_purchase_date"),
        decision_chain_known=bool(values.get("decision_chain_known")) or extra_chain or values.get("contact_role") in DECISION_CHAIN_ROLES,
        pain_confirmed=bool(values.get("pain_confirmed")),
        industry=values.get("industry") or "",
        touches=touches,
    )


DECISION_CHAIN_ROLES = frozenset({DecisionRole.DECISION_MAKER, DecisionRole.INFLUENCER, DecisionRole.PURCHASER,
                                  DecisionRole.TECHNICAL_EVALUATOR})


@dataclass
class RouteResult:
    owner_id: Any = None
    queue_id: Any = None
    rule_id: Any = None
    how: str = ""


def route(values: dict[str, Any], line_ids: Any, customer: CustomerRow | None, score: int, ref: Reference,
          exclude: set[Any]) -> RouteResult:
    """The first rule whose conditions hold and whose target yields someone not excluded."""
    rules = ref.rules
    region = ref.unit_by_id(values.get("region_id")) if rules else None
    for rule in rules:
        if rule.min_score and score < rule.min_score:
            continue
        if rule.region_id and not (region and region.path.startswith(rule.region.path)):
            continue
        if rule.customer_group_id and values.get("customer_group_id") != rule.customer_group_id:
            continue
        if rule.industry and values.get("industry") != rule.industry:
            continue
        if rule.offering_line_id and rule.offering_line_id not in line_ids:
            continue
        if rule.tier and (customer is None or customer.tier != rule.tier):
            continue
        found = _target(rule, customer, ref, exclude)
        if found:
            return found
    # The defaults of domain.md 3.4: a named account goes to its AR; anything else to its team's queue.
    if customer and customer.tier == "named" and customer.ar_owner_id and customer.ar_owner_id not in exclude:
        return RouteResult(owner_id=customer.ar_owner_id, how="named_ar")
    queue = values.get("customer_group_id") or values.get("region_id")
    if queue:
        return RouteResult(queue_id=queue, how="queue")
    return RouteResult()


def _target(rule: RoutingRule, customer: CustomerRow | None, ref: Reference, exclude: set[Any]) -> RouteResult | None:
    if rule.target == RoutingRule.Target.NAMED_AR:
        if customer and customer.ar_owner_id and customer.ar_owner_id not in exclude:
            return RouteResult(owner_id=customer.ar_owner_id, rule_id=rule.pk, how="named_ar")
        return None
    if rule.target == RoutingRule.Target.USER:
        if rule.target_user_id and rule.target_user_id not in exclude:
            return RouteResult(owner_id=rule.target_user_id, rule_id=rule.pk, how="user")
        return None
    if rule.target == RoutingRule.Target.QUEUE:
        return RouteResult(queue_id=rule.target_unit_id, rule_id=rule.pk, how="queue") if rule.target_unit_id else None
    if rule.target == RoutingRule.Target.ROUND_ROBIN and rule.target_unit_id:
        members = [m for m in ref.team(rule.target_unit) if m not in exclude]
        if not members:
            return None
        capacity = rule.capacity or ref.config.default_capacity
        load = ref.open_load(members)
        free = [m for m in members if load[m] < capacity]
        if not free:
            return None
        chosen = min(free, key=lambda m: load[m])
        return RouteResult(owner_id=chosen, queue_id=rule.target_unit_id, rule_id=rule.pk, how="round_robin")
    return None


def capture(
    items: list[Prepared],
    ref: Reference,
    *,
    actor: Any = None,
    import_job_id: Any = None,
    dry_run: bool = False,
    notify: bool = True,
) -> list[Outcome]:
    """Resolve, deduplicate, validate, score, route and store a batch. Call inside a transaction."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    outcomes: list[Outcome | None] = [None] * len(items)
    refs = [p.values.get("external_ref") for p in items]
    existing_refs = {}
    wanted = [r for r in refs if r]
    for start in range(0, len(wanted), 5000):
        existing_refs.update(dict(Lead.objects.filter(external_ref__in=wanted[start:start + 5000]).values_list("external_ref", "id")))
    todo: list[int] = []
    seen_refs: dict[str, int] = {}
    for i in range(len(items)):
        r = refs[i]
        if r and r in existing_refs:
            outcomes[i] = Outcome(existing_refs[r], "", "replayed")
        elif r and r in seen_refs:
            outcomes[i] = Outcome(None, "", "replayed")
        else:
            if r:
                seen_refs[r] = i
            todo.append(i)
    batch = [items[i] for i in todo]
    customers = getattr(ref, "customer_index", None) or CustomerIndex(preload=False, threshold=ref.config.match_threshold)
    customers.prefetch(batch)
    for p in batch:
        p.customer, p.customer_match = customers.resolve(p)
        if p.customer:
            p.keys.customer_id = p.customer.id
    pool = CandidatePool()
    _load_candidates(batch, ref, pool)

    lead_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    touch_rows: list[dict[str, Any]] = []
    merge_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    survivors: dict[Any, int] = defaultdict(int)
    assigned: dict[Any, list[Any]] = defaultdict(list)
    request_id = core_events.request_id_var.get()
    due = None
    ids = _uuid_batch(len(todo) * 3)
    import_ref = str(import_job_id) if import_job_id else None
    match_threshold, review_threshold = ref.config.match_threshold, ref.config.review_threshold
    now_of = timezone.now
    for i in todo:
        p = items[i]
        v = dict(p.values)
        lead_id = next(ids)
        now = now_of()
        customer = p.customer
        if customer:
            v["customer_id"] = customer.id
            v["region_id"] = v["region_id"] or customer.org_unit_id
            v["customer_group_id"] = v["customer_group_id"] or customer.customer_group_id
            v["industry"] = v["industry"] or customer.industry
        if not v["region_id"] and v["province"]:
            region = ref.unit(PROVINCE_REGION.get(v["province"].rstrip("省市")))
            v["region_id"] = region.pk if region else None
        if not v["customer_group_id"] and v["industry"] in INDUSTRY_GROUP:
            group = ref.unit(INDUSTRY_GROUP[v["industry"]])
            v["customer_group_id"] = group.pk if group else None
        target, match, review, review_match = _best_match(p, pool, match_threshold, review_threshold)
        path = [S.NEW]
        payload: dict[str, Any] = {"channel": v["channel"]}
        if import_ref:
            payload["import"] = import_ref
            if p.row_number:
                payload["row"] = p.row_number
        if p.customer_match:
            payload["customer_match"] = p.customer_match.as_dict()
        outcome = Outcome(lead_id, "", "created")
        if target is not None and match is not None:
            path.append(S.DUPLICATE)
            explanation = {**match.as_dict(), "target": str(target.id),
                           "target_type": "opportunity" if target.is_opportunity else "lead"}
            v["match"] = explanation
            if target.is_opportunity:
                v["merged_into_opportunity_id"] = target.id
                outcome.survivor_opportunity_id = target.id
            else:
                v["duplicate_of_id"] = target.id
                outcome.survivor_id = target.id
                if p.campaign:  # a new touch changes its score; nothing else of it changes here
                    survivors[target.id] += 1
            outcome.kind = "merged"
            outcome.match = explanation
            merge_rows.append({
                "id": next(ids), "merged_id": lead_id,
                "survivor_id": None if target.is_opportunity else target.id,
                "survivor_opportunity_id": target.id if target.is_opportunity else None,
                "match": explanation, "previous_status": S.NEW, "snapshot": {}, "automatic": True,
                "actor_id": actor_id, "created_at": now,
            })
            if p.campaign:
                touch_rows.append({
                    "id": next(ids), "campaign_id": p.campaign.pk, "customer_id": v.get("customer_id"),
                    "lead_id": None if target.is_opportunity else target.id,
                    "opportunity_id": target.id if target.is_opportunity else None,
                    "kind": p.touch_kind, "touched_at": now, "origin_lead_id": lead_id, "created_at": now,
                })
            event_rows.append(_event(events.LEAD_ABSORBED if not target.is_opportunity else events.LEAD_MERGED,
                                     "opportunities.opportunity" if target.is_opportunity else "leads.lead",
                                     target.id, actor_id, request_id, now,
                                     {"merged_lead": str(lead_id), "match": explanation,
                                      "campaign": p.campaign.code if p.campaign else None}))
        else:
            path.append(S.VALIDATING)
            if review is not None and review_match is not None:
                v["needs_review"] = True
                v["review_reason"] = "possible_duplicate"
                v["match"] = {**review_match.as_dict(), "target": str(review.id),
                              "target_type": "opportunity" if review.is_opportunity else "lead", "possible": True}
            reasons = _validity(p, ref)
            touches = 1 if p.campaign else 0
            if reasons:
                path.append(S.INVALID)
                v["invalid_reasons"] = reasons
                outcome.invalid_reasons = reasons
            else:
                path.append(S.QUALIFIED)
                value, temp, breakdown = ref.score(v, touches)
                v["score"], v["temperature"], v["score_breakdown"] = value, temp, breakdown
                if temp == "cold":
                    path.append(S.RECYCLED)
                else:
                    found = route(v, p.keys.line_ids, customer, value, ref, _NO_ONE)
                    if found.owner_id or found.queue_id:
                        path.append(S.ASSIGNED)
                        due = due or ref.accept_due()
                        v.update(owner_id=found.owner_id, queue_id=found.queue_id, routing_rule_id=found.rule_id,
                                 assigned_at=ref.now, accept_due_at=due)
                        payload["route"] = {"how": found.how, "owner": str(found.owner_id) if found.owner_id else None,
                                            "queue": str(found.queue_id) if found.queue_id else None,
                                            "rule": str(found.rule_id) if found.rule_id else None}
                        if found.owner_id:
                            ref.add_load(found.owner_id)
                            assigned[found.owner_id].append(lead_id)
                            outcome.owner_id = found.owner_id
                    else:
                        v["needs_review"] = True
                        v["review_reason"] = v.get("review_reason") or "unrouted"
            if p.campaign:
                touch_rows.append({
                    "id": next(ids), "campaign_id": p.campaign.pk, "customer_id": v.get("customer_id"),
                    "lead_id": lead_id, "kind": p.touch_kind, "touched_at": now, "created_at": now,
                })
            # Later leads of the same batch compare against this one.
            k = p.keys
            pool.add(_Candidate(lead_id, Keys(k.normalized, k.core, k.block, k.credit_code, k.email, k.phone, k.domain,
                                              k.customer_id, k.line_ids), now, status=path[-1]))
        check_path(path)
        status = path[-1]
        v["status"] = outcome.status = status
        payload["path"] = path
        if "match" in v:
            payload["match"] = v["match"]
        v["id"] = lead_id
        v["created_at"] = v["updated_at"] = now
        v["created_by_id"] = actor_id
        v["import_job_id"] = import_job_id
        lead_rows.append(v)
        outcome.row = v
        for line_id in p.line_ids:
            line_rows.append({"lead_id": lead_id, "offeringline_id": line_id})
        event_rows.append(_event(events.LEAD_CAPTURED, "leads.lead", lead_id, actor_id, request_id, now, payload,
                                 to_state=status))
        outcomes[i] = outcome
    if not dry_run:
        bulk.insert(Lead, lead_rows)
        bulk.insert(Lead.offering_lines.through, line_rows)
        bulk.insert(CampaignTouch, touch_rows)
        bulk.insert(LeadMerge, merge_rows)
        bulk.insert(Event, event_rows)
        if survivors:
            rescore_many(list(survivors), ref)
        if notify and assigned:
            _notify_assignees(assigned)
    return [o for o in outcomes if o is not None]


_NO_ONE: frozenset = frozenset()


def _uuid_batch(n: int) -> Any:
    """Time-ordered random UUIDs (version 7, RFC 9562) from one read of the OS random source.

    A million new rows then land at the end of every index keyed by id (the lead table's primary key,
    the event log's subject index) instead of all over it, which keeps bulk inserts fast as the store
    grows. The 74 random bits keep ids unguessable.
    """
    raw = os.urandom(10 * max(n, 1))
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    for k in range(0, len(raw), 10):
        rand = int.from_bytes(raw[k:k + 10], "big")
        value = (millis << 80) | (0x7 << 76) | ((rand >> 68) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
        yield uuid.UUID(int=value)
    while True:  # pragma: no cover - more ids than planned
        yield uuid.uuid4()


def _event(event_type: str, subject_type: str, subject_id: Any, actor_id: Any, request_id: str, when: dt.datetime,
           payload: dict[str, Any], *, from_state: str = "", to_state: str = "") -> dict[str, Any]:
    return {"event_type": event_type, "subject_type": subject_type, "subject_id": str(subject_id), "actor_id": actor_id,
            "from_state": from_state, "to_state": to_state, "reason": "", "payload": payload,
            "request_id": request_id, "occurred_at": when, "schema_version": 1}


def _notify_assignees(assigned: dict[Any, list[Any]]) -> None:
    from django.urls import reverse

    from m2c.core.notifications import message, notify

    users = {u.pk: u for u in User.objects.filter(pk__in=list(assigned))}
    for user_id, lead_ids in assigned.items():
        user = users.get(user_id)
        if user is None:
            continue
        if len(lead_ids) == 1:
            lead = Lead.objects.filter(pk=lead_ids[0]).only("id", "title", "accept_due_at").first()
            if lead is None:
                continue
            notify(user, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
                   body=message(gettext_noop("Accept or return it by %(due)s."), due=timezone.localtime(
                       lead.accept_due_at).strftime("%Y-%m-%d %H:%M") if lead.accept_due_at else "—"),
                   url=reverse("leads:detail", args=[lead.pk]), kind="leads.assigned", subject=lead)
        else:
            notify(user, title=message(gettext_noop("%(n)d new leads for you"), n=len(lead_ids)),
                   body=message(gettext_noop("Accept or return each of them within the accept deadline.")),
                   url=reverse("leads:mine"), kind="leads.assigned")


def rescore_many(lead_ids: list[Any], ref: Reference) -> None:
    """Recompute the score of leads whose facts changed (new touches after a merge)."""
    touch_counts = dict(
        CampaignTouch.objects.filter(lead_id__in=lead_ids).values("lead_id").annotate(n=Count("id")).values_list("lead_id", "n")
    )
    chain = set(
        Lead.contacts.rel.related_model.objects.filter(lead_id__in=lead_ids, decision_role__in=DECISION_CHAIN_ROLES)
        .values_list("lead_id", flat=True)
    )
    fields = ("id", "budget_status", "expected_purchase_date", "decision_chain_known", "pain_confirmed", "industry",
              "contact_role", "status", "score")
    updates = []
    for row in Lead.objects.filter(pk__in=lead_ids).values(*fields):
        if row["status"] not in OPEN or row["status"] in (S.NEW, S.VALIDATING):
            continue
        value, breakdown = scoring.score(facts_of(row, touch_counts.get(row["id"], 0), row["id"] in chain),
                                         weights=ref.weights, priority_industries=ref.priority_industries, today=ref.today)
        temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
        updates.append((value, temp, breakdown, row["id"]))
    if not updates:
        return
    json_field = Lead._meta.get_field("score_breakdown")
    id_convert = bulk._converter(Lead._meta.pk)
    table = connection.ops.quote_name(Lead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET score = %s, temperature = %s, score_breakdown = %s WHERE id = %s",  # noqa: S608
            [(v, t, json_field.get_db_prep_save(b, connection), id_convert(i)) for v, t, b, i in updates],
        )
