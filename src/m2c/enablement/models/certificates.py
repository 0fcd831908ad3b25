"""Certificates for staff and partner staff, and the enablement settings record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, OrgUnit, TrackedModel

from ..states import CertificateStatus, Level, SrRule, Track
from .exams import Attempt, Exam


class Certificate(TrackedModel):
    """A certificate held by a user, or by an external person of a partner (``holder_name`` + ``partner_id``).

    ``partner_id`` is a plain UUID (the partners app is built separately), as leads keep it.
    """

    number = models.CharField(pgettext_lazy("document", "number"), max_length=24, unique=True)
    holder_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="certificates", verbose_name=_("holder"))
    holder_name = models.CharField(_("holder name"), max_length=120, blank=True)
    holder_email = models.EmailField(_("holder email"), blank=True)
    partner_id = models.UUIDField(_("partner"), null=True, blank=True, db_index=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="certificates", verbose_name=_("org unit"))
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="certificates",
                                      verbose_name=_("offering line"))
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("status"), max_length=10, choices=CertificateStatus.choices,
                              default=CertificateStatus.VALID)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates",
                             verbose_name=_("exam"))
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="certificate", verbose_name=_("exam attempt"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_from", "number"]
        indexes = [
            models.Index(fields=["holder_user", "offering_line", "status"], name="cert_holder_line_idx"),
            models.Index(fields=["status", "valid_to"], name="cert_status_valid_to_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(holder_user__isnull=False) | ~Q(holder_name=""),
                                   name="certificate_has_holder"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="certificate_dates_order"),
            models.CheckConstraint(condition=Q(status__in=CertificateStatus.values), name="certificate_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_label}"

    @property
    def holder_label(self) -> str:
        return str(self.holder_user) if self.holder_user_id else self.holder_name


class EnablementConfig(models.Model):
    """The one settings record (pk 1): the SR-certification rule and the expiry notice."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sr_rule = models.CharField(_("SR certification rule"), max_length=5, choices=SrRule.choices, default=SrRule.WARN,
                               help_text=_("An SR assigned to a deal without a valid certificate for its offering line: "
                                           "not checked, a warning, or refused."))
    expiry_notice_days = models.PositiveSmallIntegerField(_("expiry notice (days)"), default=90,
                                                          help_text=_("A certificate is EXPIRING this many days "
                                                                      "before its last valid day; its holder is told."))

    class Meta:
        verbose_name = _("enablement settings")
        verbose_name_plural = _("enablement settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="enablement_config_single_row")]

    def __str__(self) -> str:
        return str(_("Enablement settings"))
