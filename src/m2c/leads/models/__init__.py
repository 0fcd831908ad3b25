"""Leads: one store for every channel (API, web form, import, manual entry, partners).

The models live in one module per aggregate; this package re-exports every name the single
``models.py`` had, so ``from m2c.leads.models import X`` keeps working.
"""

from decimal import Decimal

from m2c.core.models import BudgetStatus

from ..states import LeadStatus, Temperature
from .attribution import CampaignTouch
from .imports import LeadImport, LeadImportError
from .lead import (
    ActivityType,
    Channel,
    DisqualifyReason,
    InvalidReason,
    Lead,
    LeadActivity,
    LeadContact,
    SourceType,
)
from .merge import LeadMerge
from .per_user import IdempotencyRecord, SavedView
from .rules import LeadSettings, RoutingRule

ZERO = Decimal(0)

__all__ = [
    "ZERO",
    "ActivityType",
    "BudgetStatus",
    "CampaignTouch",
    "Channel",
    "DisqualifyReason",
    "IdempotencyRecord",
    "InvalidReason",
    "Lead",
    "LeadActivity",
    "LeadContact",
    "LeadImport",
    "LeadImportError",
    "LeadMerge",
    "LeadSettings",
    "LeadStatus",
    "RoutingRule",
    "SavedView",
    "SourceType",
    "Temperature",
]
