"""Contract commands: registration from a won deal, versions, sites, the handover and status moves."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import Conflict, FieldErrors, ValidationFailed
from m2c.core.money import Money, to_decimal
from m2c.core.roles import Actor, authenticated
from m2c.core.selectors import user_resolve
from m2c.opportunities import selectors as opportunity_selectors

from .. import events
from ..models import Contract, ContractLine, ContractVersion, DeliveryProject, Site
from ..states import CONTRACT_MACHINE, ContractStatus
from ._common import may_manage_delivery, require_status, require_work

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")


def _next_number(day: dt.date) -> str:
    prefix = f"HT-{day.year}-"
    last = (Contract.objects.select_for_update().filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    sequence = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def snapshot(contract: Contract) -> dict[str, Any]:
    """What a version freezes: totals, terms, sites and lines, as JSON-friendly text."""
    return {
        "number": contract.number, "currency": contract.currency, "total_value": str(contract.total_value),
        "payment_terms": contract.payment_terms, "retention_pct": str(contract.retention_pct or ""),
        "terms": contract.terms,
        "sites": [{"name": s.name, "share_pct": str(s.share_pct)} for s in contract.sites.all()],
        "lines": [{"description": line.description, "site": line.site.name if line.site_id else "",
                   "quantity": str(line.quantity), "unit_price": str(line.unit_price), "amount": str(line.amount)}
                  for line in contract.lines.select_related("site")],
    }


def contract_version_create(*, contract: Contract, actor: Actor, reason: str) -> ContractVersion:
    """Freeze the contract as it is now into the next version (immutable from then on)."""
    number = (contract.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ContractVersion.objects.create(
        contract=contract, number=number, reason=reason[:300], total_value=contract.total_value,
        currency=contract.currency, snapshot=snapshot(contract), created_by=authenticated(actor),
    )
    Contract.objects.filter(pk=contract.pk).update(current_version=number)
    contract.current_version = number
    core_events.record(events.VERSION_CREATED, contract, actor=actor, reason=reason)
    return version


def _shares(lines: list[dict[str, Any]], total: Decimal) -> dict[str, Decimal]:
    """Each named site's share of the total, in percent to 4 places, the last absorbing the rounding."""
    by_site: dict[str, Decimal] = {}
    for line in lines:
        name = (line["site"] or "").strip()
        if name:
            by_site[name] = by_site.get(name, Decimal(0)) + line["amount"]
    if not by_site or total <= 0 or sum(by_site.values()) != total:
        return {}
    names = list(by_site)
    shares = {n: (by_site[n] / total * 100).quantize(SHARE, ROUND_HALF_UP) for n in names}
    shares[names[-1]] = Decimal(100) - sum(shares[n] for n in names[:-1])
    return shares


