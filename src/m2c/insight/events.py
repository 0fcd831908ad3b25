"""Event types of the insight app."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import register

REQUIREMENT_CREATED = register("insight.requirement.created", _("Requirement raised"))
REQUIREMENT_ANALYSING = register("insight.requirement.analysis_started", _("Requirement analysis started"))
REQUIREMENT_DISPOSED = register("insight.requirement.disposed", _("Requirement disposed"))
REQUIREMENT_IMPLEMENTED = register("insight.requirement.implemented", _("Requirement implemented"))
REQUIREMENT_VERIFIED = register("insight.requirement.verified", _("Requirement verified"))
REQUIREMENT_CLOSED = register("insight.requirement.closed", _("Requirement closed"))
REQUIREMENT_STATUS_CHANGED = register("insight.requirement.status_changed", _("Requirement status changed"))
