"""Choices and transition tables of the opportunities app (domain.md 11.3 and 11.4).

Each stateful entity declares its table here as data: the opportunity's stage, the gate review, the
gate condition and the quote. :meth:`m2c.core.state_machine.StateMachine.apply` is the only way any of
them changes state; a transition not listed is refused with 409 and writes nothing. The guards live in
:mod:`.guards` and read only the latest DECIDED review of each gate type.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.state_machine import StateMachine, t

from . import events, guards


class Stage(models.TextChoices):
    O1_VALIDATE = "O1_VALIDATE", _("O1 Validate")
    O2_SHAPE = "O2_SHAPE", _("O2 Shape")
    O3_BID = "O3_BID", _("O3 Bid")
    O4_NEGOTIATE = "O4_NEGOTIATE", _("O4 Negotiate")
    WON = "WON", _("Won")
    LOST = "LOST", _("Lost")
    ABANDONED = "ABANDONED", _("Abandoned")
    ON_HOLD = "ON_HOLD", _("On hold")


OPEN_STAGES = (Stage.O1_VALIDATE, Stage.O2_SHAPE, Stage.O3_BID, Stage.O4_NEGOTIATE)
CLOSED_STAGES = (Stage.WON, Stage.LOST, Stage.ABANDONED)
# The order of the board's columns and of every "by stage" report.
STAGE_ORDER = (*OPEN_STAGES, Stage.ON_HOLD, *CLOSED_STAGES)
NEXT_STAGE = {Stage.O1_VALIDATE: Stage.O2_SHAPE, Stage.O2_SHAPE: Stage.O3_BID, Stage.O3_BID: Stage.O4_NEGOTIATE}

# Default win probability per stage (domain.md 4.1, 12); administrators change them in the settings row.
DEFAULT_PROBABILITY = {
    Stage.O1_VALIDATE: Decimal(10),
    Stage.O2_SHAPE: Decimal(25),
    Stage.O3_BID: Decimal(40),
    Stage.O4_NEGOTIATE: Decimal(75),
    Stage.WON: Decimal(100),
    Stage.LOST: Decimal(0),
    Stage.ABANDONED: Decimal(0),
    Stage.ON_HOLD: Decimal(0),
}


class Grade(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")


class PriorityType(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic (hilltop)")
    COMPETITIVE = "competitive", _("Competitive")
    ROUTINE = "routine", _("Routine")


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")
    OMITTED = "omitted", _("Omitted")


# The category an opportunity falls into unless its AR judges otherwise.
DEFAULT_FORECAST = {
    Stage.O1_VALIDATE: ForecastCategory.PIPELINE,
    Stage.O2_SHAPE: ForecastCategory.PIPELINE,
    Stage.O3_BID: ForecastCategory.BEST_CASE,
    Stage.O4_NEGOTIATE: ForecastCategory.COMMIT,
    Stage.WON: ForecastCategory.CLOSED,
    Stage.LOST: ForecastCategory.OMITTED,
    Stage.ABANDONED: ForecastCategory.OMITTED,
    Stage.ON_HOLD: ForecastCategory.OMITTED,
}


class LossReason(models.TextChoices):
    PRICE = "price", _("Price")
    SOLUTION = "solution", _("Solution")
    RELATIONSHIP = "relationship", _("Relationship")
    TIMING = "timing", _("Timing")
    NO_DECISION = "no_decision", _("No decision")
    COMPETITOR = "competitor", _("Competitor")


class AbandonReason(models.TextChoices):
    NO_BID = "no_bid", _("No bid (ATB NO-GO)")
    ATI_NO_GO = "ati_no_go", _("ATI NO-GO")
    CUSTOMER_CANCELLED = "customer_cancelled", _("Customer cancelled the project")


class GateType(models.TextChoices):
    ATI = "ATI", _("ATI: approve to initiate")
    ATB = "ATB", _("ATB: approve to bid")
    ATC = "ATC", _("ATC: approve to contract")
    ATAC = "ATAC", _("ATAC: approve contract amendment")
    ATCC = "ATCC", _("ATCC: approve contract closure")


OPPORTUNITY_GATES = (GateType.ATI, GateType.ATB, GateType.ATC)
# The gate each open stage exits through.
GATE_OF_STAGE = {Stage.O1_VALIDATE: GateType.ATI, Stage.O3_BID: GateType.ATB, Stage.O4_NEGOTIATE: GateType.ATC}


class ReviewStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted")
    IN_REVIEW = "IN_REVIEW", _("In review")
    DECIDED = "DECIDED", _("Decided")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class Decision(models.TextChoices):
    GO = "GO", _("GO")
    GO_WITH_CONDITIONS = "GO_WITH_CONDITIONS", _("GO with conditions")
    HOLD = "HOLD", _("HOLD")
    NO_GO = "NO_GO", _("NO-GO")


PASSING_DECISIONS = (Decision.GO, Decision.GO_WITH_CONDITIONS)


class DecisionLevel(models.TextChoices):
    """The three sales decision team levels, mirroring rep office / region / headquarters."""

    REP_OFFICE = "rep_office", _("Representative office SDT")
    REGION = "region", _("Regional SDT")
    HQ = "hq", _("HQ SDT")


LEVEL_RANK = {DecisionLevel.REP_OFFICE: 1, DecisionLevel.REGION: 2, DecisionLevel.HQ: 3}


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(level, 0)


class ConditionStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    CLOSED = "CLOSED", _("Closed")
    WAIVED = "WAIVED", _("Waived")


class ConditionBlocks(models.TextChoices):
    NEXT_GATE = "next_gate", _("Before the next gate")
    SIGNING = "signing", _("Before signing")
    NONE = "none", _("Tracked only (blocks when overdue)")


class QuoteStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PENDING_APPROVAL = "PENDING_APPROVAL", _("Pending discount approval")
    APPROVED = "APPROVED", _("Approved")
    SUBMITTED = "SUBMITTED", _("Submitted to the customer")
    SUPERSEDED = "SUPERSEDED", _("Superseded")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class TeamRole(models.TextChoices):
    AR = "AR", _("Account responsible (AR)")
    SR = "SR", _("Solution responsible (SR)")
    FR = "FR", _("Fulfilment responsible (FR)")
    PM = "PM", _("Project manager")
    CONTRACT_MANAGER = "contract_manager", _("Contract manager")
    BUSINESS_MANAGER = "business_manager", _("Business manager")
    CFO = "CFO", _("Project CFO")
    OTHER = "other", _("Other")


IRON_TRIANGLE = (TeamRole.AR, TeamRole.SR, TeamRole.FR)


# --- the opportunity's stage (domain.md 11.3) ------------------------------------------------------

OPPORTUNITY_MACHINE = StateMachine(
    name=_("Opportunity"),
    field_name="stage",
    labels=dict(Stage.choices),
    default_event=events.STAGE_CHANGED,
    transitions=[
        t(Stage.O1_VALIDATE, Stage.O2_SHAPE, guards=[guards.ati_passed, guards.team_complete_for_grade]),
        t(Stage.O2_SHAPE, Stage.O3_BID, guards=[guards.tender_received, guards.quote_exists]),
        t(Stage.O3_BID, Stage.O4_NEGOTIATE, guards=[guards.atb_passed, guards.bid_submitted_on_time]),
        t(
            Stage.O4_NEGOTIATE,
            Stage.WON,
            guards=[guards.price_at_or_above_floor, guards.atc_passed_for_final_quote, guards.signing_conditions_closed],
            event=events.OPPORTUNITY_WON,
        ),
        t(Stage.O4_NEGOTIATE, Stage.O3_BID, guards=[guards.reason_given], event=events.BID_REOPENED),
        t([Stage.O2_SHAPE, Stage.O3_BID, Stage.O4_NEGOTIATE], Stage.LOST, guards=[guards.loss_captured],
          event=events.OPPORTUNITY_LOST),
        t([*OPEN_STAGES, Stage.ON_HOLD], Stage.ABANDONED, guards=[guards.abandon_reason_holds],
          event=events.OPPORTUNITY_ABANDONED),
        t(list(OPEN_STAGES), Stage.ON_HOLD, guards=[guards.hold_date_given], event=events.OPPORTUNITY_HELD),
        *[
            t(Stage.ON_HOLD, stage, guards=[guards.returned_to(stage), guards.re_review_done],
              event=events.OPPORTUNITY_RESUMED)
            for stage in OPEN_STAGES
        ],
    ],
    terminal=frozenset(CLOSED_STAGES),
)


# --- gate reviews (domain.md 11.4) -----------------------------------------------------------------

GATE_REVIEW_MACHINE = StateMachine(
    name=_("Gate review"),
    labels=dict(ReviewStatus.choices),
    default_event=events.REVIEW_STATUS_CHANGED,
    transitions=[
        t(
            ReviewStatus.DRAFT,
            ReviewStatus.SUBMITTED,
            guards=[guards.mandatory_answers_given, guards.earlier_conditions_closed, guards.gate_specific_submission],
            event=events.REVIEW_SUBMITTED,
        ),
        t(ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, guards=[guards.body_level_sufficient],
          event=events.REVIEW_ASSIGNED),
        t(
            ReviewStatus.IN_REVIEW,
            ReviewStatus.DECIDED,
            guards=[guards.decider_is_member, guards.decision_complete, guards.atb_decided_in_time],
            event=events.REVIEW_DECIDED,
        ),
        t([ReviewStatus.DRAFT, ReviewStatus.SUBMITTED], ReviewStatus.WITHDRAWN, event=events.REVIEW_WITHDRAWN),
    ],
    terminal=frozenset({ReviewStatus.DECIDED, ReviewStatus.WITHDRAWN}),
)


CONDITION_MACHINE = StateMachine(
    name=_("Gate condition"),
    labels=dict(ConditionStatus.choices),
    default_event=events.CONDITION_CLOSED,
    transitions=[
        t(ConditionStatus.OPEN, ConditionStatus.CLOSED, guards=[guards.may_close_condition], event=events.CONDITION_CLOSED),
        t(ConditionStatus.OPEN, ConditionStatus.WAIVED, guards=[guards.may_waive_condition, guards.reason_given],
          event=events.CONDITION_WAIVED),
    ],
    terminal=frozenset({ConditionStatus.CLOSED, ConditionStatus.WAIVED}),
)


# --- risks -----------------------------------------------------------------------------------------


class RiskStatus(models.TextChoices):
    """Where a risk of the register stands. Changed by commands (mitigate, close, reopen), never a PATCH."""

    OPEN = "open", _("Open")
    MITIGATED = "mitigated", _("Mitigated")
    CLOSED = "closed", _("Closed")


RISK_MACHINE = StateMachine(
    name=_("Risk"),
    labels=dict(RiskStatus.choices),
    default_event=events.RISK_STATUS_CHANGED,
    transitions=[
        t(RiskStatus.OPEN, RiskStatus.MITIGATED, event=events.RISK_MITIGATED),
        t([RiskStatus.OPEN, RiskStatus.MITIGATED], RiskStatus.CLOSED, event=events.RISK_CLOSED),
        # Reopening says why: the risk came back, and the register should show what changed.
        t([RiskStatus.MITIGATED, RiskStatus.CLOSED], RiskStatus.OPEN, guards=[guards.reason_given],
          event=events.RISK_REOPENED),
    ],
)


# --- quotes (domain.md 4.4) ------------------------------------------------------------------------

QUOTE_MACHINE = StateMachine(
    name=_("Quote"),
    labels=dict(QuoteStatus.choices),
    default_event=events.QUOTE_STATUS_CHANGED,
    transitions=[
        t(QuoteStatus.DRAFT, QuoteStatus.APPROVED, guards=[guards.quote_has_lines, guards.discount_within_authority],
          event=events.QUOTE_APPROVED),
        t(QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, guards=[guards.quote_has_lines],
          event=events.QUOTE_APPROVAL_REQUESTED),
        t(QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED, guards=[guards.quote_approver_has_level],
          event=events.QUOTE_APPROVED),
        t(QuoteStatus.PENDING_APPROVAL, QuoteStatus.DRAFT, guards=[guards.quote_approver_has_level, guards.reason_given],
          event=events.QUOTE_REJECTED),
        t(QuoteStatus.APPROVED, QuoteStatus.SUBMITTED, guards=[guards.quote_bid_open], event=events.QUOTE_SUBMITTED),
        t([QuoteStatus.APPROVED, QuoteStatus.SUBMITTED], QuoteStatus.SUPERSEDED, event=events.QUOTE_SUPERSEDED),
        t([QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED], QuoteStatus.WITHDRAWN,
          event=events.QUOTE_WITHDRAWN),
    ],
    terminal=frozenset({QuoteStatus.SUPERSEDED, QuoteStatus.WITHDRAWN}),
)
