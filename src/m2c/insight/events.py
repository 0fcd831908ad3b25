"""Event types of the insight app, each with its payload schema."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import EventPayload, NoPayload, register


class RequirementCreated(EventPayload):
    number: str
    title: str
    source_type: str
    opportunity: str | None = None


class RequirementDisposed(EventPayload):
    disposition: str
    target_release: str = ""


REQUIREMENT_CREATED = register("insight.requirement.created", _("Requirement raised"), RequirementCreated)
REQUIREMENT_ANALYSING = register("insight.requirement.analysis_started", _("Requirement analysis started"), NoPayload)
REQUIREMENT_DISPOSED = register("insight.requirement.disposed", _("Requirement disposed"), RequirementDisposed)
REQUIREMENT_IMPLEMENTED = register("insight.requirement.implemented", _("Requirement implemented"), NoPayload)
REQUIREMENT_VERIFIED = register("insight.requirement.verified", _("Requirement verified"), NoPayload)
REQUIREMENT_CLOSED = register("insight.requirement.closed", _("Requirement closed"), NoPayload)
REQUIREMENT_STATUS_CHANGED = register("insight.requirement.status_changed", _("Requirement status changed"), NoPayload)


class SegmentCreated(EventPayload):
    code: str
    name: str


class SegmentChanged(EventPayload):
    changes: dict = {}


class SpanRated(EventPayload):
    axis: str
    scores: dict = {}


class TargetListRefreshed(EventPayload):
    members: int
    added: int = 0
    removed: int = 0


class TargetListLeads(EventPayload):
    created: int
    merged: int = 0
    rejected: int = 0


SEGMENT_CREATED = register("insight.segment.created", _("Segment created"), SegmentCreated)
SEGMENT_UPDATED = register("insight.segment.updated", _("Segment updated"), SegmentChanged)
SEGMENT_SIZED = register("insight.segment.sized", _("Segment sizing recorded"), SegmentChanged)
SEGMENT_RATED = register("insight.segment.rated", _("SPAN ratings recorded"), SpanRated)
SEGMENT_APPEALS_SCORED = register("insight.segment.appeals_scored", _("$APPEALS scores recorded"), SegmentChanged)
SEGMENT_PRIORITISED = register("insight.segment.prioritised", _("Segment prioritised"), NoPayload)
SEGMENT_DEPRIORITISED = register("insight.segment.deprioritised", _("Segment no longer prioritised"), NoPayload)
SEGMENT_RETIRED = register("insight.segment.retired", _("Segment retired"), NoPayload)
SEGMENT_STATUS_CHANGED = register("insight.segment.status_changed", _("Segment status changed"), NoPayload)
TARGET_LIST_CREATED = register("insight.target_list.created", _("Target-account list created"), SegmentCreated)
TARGET_LIST_UPDATED = register("insight.target_list.updated", _("Target-account list changed"), SegmentChanged)
TARGET_LIST_REFRESHED = register("insight.target_list.refreshed", _("Target-account list refreshed"), TargetListRefreshed)
TARGET_LIST_LEADS = register("insight.target_list.leads_created", _("Leads created from a target-account list"),
                             TargetListLeads)


class RequirementLinked(EventPayload):
    opportunity: str
    business_value: str
    currency: str


REQUIREMENT_LINKED = register("insight.requirement.opportunity_linked", _("Opportunity linked to a requirement"),
                              RequirementLinked)


class PlanRecorded(EventPayload):
    changes: dict = {}


BUSINESS_PLAN_CREATED = register("insight.business_plan.created", _("Business plan created"), PlanRecorded)
BUSINESS_PLAN_UPDATED = register("insight.business_plan.updated", _("Business plan changed"), PlanRecorded)
KEY_ACCOUNT_PLAN_CREATED = register("insight.key_account_plan.created", _("Key-account plan created"), PlanRecorded)
KEY_ACCOUNT_PLAN_UPDATED = register("insight.key_account_plan.updated", _("Key-account plan changed"), PlanRecorded)
KEY_ACCOUNT_PLAN_ACTIVATED = register("insight.key_account_plan.activated", _("Key-account plan activated"),
                                      NoPayload)
KEY_ACCOUNT_PLAN_CLOSED = register("insight.key_account_plan.closed", _("Key-account plan closed"), NoPayload)
KEY_ACCOUNT_PLAN_STATUS_CHANGED = register("insight.key_account_plan.status_changed",
                                           _("Key-account plan status changed"), NoPayload)
KEY_ACCOUNT_PLAN_ITEM_ADDED = register("insight.key_account_plan.item_added",
                                       _("Key-account plan: contact, link or action added"), PlanRecorded)
KEY_ACCOUNT_ACTION_DONE = register("insight.key_account_plan.action_done", _("Key-account action done"),
                                   PlanRecorded)

INSIGHT_REPORT_CREATED = register("insight.report.created", _("Insight report created"), PlanRecorded)
INSIGHT_REPORT_UPDATED = register("insight.report.updated", _("Insight report changed"), PlanRecorded)
INSIGHT_REPORT_PUBLISHED = register("insight.report.published", _("Insight report published"), NoPayload)
INSIGHT_REPORT_WITHDRAWN = register("insight.report.withdrawn", _("Insight report back to draft"), NoPayload)
INSIGHT_REPORT_STATUS_CHANGED = register("insight.report.status_changed", _("Insight report status changed"),
                                         NoPayload)
INSIGHT_REPORT_ATTACHED = register("insight.report.attached", _("File attached to an insight report"), PlanRecorded)

INNOVATION_CREATED = register("insight.innovation.created", _("Joint innovation project created"), PlanRecorded)
INNOVATION_UPDATED = register("insight.innovation.updated", _("Joint innovation project changed"), PlanRecorded)
INNOVATION_STARTED = register("insight.innovation.started", _("Joint innovation project started"), NoPayload)
INNOVATION_COMPLETED = register("insight.innovation.completed", _("Joint innovation project completed"), NoPayload)
INNOVATION_CANCELLED = register("insight.innovation.cancelled", _("Joint innovation project cancelled"), NoPayload)
INNOVATION_STATUS_CHANGED = register("insight.innovation.status_changed",
                                     _("Joint innovation project status changed"), NoPayload)
INNOVATION_ITEM_ADDED = register("insight.innovation.item_added",
                                 _("Joint innovation: milestone, participant or output added"), PlanRecorded)
