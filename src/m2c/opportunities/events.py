"""Event types of the opportunities app: every command appends one of these in its transaction.

Names are ``opportunities.<entity>.<what happened>``; the label is what a timeline shows.
"""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import register

# opportunity
OPPORTUNITY_CREATED = register("opportunities.opportunity.created", _("Opportunity created"))
OPPORTUNITY_UPDATED = register("opportunities.opportunity.updated", _("Opportunity updated"))
STAGE_CHANGED = register("opportunities.opportunity.stage_changed", _("Stage changed"))
OPPORTUNITY_WON = register("opportunities.opportunity.won", _("Opportunity won"))
OPPORTUNITY_LOST = register("opportunities.opportunity.lost", _("Opportunity lost"))
OPPORTUNITY_ABANDONED = register("opportunities.opportunity.abandoned", _("Opportunity abandoned"))
OPPORTUNITY_HELD = register("opportunities.opportunity.put_on_hold", _("Opportunity put on hold"))
OPPORTUNITY_RESUMED = register("opportunities.opportunity.resumed", _("Opportunity resumed"))
BID_REOPENED = register("opportunities.opportunity.sent_back_to_bid", _("Sent back to ATB re-review"))
FLOOR_FROZEN = register("opportunities.opportunity.floor_frozen", _("Floor price frozen"))
GRADE_CHANGED = register("opportunities.opportunity.grade_changed", _("Grade changed"))
PROBABILITY_OVERRIDDEN = register("opportunities.opportunity.probability_overridden", _("Win probability overridden by decision"))
FORECAST_CHANGED = register("opportunities.opportunity.forecast_changed", _("Forecast category changed"))
REQUIREMENT_RAISED = register("opportunities.opportunity.requirement_raised", _("Customer requirement raised"))

# team and records around the deal
TEAM_ASSIGNED = register("opportunities.team.assigned", _("Team member assigned"))
TEAM_ENDED = register("opportunities.team.ended", _("Team assignment ended"))
STAKEHOLDER_ADDED = register("opportunities.stakeholder.added", _("Stakeholder added"))
STAKEHOLDER_UPDATED = register("opportunities.stakeholder.updated", _("Stakeholder updated"))
STAKEHOLDER_REMOVED = register("opportunities.stakeholder.removed", _("Stakeholder removed"))
COMPETITOR_ADDED = register("opportunities.competitor.added", _("Competitor added"))
COMPETITOR_UPDATED = register("opportunities.competitor.updated", _("Competitor updated"))
COMPETITOR_REMOVED = register("opportunities.competitor.removed", _("Competitor removed"))
RISK_ADDED = register("opportunities.risk.added", _("Risk registered"))
RISK_UPDATED = register("opportunities.risk.updated", _("Risk updated"))
ACTIVITY_LOGGED = register("opportunities.activity.logged", _("Activity logged"))
PROGRAM_CREATED = register("opportunities.program.created", _("Program created"))

# gates
REVIEW_CREATED = register("opportunities.gate_review.created", _("Gate review drafted"))
REVIEW_UPDATED = register("opportunities.gate_review.updated", _("Gate review answers updated"))
REVIEW_SUBMITTED = register("opportunities.gate_review.submitted", _("Gate review submitted"))
REVIEW_ASSIGNED = register("opportunities.gate_review.assigned", _("Gate review assigned to a decision body"))
REVIEW_DECIDED = register("opportunities.gate_review.decided", _("Gate decision recorded"))
REVIEW_WITHDRAWN = register("opportunities.gate_review.withdrawn", _("Gate review withdrawn"))
REVIEW_STATUS_CHANGED = register("opportunities.gate_review.status_changed", _("Gate review status changed"))
CONDITION_CLOSED = register("opportunities.condition.closed", _("Gate condition closed"))
CONDITION_WAIVED = register("opportunities.condition.waived", _("Gate condition waived"))
CONDITION_REMINDED = register("opportunities.condition.reminded", _("Gate condition reminder sent"))

# configuration
MATRIX_PUBLISHED = register("opportunities.authority_matrix.published", _("Authority matrix version published"))
BODY_CREATED = register("opportunities.decision_body.created", _("Decision body created"))
BODY_MEMBER_ADDED = register("opportunities.decision_body.member_added", _("Decision body member added"))
BODY_MEMBER_REMOVED = register("opportunities.decision_body.member_removed", _("Decision body member removed"))
CHECKLIST_PUBLISHED = register("opportunities.checklist.published", _("Gate checklist published"))
PRODUCT_SAVED = register("opportunities.product.saved", _("Product saved"))
PRICE_LIST_SAVED = register("opportunities.price_list.saved", _("Price list saved"))

# quotes and bids
QUOTE_CREATED = register("opportunities.quote.created", _("Quote version created"))
QUOTE_UPDATED = register("opportunities.quote.updated", _("Quote lines changed"))
QUOTE_APPROVAL_REQUESTED = register("opportunities.quote.approval_requested", _("Quote discount approval requested"))
QUOTE_APPROVED = register("opportunities.quote.approved", _("Quote approved"))
QUOTE_REJECTED = register("opportunities.quote.rejected", _("Quote discount refused"))
QUOTE_SUBMITTED = register("opportunities.quote.submitted", _("Quote submitted to the customer"))
QUOTE_SUPERSEDED = register("opportunities.quote.superseded", _("Quote superseded"))
QUOTE_WITHDRAWN = register("opportunities.quote.withdrawn", _("Quote withdrawn"))
QUOTE_STATUS_CHANGED = register("opportunities.quote.status_changed", _("Quote status changed"))
BID_OPENED = register("opportunities.bid.rfp_received", _("RFP received"))
BID_SUBMITTED = register("opportunities.bid.submitted", _("Bid submitted"))
