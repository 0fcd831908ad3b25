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
