"""The routing table (domain.md 3.4) as data administrators keep on a page: add, change, reorder and
switch rules on or off. Rules are read in ``priority`` order; the first that matches and yields an
assignee wins (``leads.capture.routing``). Saving a rule reloads the shared routing reference
(``leads/apps.py`` listens to RoutingRule saves)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.roles import Actor, require_role
from m2c.core.services import model_update
from m2c.customers.models import Industry, Tier

from .. import events
from ..models import RoutingRule

RULE_FIELDS = ("priority", "name", "active", "region", "customer_group", "industry", "offering_line", "tier",
               "min_score", "target", "target_user", "target_unit", "target_partner_id", "capacity")


def _refuse_unless_admin(actor: Actor) -> None:
    require_role(actor, Role.ADMINISTRATOR, message=_("Only an administrator can change the routing rules."), system=True)


def _clean(data: dict[str, Any], current: RoutingRule | None) -> dict[str, Any]:
    errors = FieldErrors()
    for key in sorted(set(data) - set(RULE_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    clean = {k: v for k, v in data.items() if k in RULE_FIELDS}
    if "name" in clean:
        clean["name"] = errors.text("name", clean["name"], required=_("A name is required."), max_length=120)
    for key, low, high in (("priority", 0, 1_000_000), ("min_score", 0, 100)):
        if key in clean:
            value = clean[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors.add(key, _("A whole number between %(low)s and %(high)s.") % {"low": low, "high": high})
    if "capacity" in clean and clean["capacity"] is not None:
        value = clean["capacity"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
            errors.add("capacity", _("A whole number between %(low)s and %(high)s.") % {"low": 1, "high": 10000})
    if "industry" in clean:
        clean["industry"] = clean["industry"] or ""
        if clean["industry"] and clean["industry"] not in Industry.values:
            errors.add("industry", _("Unknown industry."))
    if "tier" in clean:
        clean["tier"] = clean["tier"] or ""
        if clean["tier"] and clean["tier"] not in Tier.values:
            errors.add("tier", _("Unknown customer tier."))
    for key, model in (("region", OrgUnit), ("customer_group", OrgUnit), ("target_unit", OrgUnit),
                       ("offering_line", OfferingLine), ("target_user", User)):
        if key in clean and clean[key] is not None and not isinstance(clean[key], model):
            errors.add(key, _("Unknown value."))
    if "active" in clean:
        clean["active"] = bool(clean["active"])
    target = clean.get("target", getattr(current, "target", None))
    if target not in RoutingRule.Target.values:
        errors.add("target", _("Choose where the rule routes to."))
    user = clean["target_user"] if "target_user" in clean else getattr(current, "target_user", None)
    unit = clean["target_unit"] if "target_unit" in clean else getattr(current, "target_unit", None)
    if target == RoutingRule.Target.USER and user is None:
        errors.add("target_user", _("Name the person the rule routes to."))
    if target in (RoutingRule.Target.QUEUE, RoutingRule.Target.ROUND_ROBIN) and unit is None:
        errors.add("target_unit", _("Name the queue or team the rule routes to."))
    if "target_partner_id" in clean:
        clean["target_partner_id"] = _partner_id(clean["target_partner_id"], errors)
    partner = clean["target_partner_id"] if "target_partner_id" in clean else getattr(current, "target_partner_id", None)
    if target == RoutingRule.Target.PARTNER and partner is None and not any(e["field"] == "target_partner_id" for e in errors.items):
        errors.add("target_partner_id", _("Name the partner the rule routes to."))
    if user is not None and "target_user" in clean and not user.is_active:
        errors.add("target_user", _("This person is no longer active."))
    errors.raise_if_any()
    return clean


def _partner_id(value: Any, errors: FieldErrors) -> uuid.UUID | None:
    """A partner rule's partner, by id, read through partners' selector (leads never imports its models)."""
    from m2c.partners import selectors as partner_selectors

    if value in (None, ""):
        return None
    try:
        partner_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        partner_id = None
    if partner_id is None or partner_selectors.partner_by_id(partner_id) is None:
        errors.add("target_partner_id", _("Unknown partner."))
        return None
    return partner_id


@transaction.atomic
def routing_rule_create(*, actor: Actor, **data: Any) -> RoutingRule:
    """A new rule; without a priority it goes last (10 after the last rule)."""
    _refuse_unless_admin(actor)
    for key in ("name", "target"):
        data.setdefault(key, "")
    if data.get("priority") is None:
        last = RoutingRule.objects.order_by("-priority").values_list("priority", flat=True).first()
        data["priority"] = (last or 0) + 10
    clean = _clean(data, None)
    rule = RoutingRule.objects.create(**clean)
    core_events.record(events.ROUTING_RULE_CREATED, rule, actor=actor, payload={"name": rule.name, "priority": rule.priority})
    return rule


@transaction.atomic
def routing_rule_update(*, rule: RoutingRule, actor: Actor, **changes: Any) -> RoutingRule:
    """Change a rule's conditions, target, order or switch it on or off; the event keeps old and new values."""
    _refuse_unless_admin(actor)
    clean = _clean(changes, rule)
    diff = model_update(rule, RULE_FIELDS, clean)
    if diff:
        core_events.record(events.ROUTING_RULE_UPDATED, rule, actor=actor, payload={"changes": diff})
    return rule


@transaction.atomic
def routing_rule_move(*, rule: RoutingRule, actor: Actor, direction: str) -> RoutingRule:
    """Move a rule one place up or down the order (it swaps places with its neighbour).

    Rules sharing a priority are first renumbered 10, 20, 30… in their current order, so a move always
    changes which rule is read first.
    """
    _refuse_unless_admin(actor)
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move a rule up or down."), field="direction")
    rules = list(RoutingRule.objects.select_for_update().order_by("priority", "name", "pk"))
    if len({r.priority for r in rules}) != len(rules):
        for i, other in enumerate(rules, start=1):
            if other.priority != i * 10:
                other.priority = i * 10
                other.save(update_fields=["priority"])
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    neighbour_index = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour_index < len(rules):
        return rule
    mine, neighbour = rules[index], rules[neighbour_index]
    old, new = mine.priority, neighbour.priority
    mine.priority, neighbour.priority = new, old
    mine.save(update_fields=["priority"])  # saves, not queryset updates: the routing reference reloads on save
    neighbour.save(update_fields=["priority"])
    rule.priority = new
    core_events.record(events.ROUTING_RULE_MOVED, rule, actor=actor, payload={"changes": {"priority": [old, new]}})
    return rule
