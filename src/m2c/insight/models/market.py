"""Segments and how the market looks at them (domain.md 7.3): sizing per period, SPAN ratings, $APPEALS scores.

A segment is an industry × a region (org unit) × an offering line, optionally narrowed to a customer
tier (the customer size the customers app records). Its SPAN axes and quadrant are derived, never stored:
they follow the criteria's weights and the midpoint as an administrator changes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from m2c.core.models import (
    BilingualNameMixin,
    OfferingLine,
    OrgUnit,
    TrackedModel,
    currency_field,
    money_field,
)
from m2c.customers.models import Industry, Tier

from ..states import AppealsFactor, SegmentStatus, SpanAxis

PERCENT = {"max_digits": 7, "decimal_places": 2}


class Competitor(TrackedModel):
    """A named competitor in the market-insight registry: what segment shares and $APPEALS scores name.

    Deals record competitors by free text; ``selectors.competitor_names_seen`` offers those names when
    an analyst registers one here.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Segment(TrackedModel):
    """A market segment: industry × region × offering line (× customer tier), with its SPAN inputs.

    ``expected_revenue`` and ``gross_margin_pct`` feed the financial gate that a segment must pass before
    it is prioritised. ``appeals_feed_position`` lets the $APPEALS comparison stand in for the
    competitive-position ratings.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    region = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="segments", verbose_name=_("region"))
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, related_name="segments", verbose_name=_("offering line")
    )
    customer_tier = models.CharField(_("customer size (tier)"), max_length=10, choices=Tier.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_segments",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=12, choices=SegmentStatus.choices, default=SegmentStatus.CANDIDATE)
    expected_revenue = money_field(_("expected annual revenue"), default=Decimal(0))
    currency = currency_field()
    gross_margin_pct = models.DecimalField(_("expected gross margin %"), default=Decimal(0), **PERCENT)
    appeals_feed_position = models.BooleanField(_("$APPEALS sets the competitive position"), default=False)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SegmentStatus.values), name="segment_status_valid"),
            models.CheckConstraint(condition=Q(expected_revenue__gte=0), name="segment_revenue_not_negative"),
            models.UniqueConstraint(fields=["industry", "region", "offering_line", "customer_tier"],
                                    name="segment_dimensions_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SegmentSizing(models.Model):
    """The segment's market in one period: TAM, SAM, growth and our share (percentages of the SAM)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizings", verbose_name=_("segment"))
    period = models.CharField(_("period"), max_length=10, help_text=_("A year (2026) or a quarter (2026Q3)."))
    tam = money_field(_("total addressable market (TAM)"))
    sam = money_field(_("serviceable available market (SAM)"))
    currency = currency_field()
    growth_pct = models.DecimalField(_("growth %"), default=Decimal(0), **PERCENT)
    share_pct = models.DecimalField(_("our share %"), default=Decimal(0), **PERCENT)

    class Meta:
        verbose_name = _("segment sizing")
        verbose_name_plural = _("segment sizings")
        ordering = ["segment", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "period"], name="segment_sizing_period_unique"),
            models.CheckConstraint(condition=Q(sam__lte=models.F("tam")), name="segment_sizing_sam_within_tam"),
            models.CheckConstraint(condition=Q(share_pct__gte=0, share_pct__lte=100), name="segment_sizing_share_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} {self.period}"


class CompetitorShare(models.Model):
    """A named competitor's share of the segment's SAM in one sizing period."""

    sizing = models.ForeignKey(SegmentSizing, on_delete=models.CASCADE, related_name="competitor_shares",
                               verbose_name=_("segment sizing"))
    competitor = models.ForeignKey(Competitor, on_delete=models.PROTECT, related_name="shares",
                                   verbose_name=_("competitor"))
    share_pct = models.DecimalField(_("share %"), **PERCENT)

    class Meta:
        verbose_name = _("competitor share")
        verbose_name_plural = _("competitor shares")
        ordering = ["-share_pct"]
        constraints = [
            models.UniqueConstraint(fields=["sizing", "competitor"], name="competitor_share_unique"),
            models.CheckConstraint(condition=Q(share_pct__gte=0, share_pct__lte=100), name="competitor_share_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.competitor} {self.share_pct}%"


class SpanCriterion(BilingualNameMixin):
    """One SPAN criterion on one axis with its weight; an axis is the weighted mean of its criteria's ratings."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    axis = models.CharField(_("axis"), max_length=16, choices=SpanAxis.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SPAN criterion")
        verbose_name_plural = _("SPAN criteria")
        ordering = ["axis", "position", "code"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="span_criterion_weight_positive")]


class SpanSettings(models.Model):
    """The SPAN midpoint and the financial gate (one row). Defaults: 3.0; no revenue or margin minimum."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    midpoint = models.DecimalField(_("quadrant midpoint"), max_digits=3, decimal_places=2, default=Decimal("3.00"),
                                   validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))])
    gate_min_revenue = money_field(_("financial gate: minimum annual revenue"), default=Decimal(0))
    gate_currency = currency_field(_("financial gate currency"))
    gate_min_margin_pct = models.DecimalField(_("financial gate: minimum gross margin %"), default=Decimal(0),
                                              **PERCENT)

    class Meta:
        verbose_name = _("SPAN settings")
        verbose_name_plural = _("SPAN settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SpanRating(models.Model):
    """A segment's 1–5 rating on one criterion."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="span_ratings",
                                verbose_name=_("segment"))
    criterion = models.ForeignKey(SpanCriterion, on_delete=models.PROTECT, related_name="ratings",
                                  verbose_name=_("criterion"))
    score = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("SPAN rating")
        verbose_name_plural = _("SPAN ratings")
        constraints = [
            models.UniqueConstraint(fields=["segment", "criterion"], name="span_rating_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="span_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class AppealsScore(models.Model):
    """A 1–5 score on one $APPEALS factor in one segment, for us (no competitor) or for a named competitor."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="appeals_scores",
                                verbose_name=_("segment"))
    competitor = models.ForeignKey(Competitor, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="appeals_scores", verbose_name=_("competitor"))
    factor = models.CharField(_("factor"), max_length=20, choices=AppealsFactor.choices)
    score = models.DecimalField(_("score"), max_digits=3, decimal_places=1,
                                validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))])

    class Meta:
        verbose_name = _("$APPEALS score")
        verbose_name_plural = _("$APPEALS scores")
        constraints = [
            models.UniqueConstraint(fields=["segment", "competitor", "factor"], name="appeals_score_unique"),
            models.UniqueConstraint(fields=["segment", "factor"], condition=Q(competitor__isnull=True),
                                    name="appeals_score_ours_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="appeals_score_1_to_5"),
            models.CheckConstraint(condition=Q(factor__in=AppealsFactor.values), name="appeals_factor_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.score}"
