"""Joint innovation projects with customers (domain.md 7.6; issue 13 item 9): an objective on an offering line,
milestones, participants on both sides, and outputs — requirements raised (through the requirement loop, with
this project as their source), assets and reference cases produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, OrgUnit, TrackedModel
from m2c.customers.models import Customer

from ..states import InnovationOutputKind, InnovationStatus, ParticipantSide


class InnovationProject(TrackedModel):
    number = models.CharField(pgettext_lazy("document", "number"), max_length=20, unique=True)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="innovation_projects",
                                 verbose_name=_("customer"))
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="innovation_projects",
                                      verbose_name=_("offering line"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="innovation_projects", verbose_name=_("org unit"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="innovation_projects", verbose_name=_("owner"))
    objective = models.TextField(_("objective"))
    status = models.CharField(_("status"), max_length=10, choices=InnovationStatus.choices,
                              default=InnovationStatus.PLANNED)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint innovation project")
        verbose_name_plural = _("joint innovation projects")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InnovationStatus.values), name="innovation_status_valid"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")), name="innovation_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class InnovationMilestone(TrackedModel):
    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("joint innovation project"))
    name = models.CharField(pgettext_lazy("record", "name"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("innovation milestone")
        verbose_name_plural = _("innovation milestones")
        ordering = ["due_on", "created_at"]


class InnovationParticipant(TrackedModel):
    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="participants",
                                verbose_name=_("joint innovation project"))
    side = models.CharField(_("side"), max_length=10, choices=ParticipantSide.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120)
    role = models.CharField(_("role in the project"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("innovation participant")
        verbose_name_plural = _("innovation participants")
        ordering = ["side", "created_at"]


class InnovationOutput(TrackedModel):
    """An asset or a reference case the project produced (requirements raised are read from the loop)."""

    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="outputs",
                                verbose_name=_("joint innovation project"))
    kind = models.CharField(_("kind"), max_length=16, choices=InnovationOutputKind.choices)
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("innovation output")
        verbose_name_plural = _("innovation outputs")
        ordering = ["kind", "created_at"]
