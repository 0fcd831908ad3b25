"""Campaign tables by job: the campaign and its plan, the marketing budgets with their ledger and expenses."""

from .budgets import BudgetEntry, CampaignExpense, MarketingBudget  # noqa: F401
from .campaign import Campaign, CampaignLevel, JourneyStage  # noqa: F401
