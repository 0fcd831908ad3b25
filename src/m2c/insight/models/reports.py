"""Insight reports on the five looks, three decisions template (五看三定, domain.md 7.1–7.2; issue 13 item 4).

Five looks: trends, market and customers, competitors, ourselves, opportunities. Three decisions: control
points, goals, strategy. A report is typed (industry, customer, competitor, self, opportunity), linked to
segments and customers, carries attachments, and goes DRAFT → PUBLISHED.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OrgUnit, TrackedModel
from m2c.customers.models import Customer

from ..states import InsightReportStatus, InsightReportType
from .market import Segment

LOOKS = ("look_trends", "look_market", "look_competitors", "look_self", "look_opportunities")
DECISIONS = ("decide_control_points", "decide_goals", "decide_strategy")


class InsightReport(TrackedModel):
    number = models.CharField(pgettext_lazy("document", "number"), max_length=20, unique=True)
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    report_type = models.CharField(_("report type"), max_length=12, choices=InsightReportType.choices)
    status = models.CharField(_("status"), max_length=10, choices=InsightReportStatus.choices,
                              default=InsightReportStatus.DRAFT)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="insight_reports",
                                 verbose_name=_("org unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insight_reports",
                               verbose_name=_("author"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    segments = models.ManyToManyField(Segment, blank=True, related_name="insight_reports", verbose_name=_("segments"))
    customers = models.ManyToManyField(Customer, blank=True, related_name="insight_reports",
                                       verbose_name=_("customers"))
    summary = models.TextField(_("summary"), blank=True)
    look_trends = models.TextField(_("look at trends"), blank=True)
    look_market = models.TextField(_("look at the market and customers"), blank=True)
    look_competitors = models.TextField(_("look at competitors"), blank=True)
    look_self = models.TextField(_("look at ourselves"), blank=True)
    look_opportunities = models.TextField(_("look at opportunities"), blank=True)
    decide_control_points = models.TextField(_("decide the control points"), blank=True)
    decide_goals = models.TextField(_("decide the goals"), blank=True)
    decide_strategy = models.TextField(_("decide the strategy"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("insight report")
        verbose_name_plural = _("insight reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InsightReportStatus.values),
                                   name="insight_report_status_valid"),
            models.CheckConstraint(condition=Q(report_type__in=InsightReportType.values),
                                   name="insight_report_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class InsightAttachment(TrackedModel):
    report = models.ForeignKey(InsightReport, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("insight report"))
    file = models.FileField(_("file"), upload_to="insight/reports/%Y/%m/", max_length=255)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=120)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
