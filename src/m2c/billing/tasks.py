"""Background work of the billing app: the dunning ladder, the customer email outbox, dispute escalation.

Each is a periodic sweep that selects what is due and acts through the services, so running one twice
does no harm (``m2c worker`` and the worker thread of ``m2c serve`` run them).
"""

from __future__ import annotations

from m2c.core.periodic import every

from .services import disputes, dunning


@every(3600, name="billing.dunning_sweep")
def dunning_sweep() -> int:
    """Hourly: take the dunning steps due today (D+1, D+15, D+30, D+90) and close settled collection cases."""
    return len(dunning.dunning_sweep().steps)


@every(30, name="billing.customer_email_sweep")
def customer_email_sweep() -> int:
    """Every 30 seconds: send the customer emails (payment reminders) waiting in the outbox."""
    return dunning.send_customer_emails()


@every(3600, name="billing.dispute_escalation_sweep")
def dispute_escalation_sweep() -> int:
    """Hourly: disputes older than 30 days or above the threshold escalate (once)."""
    return disputes.dispute_escalation_sweep()
