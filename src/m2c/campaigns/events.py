"""Event types of the campaigns app (``campaigns.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import Changes, EventPayload, register


class CampaignCreated(EventPayload):
    code: str
    name: str

CAMPAIGN_SUBMITTED = register("campaigns.campaign.submitted", _("Campaign submitted for approval"))
CAMPAIGN_APPROVED = register("campaigns.campaign.approved", _("Campaign approved"))
CAMPAIGN_REJECTED = register("campaigns.campaign.rejected", _("Campaign sent back to draft"))
CAMPAIGN_PREPARING = register("campaigns.campaign.preparing", _("Campaign preparation started"))
CAMPAIGN_STARTED = register("campaigns.campaign.started", _("Campaign execution started"))
CAMPAIGN_EXECUTED = register("campaigns.campaign.executed", _("Campaign executed"))
CAMPAIGN_EVALUATED = register("campaigns.campaign.evaluated", _("Campaign evaluated"))
CAMPAIGN_CLOSED = register("campaigns.campaign.closed", _("Campaign closed"))
CAMPAIGN_CANCELLED = register("campaigns.campaign.cancelled", _("Campaign cancelled"))

# Planning edits from the campaign pages (the issue 9 settings pages): who set up or changed what.
CAMPAIGN_CREATED = register("campaigns.campaign.created", _("Campaign created"), CampaignCreated)
CAMPAIGN_UPDATED = register("campaigns.campaign.updated", _("Campaign updated"), Changes)
