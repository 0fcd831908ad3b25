"""Opportunity stages (domain.md 11.3). The opportunities issue adds the full transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    O1_VALIDATE = "O1_VALIDATE", _("O1 Validate")
    O2_SHAPE = "O2_SHAPE", _("O2 Shape")
    O3_BID = "O3_BID", _("O3 Bid")
    O4_NEGOTIATE = "O4_NEGOTIATE", _("O4 Negotiate")
    WON = "WON", _("Won")
    LOST = "LOST", _("Lost")
    ABANDONED = "ABANDONED", _("Abandoned")
    ON_HOLD = "ON_HOLD", _("On hold")
