"""Certification per product category (domain.md 8.1, 11.11) and the individual certificates behind it.

Individual certificates recorded here count together with the enablement app's certificates (exam passes)
held by the partner's current staff (``selectors.missing_experts``, through enablement's selector).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..states import CertificationStatus
from .partner import ExpertRole, Partner, PartnerStaff


class IndividualCertificate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(PartnerStaff, on_delete=models.CASCADE, related_name="certificates",
                              verbose_name=_("staff member"))
    product_category = models.CharField(_("product category"), max_length=80)
    role = models.CharField(_("expert role"), max_length=12, choices=ExpertRole.choices)
    number = models.CharField(pgettext_lazy("document", "number"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    # "manual" when recorded here; "enablement" when the enablement app's exam result issued it.
    source = models.CharField(_("source"), max_length=20, default="manual")
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("individual certificate")
        verbose_name_plural = _("individual certificates")
        ordering = ["valid_to"]

    def __str__(self) -> str:
        return f"{self.product_category} {self.role} {self.number}"


class PartnerCertification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="certifications",
                                verbose_name=_("partner"))
    product_category = models.CharField(_("product category"), max_length=80)
    level = models.CharField(_("level"), max_length=24, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CertificationStatus.choices,
                              default=CertificationStatus.APPLIED, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    # The day the sweep first found a required expert role unfilled (cleared when all are filled again).
    expert_missing_since = models.DateField(_("expert missing since"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("partner certification")
        verbose_name_plural = _("partner certifications")
        ordering = ["product_category"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "product_category"], condition=~Q(status="REVOKED"),
                                    name="partner_certification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.product_category}"
