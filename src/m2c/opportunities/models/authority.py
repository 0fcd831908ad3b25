"""Decision bodies, the authority matrix and gate checklists: who decides what, on which evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, OrgUnit

from ..states import (
    DecisionLevel,
    GateType,
)
from .common import PERCENT


class DecisionBody(models.Model):
    """A sales decision team (SDT) at one level of the organisation, with named members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=DecisionLevel.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="decision_bodies", verbose_name=_("org unit"))
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DecisionBodyMember", related_name="decision_bodies", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("decision body")
        verbose_name_plural = _("decision bodies")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "org_unit"], condition=Q(active=True), name="decision_body_one_per_unit"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class DecisionBodyMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    body = models.ForeignKey(DecisionBody, on_delete=models.CASCADE, related_name="memberships", verbose_name=pgettext_lazy("decision body", "body"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    valid_from = models.DateField(pgettext_lazy("validity", "from"), default=timezone.localdate)
    valid_to = models.DateField(pgettext_lazy("validity", "to"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision body member")
        verbose_name_plural = _("decision body members")
        ordering = ["body", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], condition=Q(valid_to__isnull=True), name="decision_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.user}"


class AuthorityMatrix(models.Model):
    """One version of the authority rules. Published versions are never edited: publish a new one.

    Gate reviews and quote approvals record the version they were evaluated against.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    effective_from = models.DateTimeField(_("in force from"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("authority matrix")
        verbose_name_plural = _("authority matrices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"


class Dimension(models.TextChoices):
    VALUE = "value", _("Deal value (reporting currency)")
    MARGIN = "margin_pct", _("Estimated gross margin %")
    PAYMENT_TERMS = "payment_term_deviation", _("Payment-term deviation from policy")
    LEGAL_TERMS = "non_standard_terms", _("Non-standard legal terms")
    NEW_COUNTRY_OR_OFFERING = "new_country_or_offering", _("New country or new offering")
    DISCOUNT = "discount_pct", _("Discount off list price %")


class Operator(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", "≥"
    LT = "lt", "<"
    LTE = "lte", "≤"
    EQ = "eq", "="
    IS_TRUE = "is_true", _("is yes")


class PaymentTermDeviation(models.TextChoices):
    NONE = "none", _("None")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class AuthorityRule(models.Model):
    """One row of a matrix version: when ``dimension operator threshold`` holds, ``required_level`` decides.

    Every dimension is evaluated separately and the highest level required wins (domain.md 4.2). A
    blank ``gate_type`` applies at every gate; an ``offering_line`` limits the rule to deals of that line.
    """

    matrix = models.ForeignKey(AuthorityMatrix, on_delete=models.CASCADE, related_name="rules", verbose_name=_("matrix"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices)
    operator = models.CharField(_("operator"), max_length=8, choices=Operator.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=20, decimal_places=4, null=True, blank=True)
    threshold_text = models.CharField(_("threshold (text)"), max_length=20, blank=True)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("offering line")
    )
    required_level = models.CharField(_("required level"), max_length=12, choices=DecisionLevel.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("authority rule")
        verbose_name_plural = _("authority rules")
        ordering = ["matrix", "position"]

    def __str__(self) -> str:
        return self.label or f"{self.dimension} {self.operator} {self.threshold or self.threshold_text}"


class DiscountAuthority(models.Model):
    """The discount a role may grant on its own, per offering line (blank: every line), in a matrix version.

    A quote whose discount goes beyond its preparer's authority needs approval at the level the
    matrix's discount rules require (at least the representative office).
    """

    matrix = models.ForeignKey(
        AuthorityMatrix, on_delete=models.CASCADE, related_name="discount_authorities", verbose_name=_("matrix")
    )
    role = models.CharField(_("role"), max_length=20)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("offering line")
    )
    max_discount_pct = models.DecimalField(_("maximum discount %"), **PERCENT)

    class Meta:
        verbose_name = _("discount authority")
        verbose_name_plural = _("discount authorities")
        ordering = ["matrix", "role"]

    def __str__(self) -> str:
        return f"{self.role} ≤ {self.max_discount_pct}%"


class Checklist(models.Model):
    """A gate's questionnaire, versioned; the active version is the one new reviews use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("gate checklist")
        verbose_name_plural = _("gate checklists")
        ordering = ["gate_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["gate_type", "version"], name="checklist_version_unique"),
            models.UniqueConstraint(fields=["gate_type"], condition=Q(active=True), name="checklist_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.gate_type} v{self.version}"


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", pgettext_lazy("numeric value", "Number")
    TEXT = "text", _("Text")
    FILE = "file", _("File")


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("checklist"))
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=80, blank=True)
    section_en = models.CharField(_("English section"), max_length=80, blank=True)
    question = models.CharField(_("question"), max_length=300)
    question_en = models.CharField(_("English question"), max_length=300, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices, default=AnswerType.YES_NO)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    must_be_yes = models.BooleanField(_("a “no” blocks submission"), default=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_unique")]

    def __str__(self) -> str:
        return self.question
