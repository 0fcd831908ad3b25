"""Marketing budgets (domain.md 7.4): a ledger per level, org unit and fiscal year.

A budget holds ``amount`` (granted to it, by a parent's allocation or set at the top), ``allocated``
(passed down to child budgets), ``committed`` (what approved campaigns draw) and ``spent`` (their
recorded expenses). Available = amount − allocated − committed, and the database refuses a row where
it would go negative, so no race can over-commit a budget. Every movement is a ``BudgetEntry``, never
changed after it is written, with its event.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OrgUnit, TrackedModel, currency_field, money_at_most, money_field
from m2c.core.money import Money

from .campaign import CampaignLevel


class BudgetEntryKind(models.TextChoices):
    GRANT = "grant", _("Granted")
    ALLOCATE_OUT = "allocate_out", _("Allocated to a child budget")
    ALLOCATE_IN = "allocate_in", _("Allocated from the parent budget")
    COMMIT = "commit", _("Committed to a campaign")
    RELEASE = "release", _("Released from a campaign")
    SPEND = "spend", _("Spent")


class ExpenseCategory(models.TextChoices):
    VENUE = "venue", _("Venue")
    CATERING = "catering", _("Catering")
    PRINTING = "printing", _("Printing and materials")
    MEDIA = "media", _("Media and advertising")
    TRAVEL = "travel", _("Travel")
    SPEAKERS = "speakers", _("Speakers and agencies")
    GIFTS = "gifts", _("Gifts")
    OTHER = "other", _("Other")


class MarketingBudget(TrackedModel):
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=CampaignLevel.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="marketing_budgets",
                                 verbose_name=_("org unit"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent budget"))
    currency = currency_field()
    amount = money_field(_("amount"), default=Decimal(0))
    allocated = money_field(_("allocated to children"), default=Decimal(0))
    committed = money_field(_("committed"), default=Decimal(0))
    spent = money_field(_("spent"), default=Decimal(0))
    tolerance_percent = models.DecimalField(_("spend tolerance (%)"), max_digits=5, decimal_places=2,
                                            default=Decimal(10))

    class Meta:
        verbose_name = _("marketing budget")
        verbose_name_plural = _("marketing budgets")
        ordering = ["-fiscal_year", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "org_unit", "fiscal_year"], name="budget_one_per_unit_year"),
            models.CheckConstraint(condition=money_at_most("allocated", F("amount") - F("committed")),
                                   name="budget_never_overcommitted"),
            models.CheckConstraint(condition=Q(allocated__gte=0, committed__gte=0, spent__gte=0),
                                   name="budget_parts_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> Decimal:
        return self.amount - self.allocated - self.committed

    @property
    def available_money(self) -> Money:
        return Money(self.available, self.currency)

    @property
    def utilisation(self) -> Decimal | None:
        """Spent ÷ committed (domain.md 9, budget utilisation), None before anything is committed."""
        return (self.spent / self.committed * 100).quantize(Decimal("0.1")) if self.committed else None


class BudgetEntry(models.Model):
    """One movement of a budget's ledger. Written once; a correction is another entry."""

    Kind = BudgetEntryKind

    id = models.BigAutoField(primary_key=True)
    budget = models.ForeignKey(MarketingBudget, on_delete=models.PROTECT, related_name="entries",
                               verbose_name=_("budget"))
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetEntryKind.choices)
    amount = money_field(_("amount"))
    available_after = money_field(_("available after"))
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="budget_entries", verbose_name=_("campaign"))
    counterpart = models.ForeignKey(MarketingBudget, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("other budget"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    occurred_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        ordering = ["budget", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Budget entries are never changed; write another entry.")
        super().save(*args, **kwargs)


class CampaignExpense(TrackedModel):
    """Money spent on a campaign, with its supplier and evidence; counted against the commitment."""

    Category = ExpenseCategory

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="expenses",
                                 verbose_name=_("campaign"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    supplier = models.CharField(_("supplier"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    spent_on = models.DateField(_("date"))
    amount = money_field(_("amount"))
    currency = currency_field()
    fx_rate = models.DecimalField(_("rate to the budget currency"), max_digits=18, decimal_places=8,
                                  default=Decimal(1))
    budget_amount = money_field(_("amount in the budget currency"))
    evidence = models.FileField(_("evidence"), upload_to="campaigns/expenses/%Y/%m/", blank=True, max_length=255)
    evidence_name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("campaign expense")
        verbose_name_plural = _("campaign expenses")
        ordering = ["campaign", "spent_on", "created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self) -> str:
        return f"{self.supplier} {self.amount} {self.currency}"
