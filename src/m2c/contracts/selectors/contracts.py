"""Reads of contracts, scoped: a user sees the contracts of their org subtree, those they own and those
whose delivery project they manage. Partner users see none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from m2c.core.errors import NotFound
from m2c.core.models import Role
from m2c.core.scoping import scope

from ..models import AcceptanceCertificate, Contract, Site
from ..states import FINAL_CERTIFICATES, CertificateType, ContractStatus

CONTRACT_SCOPE = {"org_field": "org_unit", "owner_fields": ("owner", "delivery_project__pm")}


# Marketing and partner users have no contracts (domain.md 5) unless they also hold a role that works on them.
NO_CONTRACT_ROLES = (Role.MARKETING, Role.PARTNER)
CONTRACT_ROLES = (Role.AR, Role.SR, Role.FR, Role.FINANCE, Role.DECISION_TEAM)


def reads_no_contracts(user: Any) -> bool:
    """A marketing or partner user without another role: no contract, invoice or dispute, on a page or the API."""
    return bool(getattr(user, "is_authenticated", False) and not user.sees_everything
                and user.has_role(*NO_CONTRACT_ROLES) and not user.has_role(*CONTRACT_ROLES))


def contract_queryset(user: Any) -> QuerySet[Contract]:
    if reads_no_contracts(user):
        return Contract.objects.none()
    return scope(Contract.objects.all(), user, **CONTRACT_SCOPE)


@dataclass
class ContractFilters:
    search: str | None = None
    status: str | None = None
    customer: Any = None
    owner: Any = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None


def contract_list(*, user: Any, filters: ContractFilters | None = None) -> QuerySet[Contract]:
    f = filters or ContractFilters()
    qs = contract_queryset(user).select_related("customer", "owner", "org_unit")
    if f.search:
        qs = qs.filter(Q(number__icontains=f.search) | Q(title__icontains=f.search)
                       | Q(customer__legal_name__icontains=f.search))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.customer:
        qs = qs.filter(customer_id=f.customer)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.signed_from:
        qs = qs.filter(signed_on__gte=f.signed_from)
    if f.signed_to:
        qs = qs.filter(signed_on__lte=f.signed_to)
    return qs.order_by("-signed_on", "-created_at", "pk")


def contract_get(*, user: Any, contract_id: Any) -> Contract:
    """The contract if ``user`` may see it; otherwise 404 (whether it exists is not told)."""
    contract = contract_queryset(user).select_related("customer", "owner", "org_unit", "campaign", "opportunity",
                                                      "quote").filter(pk=contract_id).first()
    if contract is None:
        raise NotFound()
    return contract


def contract_for_opportunity(*, opportunity_id: Any) -> Contract | None:
    return Contract.objects.filter(opportunity_id=opportunity_id).first()


def contract_by_id(contract_id: Any) -> Contract | None:
    """A contract by id, unscoped: for services and event handlers that already hold the right."""
    return Contract.objects.filter(pk=contract_id).first()


# A contract finished this way invoices nothing more: closed on ATCC GO (its rest written off or settled) or
# terminated on ATAC GO.
FINISHED_STATUSES = (ContractStatus.CLOSED, ContractStatus.TERMINATED)


def values_by_contract(contract_ids: Any) -> dict[Any, dict[str, Any]]:
    """Contract id → its current value (after approved changes), currency, and whether it is finished (closed or
    terminated: nothing more will be invoiced), in one query, for rules evaluated on many contracts at once."""
    ids = list(contract_ids)
    if not ids:
        return {}
    rows = Contract.objects.filter(pk__in=ids).values_list("pk", "total_value", "currency", "status")
    return {pk: {"value": value, "currency": currency, "finished": status in FINISHED_STATUSES}
            for pk, value, currency, status in rows}


def contract_lock(contract_id: Any) -> Contract:
    """The contract's row locked for the caller's transaction (with its customer), for writes that depend on it."""
    return Contract.objects.select_for_update(of=("self",)).select_related("customer").get(pk=contract_id)


def contracts_in_states(states: tuple[str, ...], *, exclude_ids: Any = ()) -> QuerySet[Contract]:
    """Contracts in ``states`` (unscoped, by number), leaving out ``exclude_ids`` (a list or a subquery)."""
    return Contract.objects.filter(status__in=states).exclude(pk__in=exclude_ids).order_by("number")


def site_value(contract: Contract, site: Site) -> Decimal:
    return (contract.total_value * site.share_pct / Decimal(100)).quantize(Decimal("0.01"))


def acceptance_coverage(contract: Contract) -> dict[str, Any]:
    """How much of the contract value each kind of certificate covers, in percent of the value.

    A certificate covers the whole contract, or the sites in its scope by their share of value. Final
    acceptance (FAC or service acceptance) of 100% is what fulfils the contract.
    """
    sites = list(contract.sites.all())
    covered: dict[str, set[Any]] = {t: set() for t in CertificateType.values}
    whole: set[str] = set()
    for cert in AcceptanceCertificate.objects.filter(contract=contract).prefetch_related("sites"):
        if cert.whole_contract or not sites:
            whole.add(cert.type)
        covered[cert.type] |= {s.pk for s in cert.sites.all()}
    out: dict[str, Any] = {}
    for kind in CertificateType.values:
        if kind in whole:
            out[kind] = Decimal(100)
        else:
            out[kind] = sum((s.share_pct for s in sites if s.pk in covered[kind]), Decimal(0))
    final_sites = set().union(*(covered[k] for k in FINAL_CERTIFICATES))
    if whole & set(FINAL_CERTIFICATES):
        final = Decimal(100)
    else:
        final = sum((s.share_pct for s in sites if s.pk in final_sites), Decimal(0))
    out["final_pct"] = final
    return out


def site_progress(contract: Contract) -> list[dict[str, Any]]:
    """Per site: its share and value, shipments (shipped, delivered) and the certificates that cover it."""
    rows = []
    certs = list(AcceptanceCertificate.objects.filter(contract=contract).prefetch_related("sites"))
    for site in contract.sites.all():
        shipments = list(site.shipments.all())
        types = sorted({c.type for c in certs if c.whole_contract or site in c.sites.all()})
        rows.append({
            "site": site, "value": site_value(contract, site),
            "shipped": len(shipments), "delivered": sum(1 for s in shipments if s.delivered_on),
            "accepted": types,
        })
    return rows


def exposed_contracts(customer_id: Any) -> QuerySet[Contract]:
    return Contract.objects.filter(customer_id=customer_id, status__in=EXPOSED)


EXPOSED = [s.value for s in (ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING,
                             ContractStatus.SUSPENDED, ContractStatus.FULFILLED)]


def today() -> dt.date:
    return timezone.localdate()


def contracts_of_opportunities(opportunity_ids: Any) -> list[dict[str, Any]]:
    """The contracts registered from these opportunities: id, opportunity, source campaign, currency, signed on.

    ``opportunity_ids`` is any iterable of ids or a queryset of them; a queryset goes to the database as a
    subquery (thousands of ids are neither read into Python nor sent back as a literal ``IN`` list)."""
    ids = opportunity_ids if isinstance(opportunity_ids, QuerySet) else list(opportunity_ids)
    return list(Contract.objects.filter(opportunity_id__in=ids).values(
        "id", "opportunity_id", "campaign_id", "currency", "signed_on"))


def contract_margins_of_opportunities(opportunity_ids: Any) -> list[dict[str, Any]]:
    """Price and cost of the contracts registered from these opportunities (the ATC-approved quote's totals,
    contract currency): opportunity, currency, total value, total cost. Read by the business plans' margin."""
    return list(Contract.objects.filter(opportunity_id__in=list(opportunity_ids)).values(
        "opportunity_id", "currency", "total_value", "total_cost"))


def contracts_of_campaign(campaign_id: Any) -> list[dict[str, Any]]:
    """The contracts a campaign sourced (the campaign carried from the won opportunity)."""
    return list(Contract.objects.filter(campaign_id=campaign_id).values(
        "id", "opportunity_id", "campaign_id", "currency", "signed_on"))


def contracts_of_partner(partner_id: Any, *, also: Any = ()) -> list[dict[str, Any]]:
    """The contracts of deals the partner registered (``registered_partner_id``), plus the contracts ``also``
    names: id, currency, value, value in the reporting currency, signed on. Unscoped: the partners app's
    selectors scope who asks."""
    return list(Contract.objects.filter(Q(registered_partner_id=partner_id) | Q(pk__in=list(also))).values(
        "id", "currency", "total_value", "total_reporting", "signed_on"))
