"""Choices and column settings shared by the opportunities tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PERCENT = {"max_digits": 7, "decimal_places": 4}


class Level3(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