@transaction.atomic
def contract_create_from_won(*, opportunity_id: Any, quote_id: Any, atc_review_id: Any = None,
                             actor: Actor = None) -> Contract | None:
    """Register the contract of a deal that has just been won, from the ATC-approved quote version.

    Number, customer, currency, lines and totals come from the quote; payment terms from the ATC
    review; owner, org unit and campaign from the deal. Lines with a site name make the contract's
    sites, each with its share of value. Idempotent: a deal has at most one contract.
    """
    existing = Contract.objects.filter(opportunity_id=opportunity_id).first()
    if existing is not None:
        return existing
    deal = opportunity_selectors.won_deal(opportunity_id=opportunity_id, quote_id=quote_id, atc_review_id=atc_review_id)
    opp, quote = deal.opportunity, deal.quote
    if quote is None:
        return None
    today = timezone.localdate()
    total = sum((line["amount"] for line in deal.lines), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    cost = sum((line["unit_cost"] * line["quantity"] for line in deal.lines), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    contract = Contract.objects.create(
        number=_next_number(today), title=opp.name[:200], customer=opp.customer, opportunity=opp, quote=quote,
        atc_review=deal.atc_review, campaign=opp.source_campaign, registered_partner_id=opp.registered_partner_id,
        org_unit=opp.org_unit, owner=opp.owner,
        currency=quote.currency, total_value=total, total_cost=cost,
        total_reporting=fx.to_reporting(Money(total, quote.currency), today).amount,
        margin_pct=((total - cost) / total * 100).quantize(SHARE) if total else None,
        status=ContractStatus.SIGNED, signed_on=today,
        payment_terms=str(deal.terms.get("quote_payment_terms") or ""), retention_pct=deal.retention_pct,
        terms=deal.terms, created_by=authenticated(actor),
    )
    sites = {}
    for position, (name, share) in enumerate(_shares(deal.lines, total).items()):
        sites[name] = Site.objects.create(contract=contract, name=name[:120], share_pct=share, position=position)
    ContractLine.objects.bulk_create([
        ContractLine(contract=contract, position=line["position"], description=line["description"][:300],
                     site=sites.get((line["site"] or "").strip()), quantity=line["quantity"],
                     unit_price=line["unit_price"], amount=line["amount"], unit_cost=line["unit_cost"])
        for line in deal.lines
    ])
    core_events.record(events.CONTRACT_CREATED, contract, actor=actor, to_state=contract.status, payload={
        "number": contract.number, "opportunity": str(opp.pk), "quote": str(quote.pk), "quote_version": quote.number,
        "atc_review": str(deal.atc_review.pk) if deal.atc_review else None, "total": str(total),
        "currency": contract.currency,
        "registered_partner": str(opp.registered_partner_id) if opp.registered_partner_id else None,
    })
    contract_version_create(contract=contract, actor=actor,
                            reason=gettext_noop("Signed from the ATC-approved quote version"))
    return contract


# --- sites ------------------------------------------------------------------------------------------


def _share(value: Any, errors: FieldErrors) -> Decimal | None:
    try:
        number = to_decimal(value, field="share_pct")
    except ValidationFailed as exc:
        errors.add("share_pct", exc.detail)
        return None
    if not Decimal(0) < number <= Decimal(100):
        errors.add("share_pct", _("A share of value is above 0 and at most 100 percent."))
        return None
    return number.quantize(SHARE)


@transaction.atomic
def site_save(*, contract: Contract, actor: Actor, name: str, share_pct: Any, location: str = "",
              site: Site | None = None) -> Site:
    """Add a site or work package, or change one, before the handover. Shares never exceed 100% together."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, (ContractStatus.SIGNED,), _("Changing sites after the handover (use a change request)"))
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Name the site or work package."))
    share = _share(share_pct, errors)
    others = locked.sites.exclude(pk=site.pk if site else None)
    if name and others.filter(name=name).exists():
        errors.add("name", _("This contract already has a site of that name."))
    if share is not None and (others.aggregate(s=Sum("share_pct"))["s"] or Decimal(0)) + share > 100:
        errors.add("share_pct", _("The sites' shares would add up to more than 100%."))
    if site is not None and site.contract_id != locked.pk:
        errors.add("site", _("The site belongs to another contract."))
    errors.raise_if_any()
    if site is None:
        site = Site.objects.create(contract=locked, name=name, share_pct=share, location=(location or "")[:200],
                                   position=locked.sites.count())
        event_type = events.SITE_ADDED
    else:
        site.name, site.share_pct, site.location = name, share, (location or "")[:200]
        site.save()
        event_type = events.SITE_UPDATED
    core_events.record(event_type, locked, actor=actor,
                       payload={"site": str(site.pk), "name": site.name, "share_pct": str(site.share_pct)})
    return site


# --- handover and status moves ------------------------------------------------------------------------


@transaction.atomic
def contract_handover(*, contract: Contract, actor: Actor, pm: Any, handover_on: dt.date | None = None,
                      baseline_plan: str = "", notes: str = "") -> Contract:
    """SIGNED → IN_EXECUTION: the handover meeting (AR to FR and PM) creates the delivery project with its PM
    and the baselined plan. Sites, if any, must share out exactly 100% of the value."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, (ContractStatus.SIGNED,), _("The handover"))
    errors = FieldErrors()
    person = user_resolve(pm, field="pm", errors=errors, required=True)
    if person is not None and not may_manage_delivery(person):
        errors.add("pm", _("%(name)s cannot open contracts (a partner or marketing user): choose a project manager "
                           "of the delivery team.") % {"name": person})
    day = handover_on or timezone.localdate()
    if day > timezone.localdate():
        errors.add("handover_on", _("The handover meeting cannot be in the future."))
    if locked.signed_on and day < locked.signed_on:
        errors.add("handover_on", _("The handover cannot be before the signature."))
    shares = list(locked.sites.values_list("share_pct", flat=True))
    if shares and sum(shares) != 100:
        errors.add("sites", _("The sites' shares add up to %(pct)s%%, not 100%%.") % {"pct": f"{sum(shares):f}"})
    errors.raise_if_any()
    project = DeliveryProject.objects.create(contract=locked, pm=person, handover_on=day,
                                             baseline_plan=(baseline_plan or "").strip(), notes=(notes or "").strip())
    result = CONTRACT_MACHINE.apply(
        locked, ContractStatus.IN_EXECUTION, actor=actor, context={"actor": actor},
        payload={"delivery_project": str(project.pk), "pm": str(person)},
    )
    return result


def _move(contract: Contract, target: str, *, actor: Actor, reason: str, **context: Any) -> Contract:
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    return CONTRACT_MACHINE.apply(locked, target, actor=actor, reason=(reason or "").strip(),
                                  context={"actor": actor, "reason": reason, **context},
                                  changes={"status_reason": (reason or "").strip()})


@transaction.atomic
def contract_suspend(*, contract: Contract, actor: Actor, reason: str) -> Contract:
    """IN_EXECUTION → SUSPENDED on a dispute or a customer stop, saying why."""
    return _move(contract, ContractStatus.SUSPENDED, actor=actor, reason=reason)


@transaction.atomic
def contract_resume(*, contract: Contract, actor: Actor, reason: str) -> Contract:
    """SUSPENDED → IN_EXECUTION."""
    return _move(contract, ContractStatus.IN_EXECUTION, actor=actor, reason=reason)


@transaction.atomic
def contract_terminate(*, contract: Contract, actor: Actor, reason: str) -> Contract:
    """SIGNED / IN_EXECUTION / SUSPENDED → TERMINATED, approved at ATAC level."""
    return _move(contract, ContractStatus.TERMINATED, actor=actor, reason=reason)


@transaction.atomic
def contract_fulfil(*, contract: Contract, actor: Actor, reason: str = "") -> Contract:
    """IN_EXECUTION → FULFILLED when final acceptance covers all of the contract's value."""
    return _move(contract, ContractStatus.FULFILLED, actor=actor, reason=reason)


@transaction.atomic
def contract_close(*, contract: Contract, actor: Actor, reason: str = "") -> Contract:
    """FULFILLED → CLOSED on an ATCC GO whose checklist holds; the evaluation is frozen with it."""
    from .closure import evaluation_finalise

    closed = _move(contract, ContractStatus.CLOSED, actor=actor, reason=reason)
    evaluation_finalise(closed, actor=actor)
    return closed


def require_not_closed(contract: Contract) -> None:
    if contract.status in (ContractStatus.CLOSED, ContractStatus.TERMINATED):
        raise Conflict(_("The contract is %(status)s.") % {"status": contract.get_status_display()},
                       code="contract_closed")
