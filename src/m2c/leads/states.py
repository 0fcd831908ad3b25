"""The lead life cycle (domain.md 11.2) as data.

Capture runs NEW → DUPLICATE | VALIDATING → INVALID | QUALIFIED → ASSIGNED | RECYCLED in one service
call: every step is checked against this table (:func:`check_path`) and the lead is stored once, in
its final capture state, with one ``leads.lead.captured`` event that lists the path. Every later move
(accept, return, nurture, convert, recycle, disqualify) goes through ``LEAD_MACHINE.apply``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from m2c.core.errors import Conflict, InvalidTransition
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events


class LeadStatus(models.TextChoices):
    NEW = "NEW", _("New")
    DUPLICATE = "DUPLICATE", _("Duplicate (merged)")
    VALIDATING = "VALIDATING", _("Validating")
    INVALID = "INVALID", _("Invalid")
    QUALIFIED = "QUALIFIED", _("Qualified")
    ASSIGNED = "ASSIGNED", _("Assigned")
    ACCEPTED = "ACCEPTED", _("Accepted")
    NURTURING = "NURTURING", _("Nurturing")
    CONVERTED = "CONVERTED", _("Converted")
    DISQUALIFIED = "DISQUALIFIED", _("Disqualified")
    RECYCLED = "RECYCLED", _("Recycled (nurture pool)")


S = LeadStatus

TERMINAL = frozenset({S.DUPLICATE, S.INVALID, S.CONVERTED, S.DISQUALIFIED})

# Open leads take part in duplicate detection and in every work list.
OPEN = frozenset({S.NEW, S.VALIDATING, S.QUALIFIED, S.ASSIGNED, S.ACCEPTED, S.NURTURING, S.RECYCLED})

# Leads that passed the validity gate at some point ("valid leads" of domain.md 9).
VALID = frozenset({S.QUALIFIED, S.ASSIGNED, S.ACCEPTED, S.NURTURING, S.CONVERTED, S.DISQUALIFIED, S.RECYCLED})

# Who works a lead once it is routed.
WORKING = frozenset({S.ASSIGNED, S.ACCEPTED, S.NURTURING})

SALES = (Role.AR, Role.SR, Role.MARKETING)
MERGERS = (Role.MARKETING, Role.AR)
MERGEABLE = frozenset({S.VALIDATING, S.QUALIFIED, S.ASSIGNED, S.ACCEPTED, S.NURTURING, S.RECYCLED})


def _only_undo(lead: object, context: dict) -> None:
    if not context.get("undo_merge"):
        raise InvalidTransition("a duplicate leaves DUPLICATE only when its merge is undone")


# Reasons a correction can remove (issue 9): a compliance block or a student contact keeps the lead closed.
FIXABLE_REASONS = frozenset({"no_customer", "no_offering_line", "no_contact"})


def _fixable(lead: object, context: dict) -> None:
    reasons = set(getattr(lead, "invalid_reasons", None) or [])
    closed = reasons - FIXABLE_REASONS
    if closed:
        raise Conflict(gettext("This lead stays closed: %(r)s.") % {"r": ", ".join(sorted(closed))}, code="lead_not_fixable",
                       extra={"reasons": sorted(closed)})

LEAD_MACHINE = StateMachine(
    name=_("Lead"),  # type: ignore[arg-type]
    transitions=[
        t(S.NEW, S.DUPLICATE, event=events.LEAD_MERGED),
        t(S.NEW, S.VALIDATING),
        t(S.VALIDATING, S.INVALID),
        t(S.VALIDATING, S.QUALIFIED),
        t(S.QUALIFIED, S.ASSIGNED, event=events.LEAD_ASSIGNED),
        t(S.QUALIFIED, S.RECYCLED, event=events.LEAD_RECYCLED),
        t(S.ASSIGNED, S.ACCEPTED, roles=SALES, event=events.LEAD_ACCEPTED),
        t(S.ASSIGNED, S.QUALIFIED, event=events.LEAD_RETURNED),
        t(S.ACCEPTED, S.NURTURING, roles=SALES, event=events.LEAD_NURTURING),
        t(S.NURTURING, S.CONVERTED, roles=(Role.AR,), event=events.LEAD_CONVERTED),
        # A corrected invalid lead goes through the gate again (issue 9): only fixable reasons.
        t(S.INVALID, S.VALIDATING, guards=[_fixable], roles=SALES, event=events.LEAD_REVALIDATED),
        t(S.NURTURING, S.RECYCLED, event=events.LEAD_RECYCLED),
        t(S.RECYCLED, S.QUALIFIED, event=events.LEAD_REQUALIFIED),
        t([S.ACCEPTED, S.NURTURING], S.DISQUALIFIED, roles=SALES, event=events.LEAD_DISQUALIFIED),
        # A person may merge an open lead into another one (the manual merge) …
        t(MERGEABLE, S.DUPLICATE, roles=MERGERS, event=events.LEAD_MERGED),
        # … and undo it: the one way out of DUPLICATE, allowed only to the audited undo of a merge.
        *[t(S.DUPLICATE, state, guards=[_only_undo], event=events.LEAD_MERGE_UNDONE) for state in sorted(MERGEABLE | {S.NEW})],
    ],
    # DUPLICATE is terminal for everything but the undo above, INVALID for everything but revalidation;
    # TERMINAL (read-only to ordinary edits) still lists both.
    terminal=TERMINAL - {S.DUPLICATE, S.INVALID},
    labels=dict(S.choices),
)


_CHECKED: set[tuple[str, ...]] = set()


def check_path(path: Iterable[str]) -> list[str]:
    """Refuse a capture path with a step the table does not declare; return it as a list."""
    steps = list(path)
    key = tuple(steps)
    if key in _CHECKED:
        return steps
    for current, target in zip(steps, steps[1:], strict=False):
        if LEAD_MACHINE.find(current, target) is None:
            raise InvalidTransition(f"lead cannot go from {current} to {target}")
    _CHECKED.add(key)
    return steps


class Temperature(models.TextChoices):
    COLD = "cold", _("Cold")
    WARM = "warm", _("Warm")
    HOT = "hot", _("Hot")
