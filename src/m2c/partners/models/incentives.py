"""Incentive policies and accruals, paid on collected cash only (domain.md 8.3, 11.11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_field

from ..states_channel import AccrualStatus, IncentiveKind
from .partner import Partner
from .registration import DealRegistration


class IncentivePolicy(TrackedModel):
    """A rebate or reward for a period: ``rate_pct`` of the base (or ``fixed`` per registration for a deal
    registration reward), once the partner's base in the period reaches ``threshold``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("policy name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=IncentiveKind.choices)
    product_category = models.CharField(_("product category"), max_length=80, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    rate_pct = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4, default=0)
    fixed = money_field(_("fixed reward"), default=0)
    threshold = money_field(_("threshold"), default=0)
    currency = currency_field()
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("incentive policy")
        verbose_name_plural = _("incentive policies")
        ordering = ["-period_start", "code"]

    def __str__(self) -> str:
        return self.name


class IncentiveAccrual(TrackedModel):
    number = models.CharField(_("accrual number"), max_length=20, unique=True)
    policy = models.ForeignKey(IncentivePolicy, on_delete=models.PROTECT, related_name="accruals",
                               verbose_name=_("incentive policy"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="accruals",
                                verbose_name=_("partner"))
    registration = models.ForeignKey(DealRegistration, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("deal registration"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("contract"))
    # The base booked at accrual: the contract's value in the policy's scope (its product category's lines, or the
    # whole contract); ``contract_value`` is the contract's value then, so ``base / contract_value`` is the scope's
    # share. At eligibility the base is restated on the cash collected (``collected_base``) and ``amount`` follows.
    base = money_field(_("booked base"))
    contract_value = money_field(_("contract value at accrual"), null=True, blank=True)
    collected_base = money_field(_("collected base"), null=True, blank=True)
    amount = money_field(_("incentive amount"))
    currency = currency_field()
    status = models.CharField(_("status"), max_length=12, choices=AccrualStatus.choices,
                              default=AccrualStatus.ACCRUED, db_index=True)
    # Why it is not yet eligible, from the last evaluation: [{"code": ..., "text": ...}].
    blockers = models.JSONField(_("blockers"), default=list, blank=True)
    evaluated_at = models.DateTimeField(_("eligibility checked at"), null=True, blank=True)
    eligible_at = models.DateTimeField(_("eligible at"), null=True, blank=True)
    paid_on = models.DateField(_("incentive paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("incentive accrual")
        verbose_name_plural = _("incentive accruals")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["policy", "contract"], name="accrual_once_per_contract")]

    def __str__(self) -> str:
        return self.number

    @property
    def blocker_texts(self) -> list[str]:
        from ..reasons import reason_texts

        return reason_texts(self.blockers)


