"""Event types of the opportunities app: every command appends one of these in its transaction.

Names are ``opportunities.<entity>.<what happened>``; the label is what a timeline shows; the payload
schema lists every key a service writes (records by id or name, amounts as decimal text, field updates
as ``{"changes": {field: [old, new]}}``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from m2c.core.events import Changes, Diff, EventPayload, NoPayload, register

# --- payloads -------------------------------------------------------------------------------------


class OpportunityCreated(EventPayload):
    name: str
    amount: str
    currency: str
    grade: str
    source_campaign: str | None = None
    source_lead_id: str | None = None


class OpportunityWon(EventPayload):
    amount: str
    currency: str
    quote: str | None = None
    quote_version: int | None = None
    atc_review: str | None = None


class OpportunityLost(EventPayload):
    loss_reason: str
    competitor: str = ""
    price_gap: str | None = None
    source_campaign: str | None = None


class OpportunityAbandoned(EventPayload):
    abandon_reason: str
    source_campaign: str | None = None


class OpportunityHeld(EventPayload):
    hold_until: str | None = None
    review: str | None = None


class FloorFrozen(EventPayload):
    floor_price: str
    currency: str
    review: str


class FromTo(EventPayload):
    """A derived value that moved (grade, forecast category)."""

    model_config = {"populate_by_name": True}

    from_: str = Field(alias="from")
    to: str
    manual: bool | None = None


class ProbabilityOverridden(EventPayload):
    probability: str
    review: str


class RequirementRaised(EventPayload):
    requirement: str
    number: str


class TeamAssigned(EventPayload):
    model_config = {"populate_by_name": True}

    role: str
    user: str
    replaced: str | None = None
    from_: str | None = Field(None, alias="from")
    certification_warning: str | None = None  # the SR rule in warning mode (enablement, domain.md 7.5)


class TeamEnded(EventPayload):
    role: str
    user: str
    to: str


class StakeholderAdded(EventPayload):
    contact: str
    decision_role: str
    attitude: str
    from_lead: bool = False


class StakeholderUpdated(Changes):
    contact: str


class StakeholderRemoved(EventPayload):
    contact: str


class CompetitorAdded(EventPayload):
    name: str
    threat: str


class CompetitorUpdated(Changes):
    name: str


class CompetitorRemoved(EventPayload):
    name: str


class RiskAdded(EventPayload):
    risk: str
    probability: str
    impact: str


class RiskUpdated(Changes):
    risk: str


class RiskMoved(EventPayload):
    risk: str
    risk_id: str


class ActivityLogged(EventPayload):
    kind: str
    subject: str
    next_step: str = ""


class Named(EventPayload):
    name: str


class ReviewCreated(EventPayload):
    gate: str
    review: str | None = None
    sequence: int | None = None
    opportunity: str | None = None


class ReviewUpdated(EventPayload):
    fields: list[str]
    answers: list[str] = []
    changes: dict[str, list[Any]] = {}


class ReviewSubmitted(EventPayload):
    required_level: str
    authority_rule_version: int | None = None
    reasons: list[dict[str, Any]] = []
    gate: str | None = None
    review: str | None = None


class ReviewAssigned(EventPayload):
    decision_body: str
    level: str


class ReviewDecided(EventPayload):
    decision: str
    authority_rule_version: int | None = None
    required_level: str | None = None
    floor_price: str | None = None
    conditions: list[str] = []
    gate: str | None = None
    review: str | None = None


class ConditionReminded(EventPayload):
    due: str
    overdue: bool


class MatrixPublished(EventPayload):
    version: int
    rules: int
    discount_authorities: int


class BodyCreated(EventPayload):
    name: str
    level: str
    org_unit: str


class BodyMember(EventPayload):
    user: str
    role: str | None = None


class ChecklistPublished(EventPayload):
    gate: str
    version: int
    items: int


class CatalogueSaved(EventPayload):
    code: str
    created: bool
    prices: int | None = None


class QuoteCreated(EventPayload):
    version: int
    quote: str | None = None
    copied_from: int | None = None


class QuoteUpdated(EventPayload):
    """A header change (``changes``), or a line added, changed or removed."""

    changes: Diff | None = None
    added: str | None = None
    changed: str | None = None
    removed: str | None = None
    fields: list[str] | None = None
    quantity: str | None = None
    net: str | None = None
    repriced_lines: int | None = None


class QuoteApproval(EventPayload):
    discount_pct: str
    required_level: str | None = None
    level: str | None = None
    reasons: list[dict[str, Any]] = []
    within_authority: bool | None = None
    authority_rule_version: int | None = None


class QuoteSubmitted(EventPayload):
    net: str
    currency: str
    bid: str | None = None


class QuoteSuperseded(EventPayload):
    superseded_by: int


class BidOpened(EventPayload):
    bid: str
    reference: str
    deadline: str


class BidSubmitted(EventPayload):
    bid: str
    quote: str
    version: int
    net: str
    currency: str


# --- event types ----------------------------------------------------------------------------------

# opportunity
OPPORTUNITY_CREATED = register("opportunities.opportunity.created", _("Opportunity created"), OpportunityCreated)
OPPORTUNITY_UPDATED = register("opportunities.opportunity.updated", _("Opportunity updated"), Changes)
STAGE_CHANGED = register("opportunities.opportunity.stage_changed", _("Stage changed"), NoPayload)
OPPORTUNITY_WON = register("opportunities.opportunity.won", _("Opportunity won"), OpportunityWon)
OPPORTUNITY_LOST = register("opportunities.opportunity.lost", _("Opportunity lost"), OpportunityLost)
OPPORTUNITY_ABANDONED = register("opportunities.opportunity.abandoned", _("Opportunity abandoned"), OpportunityAbandoned)
OPPORTUNITY_HELD = register("opportunities.opportunity.put_on_hold", _("Opportunity put on hold"), OpportunityHeld)
OPPORTUNITY_RESUMED = register("opportunities.opportunity.resumed", _("Opportunity resumed"), NoPayload)
BID_REOPENED = register("opportunities.opportunity.sent_back_to_bid", _("Sent back to ATB re-review"), NoPayload)
FLOOR_FROZEN = register("opportunities.opportunity.floor_frozen", _("Floor price frozen"), FloorFrozen)
GRADE_CHANGED = register("opportunities.opportunity.grade_changed", _("Grade changed"), FromTo)
PROBABILITY_OVERRIDDEN = register("opportunities.opportunity.probability_overridden", _("Win probability overridden by decision"), ProbabilityOverridden)
FORECAST_CHANGED = register("opportunities.opportunity.forecast_changed", _("Forecast category changed"), FromTo)
REQUIREMENT_RAISED = register("opportunities.opportunity.requirement_raised", _("Customer requirement raised"), RequirementRaised)

# team and records around the deal
TEAM_ASSIGNED = register("opportunities.team.assigned", _("Team member assigned"), TeamAssigned)
TEAM_ENDED = register("opportunities.team.ended", _("Team assignment ended"), TeamEnded)
STAKEHOLDER_ADDED = register("opportunities.stakeholder.added", _("Stakeholder added"), StakeholderAdded)
STAKEHOLDER_UPDATED = register("opportunities.stakeholder.updated", _("Stakeholder updated"), StakeholderUpdated)
STAKEHOLDER_REMOVED = register("opportunities.stakeholder.removed", _("Stakeholder removed"), StakeholderRemoved)
COMPETITOR_ADDED = register("opportunities.competitor.added", _("Competitor added"), CompetitorAdded)
COMPETITOR_UPDATED = register("opportunities.competitor.updated", _("Competitor updated"), CompetitorUpdated)
COMPETITOR_REMOVED = register("opportunities.competitor.removed", _("Competitor removed"), CompetitorRemoved)
RISK_ADDED = register("opportunities.risk.added", _("Risk registered"), RiskAdded)
RISK_UPDATED = register("opportunities.risk.updated", _("Risk updated"), RiskUpdated)
RISK_MITIGATED = register("opportunities.risk.mitigated", _("Risk mitigated"), RiskMoved)
RISK_CLOSED = register("opportunities.risk.closed", _("Risk closed"), RiskMoved)
RISK_REOPENED = register("opportunities.risk.reopened", _("Risk reopened"), RiskMoved)
RISK_STATUS_CHANGED = register("opportunities.risk.status_changed", _("Risk status changed"), RiskMoved)
ACTIVITY_LOGGED = register("opportunities.activity.logged", _("Activity logged"), ActivityLogged)
PROGRAM_CREATED = register("opportunities.program.created", _("Program created"), Named)

# gates
REVIEW_CREATED = register("opportunities.gate_review.created", _("Gate review drafted"), ReviewCreated)
REVIEW_UPDATED = register("opportunities.gate_review.updated", _("Gate review answers updated"), ReviewUpdated)
REVIEW_SUBMITTED = register("opportunities.gate_review.submitted", _("Gate review submitted"), ReviewSubmitted)
REVIEW_ASSIGNED = register("opportunities.gate_review.assigned", _("Gate review assigned to a decision body"), ReviewAssigned)
REVIEW_DECIDED = register("opportunities.gate_review.decided", _("Gate decision recorded"), ReviewDecided)
REVIEW_WITHDRAWN = register("opportunities.gate_review.withdrawn", _("Gate review withdrawn"), NoPayload)
REVIEW_STATUS_CHANGED = register("opportunities.gate_review.status_changed", _("Gate review status changed"), NoPayload)
CONDITION_CLOSED = register("opportunities.condition.closed", _("Gate condition closed"), NoPayload)
CONDITION_WAIVED = register("opportunities.condition.waived", _("Gate condition waived"), NoPayload)
CONDITION_REMINDED = register("opportunities.condition.reminded", _("Gate condition reminder sent"), ConditionReminded)

# configuration
MATRIX_PUBLISHED = register("opportunities.authority_matrix.published", _("Authority matrix version published"), MatrixPublished)
BODY_CREATED = register("opportunities.decision_body.created", _("Decision body created"), BodyCreated)
BODY_MEMBER_ADDED = register("opportunities.decision_body.member_added", _("Decision body member added"), BodyMember)
BODY_MEMBER_REMOVED = register("opportunities.decision_body.member_removed", _("Decision body member removed"), BodyMember)
CHECKLIST_PUBLISHED = register("opportunities.checklist.published", _("Gate checklist published"), ChecklistPublished)
PRODUCT_SAVED = register("opportunities.product.saved", _("Product saved"), CatalogueSaved)
PRICE_LIST_SAVED = register("opportunities.price_list.saved", _("Price list saved"), CatalogueSaved)
SETTINGS_CHANGED = register("opportunities.settings.changed", _("Opportunity settings changed"), Changes)
BODY_UPDATED = register("opportunities.decision_body.updated", _("Decision body updated"), Changes)
PRICE_LIST_UPDATED = register("opportunities.price_list.updated", _("Price list updated"), Changes)

# quotes and bids
QUOTE_CREATED = register("opportunities.quote.created", _("Quote version created"), QuoteCreated)
QUOTE_UPDATED = register("opportunities.quote.updated", _("Quote lines changed"), QuoteUpdated)
QUOTE_APPROVAL_REQUESTED = register("opportunities.quote.approval_requested", _("Quote discount approval requested"), QuoteApproval)
QUOTE_APPROVED = register("opportunities.quote.approved", _("Quote approved"), QuoteApproval)
QUOTE_REJECTED = register("opportunities.quote.rejected", _("Quote discount refused"), NoPayload)
QUOTE_SUBMITTED = register("opportunities.quote.submitted", _("Quote submitted to the customer"), QuoteSubmitted)
QUOTE_SUPERSEDED = register("opportunities.quote.superseded", _("Quote superseded"), QuoteSuperseded)
QUOTE_WITHDRAWN = register("opportunities.quote.withdrawn", _("Quote withdrawn"), NoPayload)
QUOTE_STATUS_CHANGED = register("opportunities.quote.status_changed", _("Quote status changed"), NoPayload)
BID_OPENED = register("opportunities.bid.rfp_received", _("RFP received"), BidOpened)
BID_SUBMITTED = register("opportunities.bid.submitted", _("Bid submitted"), BidSubmitted)
