"""Event types of the campaigns app (``campaigns.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import Changes, EventPayload, register


class CampaignCreated(EventPayload):
    code: str
    name: str


class Commitment(EventPayload):
    """Approval or re-approval: the budget drawn on and the amount it now commits."""

    budget: str
    amount: str
    currency: str
    committed: str


class Released(EventPayload):
    budget: str | None = None
    released: str = "0"
    currency: str = ""


class BudgetMoved(EventPayload):
    """One ledger entry of a budget."""

    entry: int
    kind: str
    amount: str
    currency: str
    available_after: str
    campaign: str | None = None
    counterpart: str | None = None


class BudgetCreated(EventPayload):
    name: str
    level: str
    org_unit: str
    fiscal_year: int
    currency: str
    amount: str


class EvaluationDue(EventPayload):
    evaluation: int
    checkpoint: str
    due_on: str


class EvaluationRecorded(EventPayload):
    evaluation: int
    checkpoint: str
    cash_roi: str | None = None
    valid_leads: str


class ExpenseRecorded(EventPayload):
    expense: str
    category: str
    supplier: str
    amount: str
    currency: str
    budget_amount: str
    actual_spend: str

CAMPAIGN_SUBMITTED = register("campaigns.campaign.submitted", _("Campaign submitted for approval"))
CAMPAIGN_APPROVED = register("campaigns.campaign.approved", _("Campaign approved"), Commitment)
CAMPAIGN_REJECTED = register("campaigns.campaign.rejected", _("Campaign sent back to draft"))
CAMPAIGN_PREPARING = register("campaigns.campaign.preparing", _("Campaign preparation started"))
CAMPAIGN_STARTED = register("campaigns.campaign.started", _("Campaign execution started"))
CAMPAIGN_EXECUTED = register("campaigns.campaign.executed", _("Campaign executed"))
CAMPAIGN_EVALUATED = register("campaigns.campaign.evaluated", _("Campaign evaluated"))
CAMPAIGN_CLOSED = register("campaigns.campaign.closed", _("Campaign closed"), Released)
CAMPAIGN_CANCELLED = register("campaigns.campaign.cancelled", _("Campaign cancelled"), Released)
CAMPAIGN_REAPPROVED = register("campaigns.campaign.budget_reapproved", _("Campaign budget re-approved"), Commitment)
EVALUATION_DUE = register("campaigns.evaluation.due", _("Campaign evaluation due"), EvaluationDue)
EVALUATION_RECORDED = register("campaigns.evaluation.recorded", _("Campaign evaluation recorded"), EvaluationRecorded)
EXPENSE_RECORDED = register("campaigns.expense.recorded", _("Campaign expense recorded"), ExpenseRecorded)

# Marketing budgets (domain.md 7.4): created, and every ledger movement.
BUDGET_CREATED = register("campaigns.budget.created", _("Marketing budget created"), BudgetCreated)
BUDGET_MOVED = register("campaigns.budget.moved", _("Marketing budget entry"), BudgetMoved)

# Planning edits from the campaign pages (the issue 9 settings pages): who set up or changed what.
CAMPAIGN_CREATED = register("campaigns.campaign.created", _("Campaign created"), CampaignCreated)
CAMPAIGN_UPDATED = register("campaigns.campaign.updated", _("Campaign updated"), Changes)


# The marketing asset library (issue 11 item 6).
class AssetCreated(EventPayload):
    title: str
    asset_type: str
    language: str


class AssetVersionUploaded(EventPayload):
    version: int
    file_name: str
    size: int
    sha256: str


class AssetLinked(EventPayload):
    asset: str
    title: str
    campaign: str


ASSET_CREATED = register("campaigns.asset.created", _("Marketing asset created"), AssetCreated)
ASSET_UPDATED = register("campaigns.asset.updated", _("Marketing asset updated"), Changes)
ASSET_VERSION_UPLOADED = register("campaigns.asset.version_uploaded", _("Marketing asset version uploaded"),
                                  AssetVersionUploaded)
ASSET_SUBMITTED = register("campaigns.asset.submitted", _("Marketing asset sent for review"))
ASSET_RETURNED = register("campaigns.asset.returned", _("Marketing asset sent back to draft"))
ASSET_PUBLISHED = register("campaigns.asset.published", _("Marketing asset published"))
ASSET_EXPIRED = register("campaigns.asset.expired", _("Marketing asset expired (review overdue)"))
ASSET_RETIRED = register("campaigns.asset.retired", _("Marketing asset retired"))
ASSET_LINKED = register("campaigns.asset.linked", _("Marketing asset linked to a campaign"), AssetLinked)
ASSET_UNLINKED = register("campaigns.asset.unlinked", _("Marketing asset unlinked from a campaign"), AssetLinked)
