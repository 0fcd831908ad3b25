"""Reference data a batch of captures reads once: settings, offering lines, org units, campaigns, rules.

``SharedReference`` is what the batches of one process share for ``M2C_REFERENCE_TTL`` seconds;
``Reference`` is one batch's view of it plus what the batch caches (industries, scores, teams, load).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.db.models import Count, Q
from django.utils import timezone

from m2c.campaigns import selectors as campaign_selectors
from m2c.core import bulk
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.customers import selectors as customer_selectors
from m2c.customers.models import Industry

from .. import scoring
from ..models import Lead, LeadSettings, RoutingRule
from ..states import WORKING
from .parsing import INDUSTRY_WORDS, choice, is_uuid

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors

_MISSING = object()


class NeedsDatabase(Exception):  # noqa: N818 - a signal, not an error
    """An offline reference (an import's worker process) was asked for what only the database knows."""
DEFAULT_STUDENT_TERMS = ["学生", "研究生", "本科生", "博士生", "student", "undergraduate", "intern", "实习生"]


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
    territories: dict[tuple[str, str], Any] | None = None
    accept_due: dict[tuple, dt.date] = field(default_factory=dict)
    keywords: KeywordScanner | None = None


class KeywordScanner:
    """The offering lines' keywords compiled into one regular expression, scanned once per lead.

    Longer words are tried first (无线覆盖 before 无线); a word of ASCII letters and digits matches only
    as a whole word (DC is not found in "DCIM"), Chinese words anywhere. Case is ignored.
    """

    def __init__(self, table: list[tuple[Any, str]]) -> None:
        self.words: dict[str, Any] = {}
        for pk, text in table:
            for word in split_keywords(text):
                self.words.setdefault(word.casefold(), pk)
        parts = []
        for word in sorted(self.words, key=lambda w: (-len(w), w)):
            pattern = re.escape(word)
            if word[:1].isascii() and word[:1].isalnum():
                pattern = r"(?<![0-9a-z])" + pattern
            if word[-1:].isascii() and word[-1:].isalnum():
                pattern += r"(?![0-9a-z])"
            parts.append(pattern)
        self.regex = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def scan(self, *texts: str) -> list[tuple[Any, str]]:
        """(line id, the word as written) of each line the texts mention, in the order first mentioned."""
        found: list[tuple[Any, str]] = []
        if self.regex is None:
            return found
        seen = set()
        for text in texts:
            if not text:
                continue
            for m in self.regex.finditer(text):
                pk = self.words.get(m.group(0).casefold())
                if pk is not None and pk not in seen:
                    seen.add(pk)
                    found.append((pk, m.group(0)))
        return found


def split_keywords(text: str) -> list[str]:
    """The keywords of an offering line's field: separated by commas (, ，), semicolons, 、 or new lines."""
    return [w.strip() for w in re.split(r"[,，;；、\n\r]+", text or "") if w.strip()]


_SHARED: list[SharedReference] = []


def _shared_reference() -> SharedReference:
    ttl = float(getattr(django_settings, "M2C_REFERENCE_TTL", 0))
    now = time.monotonic()
    if _SHARED and ttl > 0 and now - _SHARED[0].loaded_at < ttl:
        return _SHARED[0]
    lines: dict[str, Any] = {}
    labels: dict[Any, str] = {}
    codes: dict[Any, str] = {}
    table: list[tuple[Any, str]] = []
    for pk, code, name, name_en, keywords in OfferingLine.objects.filter(active=True).order_by("code").values_list(
            "pk", "code", "name", "name_en", "keywords"):
        for key in (code, name, name_en, str(pk)):
            if key:
                lines[key.strip().casefold()] = pk
        labels[pk] = name or code
        codes[pk] = code
        if keywords:
            table.append((pk, keywords))
    shared = SharedReference(config=load_settings(), lines=lines, line_labels=labels, loaded_at=now, line_codes=codes,
                             keywords=KeywordScanner(table))
    _SHARED[:] = [shared]
    return shared


def forget_shared_reference(**_kwargs: Any) -> None:
    """Drop this process's snapshot (connected to the save and delete signals of its sources)."""
    _SHARED.clear()


class Reference:
    """Reference data read once per batch: offering lines, org units, campaigns, rules, settings.

    ``offline`` (set in an import's worker process, which has no database): a lookup that is not
    cached raises :class:`NeedsDatabase` instead of querying, and the row is prepared by the caller.
    """

    offline = False

    def __init__(self, *, config: LeadSettings | None = None) -> None:
        shared = _shared_reference()
        self.config = config or shared.config
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.lines: dict[str, Any] = shared.lines
        self.line_labels: dict[Any, str] = shared.line_labels
        self.line_codes: dict[Any, str] = shared.line_codes
        self.keywords: KeywordScanner = shared.keywords or KeywordScanner([])
        self._units: dict[str, OrgUnit | None] = shared.units
        self._units_by_id: dict[Any, OrgUnit | None] = shared.units_by_id
        self.campaigns: dict[str, Campaign | None] = {}
        self._campaign_lines: dict[Any, list[Any]] = {}
        self._territories: dict[tuple[str, str], Any] = {}
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
               bool(values.get("decision_chain_known")) or values.get("contact_role") in scoring.DECISION_CHAIN_ROLES,
               bool(values.get("pain_confirmed")), values.get("industry") or "", touches)
        found = self._scores.get(key)
        if found is None:
            value, breakdown = scoring.score(scoring.facts_of(values, touches), weights=self.weights,
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
            found = choice(raw, "industry", Industry, [], "", INDUSTRY_WORDS) or next(
                (v for w, v in INDUSTRY_WORDS.items() if w in raw), str(Industry.OTHER))
            self._industries[raw] = found = str(found)
        return found

    def campaign(self, ref: Any) -> Campaign | None:
        key = str(ref).strip()
        if key not in self.campaigns:
            if self.offline:
                raise NeedsDatabase(key)
            self.campaigns[key] = campaign_selectors.campaign_by_ref(key)
        return self.campaigns[key]

    def campaign_lines(self, campaign: Campaign) -> list[Any]:
        """The offering lines a campaign promotes, read once per batch."""
        found = self._campaign_lines.get(campaign.pk)
        if found is None:
            if self.offline:
                raise NeedsDatabase(campaign.pk)
            found = self._campaign_lines[campaign.pk] = campaign_selectors.campaign_offering_line_ids(campaign=campaign)
        return list(found)

    def unit(self, ref: Any) -> OrgUnit | None:
        """An active org unit by code, name or id; looked up once per batch."""
        if ref in (None, ""):
            return None
        if isinstance(ref, OrgUnit):
            return ref
        key = str(ref).strip().casefold()
        if key not in self._units:
            if self.offline:
                raise NeedsDatabase(key)
            text = str(ref).strip()
            condition = Q(code=text) | Q(name=text) | Q(name_en__iexact=text)
            if is_uuid(text):
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
            if self.offline:
                raise NeedsDatabase(pk)
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

    def territory(self, kind: str, value: str) -> Any:
        """The org unit id a province (kind ``province``) or an industry (``industry``) is filed under."""
        found = self._territories.get((kind, value), _MISSING)
        if found is _MISSING:
            shared = self._shared
            if shared.territories is None:
                shared.territories = customer_selectors.territory_map()
            found = None
            if shared.territories and value:
                found = shared.territories.get((kind, customer_selectors.territory_key(kind, value)))
            self._territories[(kind, value)] = found
        return found

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


