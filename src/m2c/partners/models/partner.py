"""Partners, their tiers per product category, contacts, territories, agreements and staff (domain.md 8.1)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OrgUnit, TrackedModel

from ..states import PartnerStatus


class TierType(models.TextChoices):
    GENERAL_DISTRIBUTOR = "GENERAL_DISTRIBUTOR", _("General distributor")
    FIRST_LEVEL = "FIRST_LEVEL", _("First-level distributor")
    CLOUD_DISTRIBUTOR = "CLOUD_DISTRIBUTOR", _("Cloud distributor")
    GOLD = "GOLD", _("Gold partner")
    SILVER = "SILVER", _("Silver partner")
    CERTIFIED_RESELLER = "CERTIFIED_RESELLER", _("Certified reseller")


TIER_1 = frozenset({TierType.GENERAL_DISTRIBUTOR, TierType.FIRST_LEVEL, TierType.CLOUD_DISTRIBUTOR})
TIER_2 = frozenset({TierType.GOLD, TierType.SILVER, TierType.CERTIFIED_RESELLER})


class ExpertRole(models.TextChoices):
    SALES = "sales", _("Sales expert")
    PRESALES = "presales", _("Pre-sales expert")
    POSTSALES = "postsales", _("Post-sales expert")


class Partner(TrackedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PartnerStatus.choices,
                              default=PartnerStatus.PROSPECT, db_index=True)
    # The distributor that supplies a Tier-2 partner (domain.md 8.1).
    supplier = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="supplied",
                                 verbose_name=_("supplying distributor"))
    channel_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="managed_partners", verbose_name=_("channel manager"))
    blacklist_until = models.DateField(_("blacklisted until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.legal_name


class PartnerTier(models.Model):
    """The partner's tier in one product category (产品大类): one partner, many tiers."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("partner"))
    product_category = models.CharField(_("product category"), max_length=80)
    tier = models.CharField(pgettext_lazy("partner", "tier"), max_length=24, choices=TierType.choices)

    class Meta:
        verbose_name = _("partner tier")
        verbose_name_plural = _("partner tiers")
        constraints = [models.UniqueConstraint(fields=["partner", "product_category"], name="partner_tier_once")]

    def __str__(self) -> str:
        return f"{self.product_category}: {self.get_tier_display()}"

    @property
    def level(self) -> int:
        return 1 if self.tier in TIER_1 else 2


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner"))
    name = models.CharField(pgettext_lazy("record", "name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self) -> str:
        return self.name


class PartnerTerritory(models.Model):
    """Where the partner may sell: an org unit (region, rep office) or a province."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="territories",
                                verbose_name=_("partner"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("org unit"))
    province = models.CharField(_("province"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("partner territory")
        verbose_name_plural = _("partner territories")

    def __str__(self) -> str:
        return str(self.org_unit or self.province)


class PartnerAgreement(models.Model):
    """A signed agreement (channel agreement, authorisation letter) with its validity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements",
                                verbose_name=_("partner"))
    number = models.CharField(pgettext_lazy("document", "number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=60, default="channel")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner agreement")
        verbose_name_plural = _("partner agreements")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.number

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return self.revoked_at is None and self.valid_from <= today <= self.valid_to


class PartnerStaff(models.Model):
    """A person working for the partner; ``user`` when they sign in to the portal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="staff", verbose_name=_("partner"))
    name = models.CharField(pgettext_lazy("record", "name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="partner_staff", verbose_name=_("user"))
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner staff member")
        verbose_name_plural = _("partner staff")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
