from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "m2c.contracts"
    label = "contracts"
    verbose_name = _("Contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from m2c.core import events as core_events
        from m2c.opportunities import events as opportunity_events

        from . import events  # noqa: F401
        from .services import reactions

        # A won deal becomes a contract, and a contract gate's decision moves its contract, in the
        # transaction that records the event (architecture.md: apps react to each other's events).
        core_events.subscribe(opportunity_events.OPPORTUNITY_WON, reactions.on_opportunity_won)
        core_events.subscribe(opportunity_events.REVIEW_DECIDED, reactions.on_review_decided)
