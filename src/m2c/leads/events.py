"""Event types of the leads app (``leads.<entity>.<what happened>``), each with its payload schema.

Every payload declares its keys: an undeclared key is refused when the event is recorded. Updates use
the one diff convention ``{"changes": {field: [old, new]}}``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from m2c.core.events import Diff, EventPayload, register


class LeadPayload(EventPayload):
    """Base of the leads payloads: only declared keys (``EventPayload``)."""


class Match(LeadPayload):
    """Why two records were taken for the same company (the explanation of the matcher)."""

    score: int | float
    keys: list[str]
    name_similarity: int | float | None = None
    manual: bool | None = None
    target: str | None = None
    target_type: str | None = None
    possible: bool | None = None  # below the merge threshold: put on the review board, not merged


class Route(LeadPayload):
    how: str
    owner: str | None = None
    queue: str | None = None
    rule: str | None = None
    partner: str | None = None


class LeadCaptured(LeadPayload):
    channel: str
    path: list[str]
    import_: str | None = Field(None, alias="import")
    row: int | None = None
    customer_match: dict[str, Any] | None = None
    route: Route | None = None
    match: Match | None = None
    review: str | None = None  # why the lead starts on the review board (possible_duplicate, unrouted)
    # Offering lines the input did not name (issue 9): {"line": code, "word": the matched keyword} or
    # {"line": code, "default": true} for the import's default line.
    lines_inferred: list[dict[str, Any]] | None = None
    # Partner rules routing passed over, with why (the partner not active or not certified for the lead's line).
    routing_skipped: list[dict[str, Any]] | None = None


class LeadMerged(LeadPayload):
    """On the merged lead (``into`` the survivor), or, when capture merges a new lead straight into an open
    opportunity, on that opportunity (``merged_lead`` the lead it absorbed)."""

    merge: str
    match: Match
    into: str | None = None
    merged_lead: str | None = None
    touches: int = 0
    campaign: str | None = None


class LeadAbsorbed(LeadPayload):
    """On the survivor: what it took over (capture's automatic merge moves one touch at most)."""

    merged_lead: str
    merge: str
    match: Match
    touches: int = 0
    activities: int = 0
    campaign: str | None = None


class MergeUndone(LeadPayload):
    merge: str
    lead: str | None = None


class LeadChanges(LeadPayload):
    changes: Diff


class LeadRescored(LeadPayload):
    from_: int | None = Field(None, alias="from")
    to: int
    temperature: list[str | None]
    why: str | None = None  # what moved the score when no field did ("touch_merged": capture merged a touch)


class LeadAssigned(LeadPayload):
    how: str
    owner: str | None = None
    queue: str | None = None
    partner: str | None = None


class RoutingSkipped(LeadPayload):
    """Partner rules routing passed over: [{"rule", "name", "partner", "code", "text"}]."""

    skipped: list[dict[str, Any]]


class LeadReturned(LeadPayload):
    previous_owner: str | None = None
    sla: bool = False


class SlaBreached(LeadPayload):
    assignee: str | None = None
    due: str | None = None
    queue: str | None = None


class LeadDisqualified(LeadPayload):
    reason: str


class LeadConverted(LeadPayload):
    opportunity: str
    customer: str
    source_campaign: str | None = None
    influenced_campaigns: list[str] = []


class LeadStale(LeadPayload):
    days: int
    temperature: str


class ActivityLogged(LeadPayload):
    activity_id: str
    type: str
    subject: str
    next_step: str = ""
    next_step_due: str | None = None


class ContactAdded(LeadPayload):
    contact_id: str
    name: str
    decision_role: str


class TouchAdded(LeadPayload):
    campaign: str
    kind: str


class ImportFinished(LeadPayload):
    file: str
    rows: int
    created: int
    merged: int
    invalid: int
    rejected: int


class SettingsChanged(LeadPayload):
    """The lead rules that changed, ``{field: [old, new]}``."""

    changes: Diff


class LeadRevalidated(LeadPayload):
    """The reasons the lead was invalid before it was corrected."""

    invalid_reasons: list[str]


class ReviewFlagged(LeadPayload):
    review_reason: str
    excluded: list[str] | None = None  # unrouted: the people routing had to skip


class NoLeadPayload(LeadPayload):
    pass


LEAD_CAPTURED = register("leads.lead.captured", _("Lead captured"), LeadCaptured)
LEAD_MERGED = register("leads.lead.merged", _("Merged into another record as a duplicate"), LeadMerged)
LEAD_MERGE_UNDONE = register("leads.lead.merge_undone", _("Merge undone"), MergeUndone)
LEAD_ABSORBED = register("leads.lead.absorbed", _("A duplicate was merged into this lead"), LeadAbsorbed)
LEAD_UPDATED = register("leads.lead.updated", _("Lead updated"), LeadChanges)
LEAD_RESCORED = register("leads.lead.rescored", _("Lead re-scored"), LeadRescored)
LEAD_ASSIGNED = register("leads.lead.assigned", _("Lead assigned"), LeadAssigned)
LEAD_ACCEPTED = register("leads.lead.accepted", _("Lead accepted"), NoLeadPayload)
LEAD_RETURNED = register("leads.lead.returned", _("Lead returned"), LeadReturned)
LEAD_SLA_BREACHED = register("leads.lead.sla_breached", _("Accept deadline missed (SLA breach)"), SlaBreached)
LEAD_NURTURING = register("leads.lead.nurturing", _("Nurturing started"), NoLeadPayload)
LEAD_RECYCLED = register("leads.lead.recycled", _("Returned to the marketing nurture pool"), NoLeadPayload)
LEAD_REQUALIFIED = register("leads.lead.requalified", _("Re-qualified from the nurture pool"), NoLeadPayload)
LEAD_DISQUALIFIED = register("leads.lead.disqualified", _("Lead disqualified"), LeadDisqualified)
LEAD_CONVERTED = register("leads.lead.converted", _("Converted to an opportunity"), LeadConverted)
LEAD_STALE = register("leads.lead.stale", _("No activity: stale alert"), LeadStale)
LEAD_REVIEWED = register("leads.lead.reviewed", _("Reviewed"), NoLeadPayload)
LEAD_REVALIDATED = register(
    "leads.lead.revalidated", _("Corrected and sent back to validation"), LeadRevalidated
)
LEAD_ROUTING_SKIPPED = register("leads.lead.routing_skipped", _("Routing rule skipped"), RoutingSkipped)
LEAD_REVIEW_FLAGGED = register("leads.lead.review_flagged", _("Put on the review board"), ReviewFlagged)
ACTIVITY_LOGGED = register("leads.activity.logged", _("Activity logged"), ActivityLogged)
CONTACT_ADDED = register("leads.contact.added", _("Decision-chain contact added"), ContactAdded)
TOUCH_ADDED = register("leads.touch.added", _("Campaign touch added"), TouchAdded)
IMPORT_FINISHED = register("leads.import.finished", _("Lead import finished"), ImportFinished)
SETTINGS_CHANGED = register("leads.settings.changed", _("Lead rules changed"), SettingsChanged)


class RoutingRuleCreated(EventPayload):
    name: str
    priority: int


class RoutingRuleChanged(EventPayload):
    changes: Diff


# The routing table kept on its page (issue 9 item 8): who added, changed, reordered or switched a rule.
ROUTING_RULE_CREATED = register("leads.routing_rule.created", _("Routing rule created"), RoutingRuleCreated)
ROUTING_RULE_UPDATED = register("leads.routing_rule.updated", _("Routing rule changed"), RoutingRuleChanged)
ROUTING_RULE_MOVED = register("leads.routing_rule.moved", _("Routing rule moved in the order"), RoutingRuleChanged)
