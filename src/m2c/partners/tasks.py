"""Background work of the partners app: certification, registration expiry and lead-offer sweeps."""

from __future__ import annotations

from m2c.core.periodic import every


@every(6 * 3600, name="partners.certification_sweep")
def certification_sweep() -> dict:
    """EXPIRING notices 90 days ahead, NON_COMPLIANT after 90 days without a required expert, lapses."""
    from .services import certification_sweep as sweep

    return sweep()


@every(3600, name="partners.registration_expiry_sweep")
def registration_expiry_sweep() -> int:
    """Registrations whose protection ended expire, releasing their key."""
    from .services import registration_expiry_sweep as sweep

    return sweep()


@every(900, name="partners.offer_sweep")
def offer_sweep() -> int:
    """Leads a partner did not accept or return within 3 working days go back."""
    from .services import offer_sweep as sweep

    return sweep()


@every(6 * 3600, name="partners.incentive_sweep")
def incentive_sweep() -> int:
    """Accruals whose certification, threshold and paid invoices all hold become ELIGIBLE."""
    from .services import incentive_sweep as sweep

    return sweep()
