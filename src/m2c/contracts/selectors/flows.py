"""The contract's own two of its five flows (domain.md 6.2): the value delivered and the value accepted.

Shipments and certificates carry no amount; they cover sites, and a site is worth its share of the
contract value (``site_value``). A contract without sites is delivered (accepted) as a whole by any
delivered shipment (acceptance certificate). Values are in the contract currency, to the fen.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..models import AcceptanceCertificate, Shipment
from ..states import CertificateType
from .contracts import site_value

if TYPE_CHECKING:
    from ..models import Contract

# Certificates that prove acceptance (a delivery note proves delivery only).
ACCEPTING = (CertificateType.PAC, CertificateType.FAC, CertificateType.SERVICE)


def _covered_value(contract: Contract, site_ids: set[Any], whole: bool) -> Decimal:
    if whole:
        return contract.total_value
    sites = list(contract.sites.all())
    value = sum((site_value(contract, s) for s in sites if s.pk in site_ids), Decimal(0))
    if sites and all(s.pk in site_ids for s in sites) and sum(s.share_pct for s in sites) == 100:
        return contract.total_value  # every site: the whole value, no rounding left over
    return value


def delivery_and_acceptance(contract: Contract) -> dict[str, Decimal]:
    """``delivered`` and ``accepted`` value of the contract (contract currency).

    Delivered: sites with a delivered shipment, a delivery note or an acceptance (accepting something
    proves it arrived). Accepted: sites under a PAC, FAC or service acceptance.
    """
    certs = list(AcceptanceCertificate.objects.filter(contract=contract).prefetch_related("sites"))
    has_sites = contract.sites.exists()
    accepted_ids: set[Any] = set()
    accepted_whole = False
    any_accepted = False
    delivered_ids: set[Any] = set()
    delivered_whole = False
    any_delivered = False
    for cert in certs:
        ids = {s.pk for s in cert.sites.all()}
        whole = cert.whole_contract or not has_sites
        delivered_ids |= ids
        delivered_whole |= cert.whole_contract
        any_delivered = True
        if cert.type in ACCEPTING:
            accepted_ids |= ids
            accepted_whole |= whole
            any_accepted = True
    shipments = Shipment.objects.filter(contract=contract, delivered_on__isnull=False)
    for site_id in shipments.values_list("site_id", flat=True):
        any_delivered = True
        if site_id is None:
            delivered_whole |= not has_sites
        else:
            delivered_ids.add(site_id)
    if not has_sites:
        delivered_whole |= any_delivered
        accepted_whole |= any_accepted
    return {
        "delivered": _covered_value(contract, delivered_ids | accepted_ids, delivered_whole or accepted_whole),
        "accepted": _covered_value(contract, accepted_ids, accepted_whole),
    }
