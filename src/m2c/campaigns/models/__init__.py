"""Campaign tables by job: the campaign and its plan, the marketing budgets with their ledger and expenses."""

from .assets import AssetLanguage, AssetStatus, AssetType, AssetVersion, CampaignAsset, MarketingAsset  # noqa: F401
from .budgets import (  # noqa: F401
    BudgetEntry,
    BudgetEntryKind,
    CampaignExpense,
    ExpenseCategory,
    MarketingBudget,
)
from .campaign import Campaign, CampaignLevel, JourneyStage  # noqa: F401
from .evaluations import CHECKPOINT_DAYS, CampaignEvaluation, Checkpoint  # noqa: F401
from .responses import (  # noqa: F401
    CampaignEmail,
    CampaignResponse,
    Consent,
    ConsentPurpose,
    ConsentSource,
    ConsentSubject,
    CustomerJourney,
    Invitation,
    Registration,
    RegistrationStatus,
    ResponseSource,
    ResponseStatus,
    ResponseType,
)
