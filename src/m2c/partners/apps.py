from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "m2c.partners"
    label = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from m2c.core import events as core_events
        from m2c.opportunities import events as opportunity_events

        from . import events  # noqa: F401
        from .services import registrations

        # A converted registration follows its opportunity to WON or LOST (domain.md 11.10), in the
        # transaction that records the outcome.
        core_events.subscribe(opportunity_events.OPPORTUNITY_WON, registrations.on_opportunity_closed)
        core_events.subscribe(opportunity_events.OPPORTUNITY_LOST, registrations.on_opportunity_closed)
