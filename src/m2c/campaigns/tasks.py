"""Background work of the campaigns app."""

from __future__ import annotations

from m2c.core.periodic import every


@every(6 * 3600, name="campaigns.evaluation_sweep")
def evaluation_sweep() -> int:
    """Every six hours: create the T+30 / T+90 / T+180 evaluations that have come due."""
    from .services import evaluations_schedule

    return evaluations_schedule()


@every(6 * 3600, name="campaigns.asset_expiry_sweep")
def asset_expiry_sweep() -> int:
    """Every six hours: published marketing assets whose review is overdue become EXPIRED."""
    from .services import asset_expiry_sweep as sweep

    return sweep()
@every(300, name="campaigns.response_conversion_sweep")
def response_conversion_sweep() -> int:
    """Every five minutes: convert the pending campaign responses into leads (the 2-working-day window)."""
    from .services.responses import responses_convert_pending

    return responses_convert_pending()


@every(30, name="campaigns.email_sweep")
def campaign_email_sweep() -> int:
    """Every 30 seconds: send the invitations and registration confirmations waiting in the outbox."""
    from .services.invitations import campaign_emails_send

    return campaign_emails_send()
