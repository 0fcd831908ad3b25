"""The customer requirement (RR) life cycle, domain.md 11.12.

NEW → ANALYSING → ACCEPTED_CURRENT | ACCEPTED_ROADMAP | REJECTED | DUPLICATE → (accepted)
IMPLEMENTED → VERIFIED → CLOSED. Anything else is refused with 409 and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events


class RequirementStatus(models.TextChoices):
    NEW = "NEW", _("New")
    ANALYSING = "ANALYSING", _("Analysing")
    ACCEPTED_CURRENT = "ACCEPTED_CURRENT", _("Accepted into the current release")
    ACCEPTED_ROADMAP = "ACCEPTED_ROADMAP", _("Accepted into the roadmap")
    REJECTED = "REJECTED", _("Rejected")
    DUPLICATE = "DUPLICATE", _("Duplicate")
    IMPLEMENTED = "IMPLEMENTED", _("Implemented")
    VERIFIED = "VERIFIED", _("Verified")
    CLOSED = "CLOSED", _("Closed")


DISPOSITIONS = (
    RequirementStatus.ACCEPTED_CURRENT,
    RequirementStatus.ACCEPTED_ROADMAP,
    RequirementStatus.REJECTED,
    RequirementStatus.DUPLICATE,
)
ACCEPTED = (RequirementStatus.ACCEPTED_CURRENT, RequirementStatus.ACCEPTED_ROADMAP)

# Requirement analysts: market insight and portfolio people sit in marketing.
ANALYST_ROLES = [Role.MARKETING, Role.ADMINISTRATOR]


class RequirementSource(models.TextChoices):
    INSIGHT = "insight", _("Insight report")
    JOINT_INNOVATION = "joint_innovation", _("Joint innovation")
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CONTRACT = "contract", _("Contract")
    LOSS = "loss", _("Lost deal")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


REQUIREMENT_MACHINE = StateMachine(
    name=_("Requirement"),
    labels=dict(RequirementStatus.choices),
    default_event=events.REQUIREMENT_STATUS_CHANGED,
    transitions=[
        t(RequirementStatus.NEW, RequirementStatus.ANALYSING, roles=ANALYST_ROLES, event=events.REQUIREMENT_ANALYSING),
        *[
            t(RequirementStatus.ANALYSING, target, roles=ANALYST_ROLES, event=events.REQUIREMENT_DISPOSED)
            for target in DISPOSITIONS
        ],
        t(list(ACCEPTED), RequirementStatus.IMPLEMENTED, roles=ANALYST_ROLES, event=events.REQUIREMENT_IMPLEMENTED),
        t(RequirementStatus.IMPLEMENTED, RequirementStatus.VERIFIED, roles=ANALYST_ROLES, event=events.REQUIREMENT_VERIFIED),
        t(RequirementStatus.VERIFIED, RequirementStatus.CLOSED, roles=ANALYST_ROLES, event=events.REQUIREMENT_CLOSED),
    ],
    terminal=frozenset({RequirementStatus.REJECTED, RequirementStatus.DUPLICATE, RequirementStatus.CLOSED}),
)


# --- market management: segments, SPAN, $APPEALS (domain.md 7.3) ------------------------------------

class SegmentStatus(models.TextChoices):
    CANDIDATE = "CANDIDATE", _("Candidate")
    PRIORITISED = "PRIORITISED", _("Prioritised")
    RETIRED = "RETIRED", _("Retired")


class SpanAxis(models.TextChoices):
    ATTRACTIVENESS = "attractiveness", _("Segment attractiveness")
    POSITION = "position", _("Competitive position")


class Quadrant(models.TextChoices):
    """SPAN quadrants. A score on the midpoint counts as high (attractiveness) or strong (position)."""

    GROW = "grow", _("Grow / invest")
    ACQUIRE_SKILLS = "acquire_skills", _("Acquire skills")
    HARVEST = "harvest", _("Harvest / re-segment")
    AVOID = "avoid", _("Avoid / exit")


class AppealsFactor(models.TextChoices):
    """The eight $APPEALS buying criteria, in their usual order."""

    PRICE = "price", _("$ Price")
    AVAILABILITY = "availability", _("Availability")
    PACKAGING = "packaging", _("Packaging")
    PERFORMANCE = "performance", _("Performance")
    EASE_OF_USE = "ease_of_use", _("Ease of use")
    ASSURANCES = "assurances", _("Assurances")
    LIFE_CYCLE_COST = "life_cycle_cost", _("Life-cycle cost")
    SOCIAL_ACCEPTANCE = "social_acceptance", _("Social acceptance")


class InstalledBase(models.TextChoices):
    ANY = "any", _("Any")
    WITH = "with", _("Has an installed base")
    WITHOUT = "without", _("No installed base")


# Segment owners and market analysts sit in marketing; executives read.
MARKET_ROLES = [Role.MARKETING, Role.ADMINISTRATOR]

def financial_gate(segment: Any, context: dict[str, Any]) -> None:
    """Guard: a segment is prioritised only when it passes the financial gate (domain.md 7.3)."""
    from .services.market import require_financial_gate

    require_financial_gate(segment)


SEGMENT_MACHINE = StateMachine(
    name=_("Segment"),
    labels=dict(SegmentStatus.choices),
    default_event=events.SEGMENT_STATUS_CHANGED,
    transitions=[
        t(SegmentStatus.CANDIDATE, SegmentStatus.PRIORITISED, guards=[financial_gate], roles=MARKET_ROLES,
          event=events.SEGMENT_PRIORITISED),
        t(SegmentStatus.PRIORITISED, SegmentStatus.CANDIDATE, roles=MARKET_ROLES, event=events.SEGMENT_DEPRIORITISED),
        t([SegmentStatus.CANDIDATE, SegmentStatus.PRIORITISED], SegmentStatus.RETIRED, roles=MARKET_ROLES,
          event=events.SEGMENT_RETIRED),
    ],
    terminal=frozenset({SegmentStatus.RETIRED}),
)


# --- business and key-account plans (issue 13 item 6) ---------------------------------------------

class KeyAccountPlanStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    ACTIVE = "ACTIVE", pgettext_lazy("plan", "Active")
    CLOSED = "CLOSED", _("Closed")


class Influence(models.TextChoices):
    HIGH = "high", _("High influence")
    MEDIUM = "medium", _("Medium influence")
    LOW = "low", _("Low influence")


class Attitude(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    SCEPTIC = "sceptic", _("Sceptic")
    OPPONENT = "opponent", _("Opponent")


KEY_ACCOUNT_MACHINE = StateMachine(
    name=_("Key-account plan"),
    labels=dict(KeyAccountPlanStatus.choices),
    default_event=events.KEY_ACCOUNT_PLAN_STATUS_CHANGED,
    transitions=[
        t(KeyAccountPlanStatus.DRAFT, KeyAccountPlanStatus.ACTIVE, event=events.KEY_ACCOUNT_PLAN_ACTIVATED),
        t([KeyAccountPlanStatus.DRAFT, KeyAccountPlanStatus.ACTIVE], KeyAccountPlanStatus.CLOSED,
          event=events.KEY_ACCOUNT_PLAN_CLOSED),
    ],
    terminal=frozenset({KeyAccountPlanStatus.CLOSED}),
)


# --- insight reports: five looks, three decisions (issue 13 item 4) ---------------------------------

class InsightReportType(models.TextChoices):
    INDUSTRY = "industry", _("Industry insight")
    CUSTOMER = "customer", _("Customer insight")
    COMPETITOR = "competitor", _("Competitor insight")
    SELF = "self", _("Self insight")
    OPPORTUNITY = "opportunity", _("Opportunity insight")


class InsightReportStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", _("Published")


def report_complete(report: Any, context: dict[str, Any]) -> None:
    """Guard: a report is published only with its five looks and three decisions written."""
    from .services.reports import require_complete

    require_complete(report)


INSIGHT_REPORT_MACHINE = StateMachine(
    name=_("Insight report"),
    labels=dict(InsightReportStatus.choices),
    default_event=events.INSIGHT_REPORT_STATUS_CHANGED,
    transitions=[
        t(InsightReportStatus.DRAFT, InsightReportStatus.PUBLISHED, guards=[report_complete],
          event=events.INSIGHT_REPORT_PUBLISHED),
        t(InsightReportStatus.PUBLISHED, InsightReportStatus.DRAFT, roles=MARKET_ROLES,
          event=events.INSIGHT_REPORT_WITHDRAWN),
    ],
    terminal=frozenset(),
)


# --- joint innovation (issue 13 item 9) -------------------------------------------------------------

class InnovationStatus(models.TextChoices):
    PLANNED = "PLANNED", _("Planned")
    ACTIVE = "ACTIVE", pgettext_lazy("project", "Active")
    COMPLETED = "COMPLETED", _("Completed")
    CANCELLED = "CANCELLED", _("Cancelled")


class ParticipantSide(models.TextChoices):
    OURS = "ours", _("Our side")
    CUSTOMER = "customer", _("Customer side")


class InnovationOutputKind(models.TextChoices):
    ASSET = "asset", _("Marketing asset")
    REFERENCE_CASE = "reference_case", _("Reference case")
    OTHER = "other", _("Other output")


INNOVATION_MACHINE = StateMachine(
    name=_("Joint innovation project"),
    labels=dict(InnovationStatus.choices),
    default_event=events.INNOVATION_STATUS_CHANGED,
    transitions=[
        t(InnovationStatus.PLANNED, InnovationStatus.ACTIVE, event=events.INNOVATION_STARTED),
        t(InnovationStatus.ACTIVE, InnovationStatus.COMPLETED, event=events.INNOVATION_COMPLETED),
        t([InnovationStatus.PLANNED, InnovationStatus.ACTIVE], InnovationStatus.CANCELLED,
          event=events.INNOVATION_CANCELLED),
    ],
    terminal=frozenset({InnovationStatus.COMPLETED, InnovationStatus.CANCELLED}),
)
