"""The shared kernel's tables: reference data, users, the calendar, the event log and API tokens."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .money import Money


def money_field(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """A column for a money amount; the currency lives in a sibling CharField."""
    kwargs.setdefault("max_digits", settings.MONEY_MAX_DIGITS)
    kwargs.setdefault("decimal_places", settings.MONEY_DECIMAL_PLACES)
    return models.DecimalField(verbose_name, **kwargs)


# Half of a money column's last place. SQLite keeps a decimal column's values as binary floats, and
# compares sums of them as floats: 2920352.12 + 379645.78 is not 3299997.90 there, so an exact CHECK on a
# sum refused a correct invoice line. Money constraints that compare a sum allow this much either way,
# which changes nothing at the columns' own precision (PostgreSQL compares exact numerics).
MONEY_EPSILON = Decimal(1).scaleb(-settings.MONEY_DECIMAL_PLACES) / 2


def money_sum_equals(field: str, total: Any) -> Q:
    """``field = total`` for a CHECK constraint on money (``total`` an expression of other columns)."""
    return Q(**{f"{field}__gte": total - Value(MONEY_EPSILON), f"{field}__lte": total + Value(MONEY_EPSILON)})


def money_at_most(field: str, limit: Any) -> Q:
    """``field <= limit`` for a CHECK constraint on money (``limit`` an expression of other columns)."""
    return Q(**{f"{field}__lte": limit + Value(MONEY_EPSILON)})


def currency_field(verbose_name: Any = None, **kwargs: Any) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("default", settings.REPORTING_CURRENCY)
    return models.CharField(verbose_name or _("currency"), **kwargs)


class BudgetStatus(models.TextChoices):
    """Whether the customer has money for the purchase: shared by leads (BANT) and opportunities."""

    CONFIRMED = "confirmed", _("Confirmed")
    PLANNED = "planned", _("Planned")
    UNKNOWN = "unknown", _("Unknown")


class BilingualNameMixin(models.Model):
    """Master data carries a name (usually Chinese) and an optional English name."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (get_language() or "en").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class TrackedModel(models.Model):
    """Domain entities: UUID key, who created it and when, and an optimistic version counter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


# --- reference data -------------------------------------------------------------------------------


class Currency(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    minor_units = models.PositiveSmallIntegerField(_("minor units"), default=2)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class FxRate(models.Model):
    """One unit of ``currency`` is worth ``rate`` units of ``quote_currency`` from ``valid_on`` on."""

    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="rates", verbose_name=_("currency"))
    quote_currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("quote currency")
    )
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    valid_on = models.DateField(_("valid on"))
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "quote_currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "quote_currency", "valid_on"], name="fx_rate_unique_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=Decimal(0)), name="fx_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency_id} = {self.rate} {self.quote_currency_id} ({self.valid_on})"


class OrgUnit(BilingualNameMixin):
    """A node of the organisation tree. ``path`` holds the codes from the root, for subtree scoping."""

    class Type(models.TextChoices):
        HQ = "hq", _("Headquarters")
        REGION = "region", _("Region")
        REP_OFFICE = "rep_office", _("Representative office")
        CUSTOMER_GROUP = "customer_group", _("Customer group")
        STRATEGY_CENTER = "strategy_center", _("Market strategy center")
        CAMPAIGN_CENTER = "campaign_center", _("Marketing campaign center")
        ENABLEMENT_CENTER = "enablement_center", _("Sales enablement center")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
        verbose_name=_("manager"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)
        # Keep descendants' paths in step when a unit moves or is re-coded.
        for child in self.children.all():
            if not child.path.startswith(self.path):
                child.save()

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[OrgUnit]:
        codes = list(self.path.strip("/").split("/"))[:-1]
        by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def region(self) -> OrgUnit | None:
        if self.type == self.Type.REGION:
            return self
        return next((u for u in reversed(self.ancestors()) if u.type == self.Type.REGION), None)


class OfferingLine(BilingualNameMixin):
    """A product/solution line (产品大类): the unit for routing, quotas and partner certification."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    product_category = models.CharField(_("product category"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    # Words and synonyms in any language (园区网络, 无线, Wi-Fi …): a lead naming no offering line whose
    # need, description or title mentions one of them is given this line.
    keywords = models.TextField(
        _("keywords"), blank=True,
        help_text=_("Words and synonyms in any language, separated by commas or new lines. A lead without an "
                    "offering line whose title or description mentions one of them gets this line."),
    )

    class Meta:
        verbose_name = _("offering line")
        verbose_name_plural = _("offering lines")
        ordering = ["code"]


class Role(models.TextChoices):
    """Roles are Django groups with these names, seeded by a migration."""

    ADMINISTRATOR = "administrator", _("Administrator")
    MARKETING = "marketing", _("Marketing")
    AR = "ar", _("Account responsible (AR)")
    SR = "sr", _("Solution responsible (SR)")
    FR = "fr", _("Fulfilment responsible (FR)")
    FINANCE = "finance", _("Finance")
    DECISION_TEAM = "decision_team", _("Decision team member")
    EXECUTIVE = "executive", _("Executive")
    PARTNER = "partner", _("Partner user")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    ENABLEMENT_MANAGER = "enablement_manager", _("Enablement manager")  # group seeded by enablement 0003


GLOBAL_READ_ROLES = frozenset({Role.ADMINISTRATOR, Role.EXECUTIVE})


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("org unit")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # The partner a partner user works for (a plain id: core imports no other app; set by the partners
    # app's services). Scoping gives a partner user only the records of this partner.
    partner_id = models.UUIDField(_("partner"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        return self.roles_of(frozenset(self.groups.values_list("name", flat=True)), is_superuser=self.is_superuser)

    @staticmethod
    def roles_of(group_names: frozenset[str], *, is_superuser: bool) -> frozenset[str]:
        """The roles of a user in these groups (also used by the API token lookup, which reads them itself)."""
        return group_names | {Role.ADMINISTRATOR} if is_superuser else group_names

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or bool(self.roles & GLOBAL_READ_ROLES)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


# --- events ---------------------------------------------------------------------------------------


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("events are append-only")

    def for_subject(self, obj: models.Model) -> EventQuerySet:
        return self.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))


class Event(models.Model):
    """The append-only log: every state change and business command writes one row, never changed.

    It is each record's timeline and audit trail, and the source for time-in-stage analytics.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    event_type = models.CharField(_("event type"), max_length=100, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject id"), max_length=64)
    # No database constraint: deleting a user must never rewrite the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    schema_version = models.PositiveSmallIntegerField(default=1)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "occurred_at"], name="event_subject_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("events are append-only")


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash is stored; the clear token is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


__all__ = [
    "ApiToken",
    "BilingualNameMixin",
    "CalendarDay",
    "Currency",
    "Event",
    "FxRate",
    "Money",
    "OfferingLine",
    "OrgUnit",
    "Role",
    "TrackedModel",
    "User",
    "currency_field",
    "money_field",
]


from .models_periodic import PeriodicRun  # noqa: E402

__all__ += ["PeriodicRun"]

from .notifications import Notification  # noqa: E402

__all__ += ["Notification"]

from .models_imports import ImportJob, ImportJobBase, ImportRowError, ImportStatus  # noqa: E402

__all__ += ["ImportJob", "ImportJobBase", "ImportRowError", "ImportStatus"]
