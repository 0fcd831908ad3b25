"""Event types of the leads app (``leads.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import register

LEAD_CAPTURED = register("leads.lead.captured", _("Lead captured"))
LEAD_MERGED = register("leads.lead.merged", _("Merged into another record as a duplicate"))
LEAD_MERGE_UNDONE = register("leads.lead.merge_undone", _("Merge undone"))
LEAD_ABSORBED = register("leads.lead.absorbed", _("A duplicate was merged into this lead"))
LEAD_UPDATED = register("leads.lead.updated", _("Lead updated"))
LEAD_RESCORED = register("leads.lead.rescored", _("Lead re-scored"))
LEAD_ASSIGNED = register("leads.lead.assigned", _("Lead assigned"))
LEAD_ACCEPTED = register("leads.lead.accepted", _("Lead accepted"))
LEAD_RETURNED = register("leads.lead.returned", _("Lead returned"))
LEAD_SLA_BREACHED = register("leads.lead.sla_breached", _("Accept deadline missed (SLA breach)"))
LEAD_NURTURING = register("leads.lead.nurturing", _("Nurturing started"))
LEAD_RECYCLED = register("leads.lead.recycled", _("Returned to the marketing nurture pool"))
LEAD_REQUALIFIED = register("leads.lead.requalified", _("Re-qualified from the nurture pool"))
LEAD_DISQUALIFIED = register("leads.lead.disqualified", _("Lead disqualified"))
LEAD_CONVERTED = register("leads.lead.converted", _("Converted to an opportunity"))
LEAD_STALE = register("leads.lead.stale", _("No activity: stale alert"))
LEAD_REVIEWED = register("leads.lead.reviewed", _("Reviewed"))
LEAD_REVALIDATED = register("leads.lead.revalidated", _("Corrected and sent back to validation"))
LEAD_REVIEW_FLAGGED = register("leads.lead.review_flagged", _("Put on the review board"))
ACTIVITY_LOGGED = register("leads.activity.logged", _("Activity logged"))
CONTACT_ADDED = register("leads.contact.added", _("Decision-chain contact added"))
TOUCH_ADDED = register("leads.touch.added", _("Campaign touch added"))
IMPORT_FINISHED = register("leads.import.finished", _("Lead import finished"))
SETTINGS_CHANGED = register("leads.settings.changed", _("Lead rules changed"))
