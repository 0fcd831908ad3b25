"""Customers (legal entities) and their contacts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money


class Industry(models.TextChoices):
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government")
    FINANCE = "finance", pgettext_lazy("industry", "Finance")
    HEALTHCARE = "healthcare", _("Healthcare")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    ENERGY = "energy", _("Energy and utilities")
    TRANSPORT = "transport", _("Transport")
    TELECOM = "telecom", _("Carriers and telecom")
    RETAIL = "retail", _("Retail")
    INTERNET = "internet", _("Internet")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    NAMED = "named", _("Named account")
    STRATEGIC = "strategic", _("Strategic")
    GENERAL = "general", _("General")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"
    UNRATED = "unrated", _("Unrated")


class ComplianceStatus(models.TextChoices):
    OK = "ok", _("OK")
    BLOCKED = "blocked", _("Blocked")


class Customer(TrackedModel):
    """A customer legal entity. The credit code and the normalised name are each unique."""

    legal_name = models.CharField(_("legal name"), max_length=255)
    normalized_name = models.CharField(_("normalised name"), max_length=255, unique=True, editable=False)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    registration_no = models.CharField(_("registration number"), max_length=64, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region / office"),
        on_delete=models.PROTECT,
        related_name="customers",
        null=True,
        blank=True,
    )
    customer_group = models.ForeignKey(
        OrgUnit,
        verbose_name=_("customer group"),
        on_delete=models.PROTECT,
        related_name="group_customers",
        null=True,
        blank=True,
        limit_choices_to={"type": OrgUnit.Type.CUSTOMER_GROUP},
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.GENERAL)
    ar_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account responsible (AR)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=8, choices=CreditRating.choices, default=CreditRating.UNRATED
    )
    credit_limit = money_field(_("credit limit"), default=Decimal(0))
    credit_currency = currency_field(_("credit currency"))
    credit_hold = models.BooleanField(_("credit hold"), default=False)
    compliance_status = models.CharField(
        _("compliance status"), max_length=10, choices=ComplianceStatus.choices, default=ComplianceStatus.OK
    )
    compliance_note = models.CharField(_("compliance note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["normalized_name"]
        indexes = [
            models.Index(fields=["org_unit", "normalized_name"], name="customer_org_name_idx"),
            models.Index(fields=["ar_owner"], name="customer_ar_idx"),
            models.Index(fields=["tier", "industry"], name="customer_tier_industry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="customer_credit_limit_not_negative"),
            models.CheckConstraint(condition=Q(compliance_status__in=ComplianceStatus.values), name="customer_compliance_valid"),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def credit_limit_money(self) -> Money:
        return Money(self.credit_limit, self.credit_currency)

    @property
    def is_blocked(self) -> bool:
        return self.compliance_status == ComplianceStatus.BLOCKED


class CustomerNameGram(models.Model):
    """One two-character piece of a customer's normalised name: the search index for name fragments.

    Chinese searches are mostly two characters ("华信"); neither a B-tree nor PostgreSQL trigrams can
    answer "contains" for those without reading every name. Each customer has one row per distinct
    bigram, so a fragment's candidates come from an index lookup.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="name_grams")
    gram = models.CharField(max_length=2)

    class Meta:
        verbose_name = _("name index entry")
        verbose_name_plural = _("name index entries")
        constraints = [models.UniqueConstraint(fields=["gram", "customer"], name="customer_name_gram_unique")]

    def __str__(self) -> str:
        return self.gram


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    PURCHASER = "purchaser", _("Purchaser")
    TECHNICAL_EVALUATOR = "technical_evaluator", _("Technical evaluator")
    UNKNOWN = "unknown", _("Unknown")


class ContactLanguage(models.TextChoices):
    """The language a contact reads our emails in (the languages the system ships)."""

    ZH_HANS = "zh-hans", pgettext_lazy("language", "Chinese")
    EN = "en", pgettext_lazy("language", "English")


# Where a customer's contacts read Chinese when they set no language of their own (the customer's country).
CHINESE_COUNTRIES = frozenset({"CN", "HK", "MO", "TW"})


class Contact(TrackedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=120, blank=True)
    decision_role = models.CharField(
        _("decision role"), max_length=24, choices=DecisionRole.choices, default=DecisionRole.UNKNOWN
    )
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    consent_email = models.BooleanField(_("consents to email"), default=False)
    consent_phone = models.BooleanField(_("consents to calls"), default=False)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, choices=ContactLanguage.choices, blank=True,
                                help_text=_("Emails to the contact are written in it; empty: the customer's country "
                                            "decides (Chinese in Greater China, else English)."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def preferred_language(self) -> str:
        """The contact's own language, else the customer's (by its country): what emails to it are written in."""
        if self.language:
            return self.language
        country = (self.customer.country or "").upper()
        if not country:
            return ""
        return ContactLanguage.ZH_HANS if country in CHINESE_COUNTRIES else ContactLanguage.EN


class Territory(models.Model):
    """Where a customer, or a lead naming one, belongs by its province or by its industry.

    Routing data, not code: a province names the region (or office) that covers it, an industry the
    customer group that serves it. Leads fill in a region and a customer group from here when the
    input names none; administrators change the map without a release.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province → region")
        INDUSTRY = "industry", _("Industry → customer group")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("province or industry"), max_length=40,
                           help_text=_("A province without 省/市 (上海, 广东) or an industry code (education)."))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit"))

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="customer_territory_unique")]

    def __str__(self) -> str:
        return f"{self.key} → {self.org_unit}"
