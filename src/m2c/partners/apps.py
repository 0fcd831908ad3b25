from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "m2c.partners"
    label = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from m2c.contracts import events as contract_events
        from m2c.core import events as core_events
        from m2c.opportunities import events as opportunity_events

        from . import events  # noqa: F401
        from .services import deal_won, registrations

        # A converted registration follows its opportunity to WON or LOST (domain.md 11.10), in the
        # transaction that records the outcome.
        core_events.subscribe(opportunity_events.OPPORTUNITY_WON, registrations.on_opportunity_closed)
        core_events.subscribe(opportunity_events.OPPORTUNITY_LOST, registrations.on_opportunity_closed)
        # The contract of a registered deal accrues the partner's incentives (domain.md 8.2 rule 7, 8.3).
        core_events.subscribe(contract_events.CONTRACT_CREATED, deal_won.on_contract_created)
