"""The requirement loop's links (domain.md 7.6, 11.12): the deals that ask for a requirement.

A requirement's business value is the amount of every deal linked to it (its own ``opportunity`` and the
rows here), converted to the reporting currency; a duplicate's deals roll up into the requirement it
duplicates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel

from .requirements import Requirement


class RequirementLink(TrackedModel):
    """One more opportunity that needs a requirement (several deals often ask for the same thing)."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="links",
                                    verbose_name=_("requirement"))
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.PROTECT,
                                    related_name="requirement_links", verbose_name=_("opportunity"))

    class Meta:
        verbose_name = _("requirement link")
        verbose_name_plural = _("requirement links")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["requirement", "opportunity"], name="requirement_link_unique")]

    def __str__(self) -> str:
        return f"{self.requirement_id} ← {self.opportunity_id}"
