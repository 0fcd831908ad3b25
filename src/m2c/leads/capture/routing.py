"""Routing (domain.md 3.4): the first rule whose conditions hold and whose target yields someone.

Rules are data (``RoutingRule``), and so is the territory that fills in a lead's region from its
province and its customer group from its industry (``customers.Territory``, see
:meth:`Reference.territory`). No org unit is named in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from m2c.customers.identity import CustomerRow

from ..models import RoutingRule

if TYPE_CHECKING:
    from .reference import Reference


@dataclass
class RouteResult:
    owner_id: Any = None
    queue_id: Any = None
    rule_id: Any = None
    how: str = ""
    partner_id: Any = None
    # Rules passed over on the way, with why: [{"rule": id, "name": ..., "partner": id, "code": ..., "text": ...}].
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def routed(self) -> bool:
        return bool(self.owner_id or self.queue_id or self.partner_id)


def route(values: dict[str, Any], line_ids: Any, customer: CustomerRow | None, score: int, ref: Reference,
          exclude: set[Any]) -> RouteResult:
    """The first rule whose conditions hold and whose target yields someone not excluded (a partner rule
    whose partner may not take the lead is skipped, its reason kept in ``skipped``)."""
    skipped: list[dict[str, Any]] = []
    found = _first(values, line_ids, customer, score, ref, exclude, skipped)
    found.skipped = skipped
    return found


def _first(values: dict[str, Any], line_ids: Any, customer: CustomerRow | None, score: int, ref: Reference,
           exclude: set[Any], skipped: list[dict[str, Any]]) -> RouteResult:
    rules = ref.rules
    region = ref.unit_by_id(values.get("region_id")) if rules else None
    for rule in rules:
        if rule.min_score and score < rule.min_score:
            continue
        if rule.region_id and not (region and region.path.startswith(rule.region.path)):
            continue
        if rule.customer_group_id and values.get("customer_group_id") != rule.customer_group_id:
            continue
        if rule.industry and values.get("industry") != rule.industry:
            continue
        if rule.offering_line_id and rule.offering_line_id not in line_ids:
            continue
        if rule.tier and (customer is None or customer.tier != rule.tier):
            continue
        if rule.target == RoutingRule.Target.PARTNER:
            found = _partner(rule, line_ids, exclude, skipped)
        else:
            found = _target(rule, customer, ref, exclude)
        if found:
            return found
    # The defaults of domain.md 3.4: a named account goes to its AR; anything else to its team's queue.
    if customer and customer.tier == "named" and customer.ar_owner_id and customer.ar_owner_id not in exclude:
        return RouteResult(owner_id=customer.ar_owner_id, how="named_ar")
    queue = values.get("customer_group_id") or values.get("region_id")
    if queue:
        return RouteResult(queue_id=queue, how="queue")
    return RouteResult()


def _partner(rule: RoutingRule, line_ids: Any, exclude: set[Any], skipped: list[dict[str, Any]]) -> RouteResult | None:
    """A partner rule: only to an ACTIVE partner certified for one of the lead's lines (partners' selector)."""
    from m2c.partners import selectors as partner_selectors

    if not rule.target_partner_id or rule.target_partner_id in exclude:
        return None
    refusal = partner_selectors.routing_refusal(rule.target_partner_id, line_ids)
    if refusal is not None:
        skipped.append({"rule": str(rule.pk), "name": rule.name, "partner": str(rule.target_partner_id), **refusal})
        return None
    return RouteResult(partner_id=rule.target_partner_id, rule_id=rule.pk, how="partner")


def _target(rule: RoutingRule, customer: CustomerRow | None, ref: Reference, exclude: set[Any]) -> RouteResult | None:
    if rule.target == RoutingRule.Target.NAMED_AR:
        if customer and customer.ar_owner_id and customer.ar_owner_id not in exclude:
            return RouteResult(owner_id=customer.ar_owner_id, rule_id=rule.pk, how="named_ar")
        return None
    if rule.target == RoutingRule.Target.USER:
        if rule.target_user_id and rule.target_user_id not in exclude:
            return RouteResult(owner_id=rule.target_user_id, rule_id=rule.pk, how="user")
        return None
    if rule.target == RoutingRule.Target.QUEUE:
        return RouteResult(queue_id=rule.target_unit_id, rule_id=rule.pk, how="queue") if rule.target_unit_id else None
    if rule.target == RoutingRule.Target.ROUND_ROBIN and rule.target_unit_id:
        members = [m for m in ref.team(rule.target_unit) if m not in exclude]
        if not members:
            return None
        capacity = rule.capacity or ref.config.default_capacity
        load = ref.open_load(members)
        free = [m for m in members if load[m] < capacity]
        if not free:
            return None
        chosen = min(free, key=lambda m: load[m])
        return RouteResult(owner_id=chosen, queue_id=rule.target_unit_id, rule_id=rule.pk, how="round_robin")
    return None


