"""The marketing asset library (domain.md 7.5, issue 11 item 6): materials per offering line × buyer-journey
stage × language, each upload an immutable version, with an owner, a review-due date and a status; the
campaigns that use an asset link to it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, TrackedModel

from .campaign import JourneyStage


class AssetType(models.TextChoices):
    BROCHURE = "brochure", _("Brochure")
    CASE_STUDY = "case_study", _("Case study")
    WHITE_PAPER = "white_paper", _("White paper")
    SLIDES = "slides", _("Slide deck")
    VIDEO = "video", _("Video")
    SOLUTION_GUIDE = "solution_guide", _("Solution guide")
    ONE_PAGER = "one_pager", _("One-page value proposition")
    BATTLE_CARD = "battle_card", _("Competitive battle card")
    BID_TEMPLATE = "bid_template", _("Bid template")


class AssetLanguage(models.TextChoices):
    ZH = "zh", pgettext_lazy("language", "Chinese")
    EN = "en", pgettext_lazy("language", "English")


class AssetStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("asset", "Draft")
    IN_REVIEW = "IN_REVIEW", pgettext_lazy("asset", "In review")
    PUBLISHED = "PUBLISHED", pgettext_lazy("asset", "Published")
    EXPIRED = "EXPIRED", pgettext_lazy("asset", "Expired")
    RETIRED = "RETIRED", pgettext_lazy("asset", "Retired")


class MarketingAsset(TrackedModel):
    """One piece of marketing material; its files are its ``versions``, the newest one current."""

    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    summary_en = models.TextField(_("summary in English"), max_length=2000, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Words in either language, separated by commas."))
    asset_type = models.CharField(_("type"), max_length=20, choices=AssetType.choices)
    language = models.CharField(_("language"), max_length=2, choices=AssetLanguage.choices)
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="marketing_assets",
                                      verbose_name=_("offering line"))
    journey_stage = models.CharField(_("buyer journey stage"), max_length=20, choices=JourneyStage.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marketing_assets",
                              verbose_name=_("owner"))
    review_due = models.DateField(_("review due"))
    status = models.CharField(_("status"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.DRAFT)
    current_version = models.PositiveIntegerField(_("current version"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Title, summary and tags of both languages, NFKC-folded: what the library's search reads (a full-width
    # "ＷＬＡＮ" finds "WLAN", "白皮书" finds the Chinese title), on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, blank=True, default="")
    campaigns = models.ManyToManyField("campaigns.Campaign", through="CampaignAsset", related_name="assets",
                                       blank=True, verbose_name=_("campaigns"))

    class Meta:
        verbose_name = _("marketing asset")
        verbose_name_plural = _("marketing assets")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "review_due"], name="asset_status_review_idx"),
            models.Index(fields=["offering_line", "journey_stage", "language"], name="asset_line_stage_lang_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AssetStatus.values), name="asset_status_valid"),
            models.CheckConstraint(condition=Q(language__in=AssetLanguage.values), name="asset_language_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str = "") -> str:
        """The title in the reader's language when it has one."""
        return self.title_en if language.startswith("en") and self.title_en else self.title


class AssetVersion(models.Model):
    """One uploaded file of an asset: numbered 1, 2, …, written once and never changed or replaced."""

    id = models.BigAutoField(primary_key=True)
    asset = models.ForeignKey(MarketingAsset, on_delete=models.CASCADE, related_name="versions",
                              verbose_name=_("asset"))
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="campaigns/assets/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("asset version")
        verbose_name_plural = _("asset versions")
        ordering = ["asset", "-number"]
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="asset_version_once")]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An asset version is never changed; upload a new version.")
        super().save(*args, **kwargs)


class CampaignAsset(models.Model):
    """A campaign uses an asset (domain.md 7.4, step 3: collateral from the asset library)."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="asset_links",
                                 verbose_name=_("campaign"))
    asset = models.ForeignKey(MarketingAsset, on_delete=models.PROTECT, related_name="campaign_links",
                              verbose_name=_("asset"))
    purpose = models.CharField(_("used for"), max_length=200, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("linked by"))
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign asset")
        verbose_name_plural = _("campaign assets")
        ordering = ["campaign", "linked_at"]
        constraints = [models.UniqueConstraint(fields=["campaign", "asset"], name="campaign_asset_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.asset}"
