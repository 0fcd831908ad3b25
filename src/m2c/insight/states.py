"""The customer requirement (RR) life cycle, domain.md 11.12.

NEW → ANALYSING → ACCEPTED_CURRENT | ACCEPTED_ROADMAP | REJECTED | DUPLICATE → (accepted)
IMPLEMENTED → VERIFIED → CLOSED. Anything else is refused with 409 and writes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
