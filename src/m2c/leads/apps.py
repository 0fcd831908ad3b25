from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "m2c.leads"
    label = "leads"
    verbose_name = _("Leads")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from m2c.core import events as core_events
        from m2c.core.models import CalendarDay, OfferingLine, OrgUnit
        from m2c.customers.models import Territory

        from .capture import forget_shared_reference
        from .models import LeadSettings, RoutingRule

        for model in (LeadSettings, RoutingRule, OfferingLine, OrgUnit, CalendarDay, Territory):
            post_save.connect(forget_shared_reference, sender=model, dispatch_uid=f"leads.reference.{model.__name__}.save")
            post_delete.connect(forget_shared_reference, sender=model,
                                dispatch_uid=f"leads.reference.{model.__name__}.delete")
        # A lead a partner returned (or left unanswered) goes back to routing (domain.md 3.4 rule 4, 8.4).
        from m2c.partners import events as partner_events

        from .services.routing import on_partner_returned

        core_events.subscribe(partner_events.OFFER_RETURNED, on_partner_returned)
