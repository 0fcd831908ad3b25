"""The gate review aggregate: reviews, their answers and the conditions a decision sets."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import TrackedModel, currency_field, money_field
from m2c.core.money import Money

from ..states import (
    ConditionBlocks,
    ConditionStatus,
    Decision,
    DecisionLevel,
    GateType,
    ReviewStatus,
)
from .authority import (
    AnswerType,
    AuthorityMatrix,
    Checklist,
    ChecklistItem,
    DecisionBody,
    PaymentTermDeviation,
)
from .common import PERCENT
from .opportunity import Opportunity


class DecidedReviewIsImmutable(Exception):
    """Raised by :meth:`GateReview.save` for any change to a review that has been decided."""


class GateReview(TrackedModel):
    """A gate (ATI, ATB, ATC; ATAC and ATCC for contracts) put to a decision body.

    The facts (value, margin, payment terms, legal terms, novelty, discount) are recorded when it is
    submitted and the required level is computed from the authority matrix in force, whose version is
    kept. Once DECIDED nothing on the row changes again, enforced here and by a database trigger.
    """

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews",
        verbose_name=_("opportunity"),
    )
    # The contracts app reviews ATAC and ATCC against a contract; a plain id keeps this app independent.
    contract_id = models.UUIDField(_("contract"), null=True, blank=True, db_index=True)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices)
    sequence = models.PositiveIntegerField(pgettext_lazy("document", "number"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("checklist")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    summary = models.TextField(_("presentation summary"), blank=True)
    quote = models.ForeignKey(
        "Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews", verbose_name=_("quote")
    )
    bid = models.ForeignKey(
        "Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews", verbose_name=_("bid")
    )

    # Facts the authority matrix reads.
    value_amount = money_field(_("value"), default=Decimal(0))
    value_currency = currency_field(_("value currency"))
    value_reporting = money_field(_("value in reporting currency"), default=Decimal(0))
    margin_pct = models.DecimalField(_("estimated gross margin %"), null=True, blank=True, **PERCENT)
    discount_pct = models.DecimalField(_("discount %"), null=True, blank=True, **PERCENT)
    payment_term_deviation = models.CharField(
        _("payment-term deviation"), max_length=10, choices=PaymentTermDeviation.choices, default=PaymentTermDeviation.NONE
    )
    non_standard_terms = models.BooleanField(_("non-standard legal terms"), default=False)
    new_country_or_offering = models.BooleanField(_("new country or new offering"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    required_level = models.CharField(_("required level"), max_length=12, choices=DecisionLevel.choices, blank=True)
    level_reasons = models.JSONField(_("why this level"), default=list, blank=True)
    authority_matrix = models.ForeignKey(
        AuthorityMatrix, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews",
        verbose_name=_("authority matrix"),
    )
    authority_rule_version = models.PositiveIntegerField(_("authority rule version"), null=True, blank=True)
    decision_body = models.ForeignKey(
        DecisionBody, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("decision body")
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    co_deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("other deciders present")
    )
    rationale = models.TextField(_("rationale"), blank=True)
    rehearing_date = models.DateField(_("re-review date"), null=True, blank=True)
    floor_price = money_field(_("floor price"), null=True, blank=True)
    probability_override = models.DecimalField(_("approved win probability %"), null=True, blank=True, **PERCENT)

    class Meta:
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["opportunity", "gate_type", "status", "decided_at"], name="gate_latest_idx"),
            models.Index(fields=["status", "decision_body"], name="gate_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="gate_status_valid"),
            models.CheckConstraint(
                condition=Q(status="DECIDED", decided_at__isnull=False) | ~Q(status="DECIDED"), name="gate_decided_has_time"
            ),
            models.CheckConstraint(
                condition=Q(opportunity__isnull=False) | Q(contract_id__isnull=False), name="gate_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate_type} #{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._decided_refused = False
        super().save(*args, **kwargs)
        if self._decided_refused:
            # Raised out here, past Django's save machinery, so the caller's transaction stays usable.
            raise DecidedReviewIsImmutable(f"gate review {self.pk} is decided and cannot change")

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, update_fields: Any,
                   forced_update: Any) -> bool:
        # The UPDATE itself skips a decided row (one statement instead of a read before every write);
        # only when nothing matched is it worth asking why. Nothing is written either way.
        updated = super()._do_update(base_qs.exclude(status=ReviewStatus.DECIDED), using, pk_val, values,
                                     update_fields, forced_update)
        if not updated and base_qs.filter(pk=pk_val, status=ReviewStatus.DECIDED).exists():
            self._decided_refused = True
            return True  # no INSERT attempt: save() raises DecidedReviewIsImmutable
        return updated

    @property
    def is_decided(self) -> bool:
        return self.status == ReviewStatus.DECIDED

    @property
    def passed(self) -> bool:
        return self.is_decided and self.decision in (Decision.GO, Decision.GO_WITH_CONDITIONS)

    @property
    def value_money(self) -> Money:
        return Money(self.value_amount, self.value_currency)

    @property
    def floor_money(self) -> Money | None:
        if self.floor_price is None:
            return None
        currency = self.quote.currency if self.quote_id else self.value_currency
        return Money(self.floor_price, currency)


class GateAnswer(models.Model):
    """The answer to one checklist item. The question is copied so the record reads the same forever."""

    review = models.ForeignKey(GateReview, on_delete=models.CASCADE, related_name="answers", verbose_name=_("review"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(_("question"), max_length=300)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    value_number = models.DecimalField(pgettext_lazy("numeric value", "number"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="gate-answers/%Y/%m/", blank=True, max_length=255)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("gate answer")
        verbose_name_plural = _("gate answers")
        ordering = ["review", "item__position", "code"]
        constraints = [models.UniqueConstraint(fields=["review", "code"], name="gate_answer_once")]

    def __str__(self) -> str:
        return f"{self.code}: {self.display_value}"

    @property
    def is_answered(self) -> bool:
        if self.answer_type == AnswerType.YES_NO:
            return self.value_bool is not None
        if self.answer_type == AnswerType.NUMBER:
            return self.value_number is not None
        if self.answer_type == AnswerType.FILE:
            return bool(self.file)
        return bool(self.value_text.strip())

    @property
    def display_value(self) -> str:
        if self.answer_type == AnswerType.YES_NO:
            return {True: str(_("Yes")), False: str(_("No"))}.get(self.value_bool, "—")  # type: ignore[arg-type]
        if self.answer_type == AnswerType.NUMBER:
            return "—" if self.value_number is None else f"{self.value_number.normalize():f}"
        if self.answer_type == AnswerType.FILE:
            return self.file.name.rsplit("/", 1)[-1] if self.file else "—"
        return self.value_text or "—"


class GateCondition(models.Model):
    """A condition attached to a GO-WITH-CONDITIONS decision: owner, due date, tracked to closure.

    While open it blocks the next gate (or signing, or only when overdue, per ``blocks``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(GateReview, on_delete=models.PROTECT, related_name="conditions", verbose_name=_("review"))
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="conditions",
        verbose_name=_("opportunity"),
    )
    text = models.CharField(_("condition"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    blocks = models.CharField(_("blocks"), max_length=10, choices=ConditionBlocks.choices, default=ConditionBlocks.NEXT_GATE)
    status = models.CharField(_("status"), max_length=8, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gate condition")
        verbose_name_plural = _("gate conditions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="gate_condition_due_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == ConditionStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()
