from django.utils.translation import gettext_lazy as _

from m2c.core.events import register

OPPORTUNITY_CREATED = register("opportunities.opportunity.created", _("Opportunity created"))
