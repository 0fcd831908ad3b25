from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "m2c.billing"
    label = "billing"
    verbose_name = _("Billing and cash")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from m2c.contracts import events as contract_events
        from m2c.contracts import selectors as contract_selectors
        from m2c.core import events as core_events

        from . import events, schedule  # noqa: F401
        from .selectors import disputes, receivables
        from .services import milestones

        # Evidence recorded on a contract releases the milestones it triggers, in the same transaction.
        core_events.subscribe(contract_events.CERTIFICATE_RECORDED, milestones.on_certificate_recorded)
        # An approved contract change recomputes the unbilled part of the milestones, in the same transaction.
        core_events.subscribe(contract_events.CHANGE_APPLIED, milestones.on_contract_changed)
        # A terminated contract cancels unbilled milestones and settles billed ones at what was invoiced.
        core_events.subscribe(contract_events.CONTRACT_TERMINATED, milestones.on_contract_terminated)
        # The contracts app's seam: what is billed per contract and the customer's open receivables.
        contract_selectors.provide(billed=receivables.billed_by_contract,
                                   open_receivables=receivables.open_receivables_reporting,
                                   contract_cash=receivables.contract_cash,
                                   # every dispute closed, not only resolved (ATCC, domain.md 11.5)
                                   open_disputes=lambda contract_id: disputes.open_disputes(
                                       contract_id, include_resolved=True).count())
