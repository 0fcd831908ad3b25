"""Territory commands: the province → region and industry → customer-group map that fills in a lead's
region and customer group (routing data, ``Territory``). Administrators keep it on a settings page;
saving reloads the leads app's routing reference (``leads/apps.py`` listens to Territory saves)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DuplicateRecord, FieldErrors
from m2c.core.models import OrgUnit, Role
from m2c.core.roles import Actor, require_role
from m2c.core.services import model_update

from . import events
from .models import Industry, Territory
from .selectors import territory_key

# Which units a territory may point at, by kind.
UNIT_TYPES = {
    Territory.Kind.PROVINCE: (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE),
    Territory.Kind.INDUSTRY: (OrgUnit.Type.CUSTOMER_GROUP,),
}


def _refuse_unless_admin(actor: Actor) -> None:
    require_role(actor, Role.ADMINISTRATOR, message=_("Only an administrator can change the territories."), system=True)


def _clean(kind: str, key: Any, org_unit: Any, *, current: Territory | None = None) -> tuple[str, str, Any]:
    errors = FieldErrors()
    if kind not in Territory.Kind.values:
        errors.add("kind", _("Choose province or industry."))
    text = territory_key(kind, str(key or ""))
    if not text:
        errors.add("key", _("This field is required."))
    elif len(text) > 40:
        errors.add("key", _("At most 40 characters."))
    elif kind == Territory.Kind.INDUSTRY and text not in Industry.values:
        errors.add("key", _("Use an industry code: %(codes)s.") % {"codes": ", ".join(Industry.values)})
    if not isinstance(org_unit, OrgUnit):
        errors.add("org_unit", _("Unknown org unit."))
    elif kind in UNIT_TYPES and org_unit.type not in UNIT_TYPES[kind]:
        errors.add("org_unit", _("A province points at a region or an office; an industry at a customer group."))
    errors.raise_if_any()
    clash = Territory.objects.filter(kind=kind, key=text)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise DuplicateRecord(_("“%(key)s” is already mapped.") % {"key": text}, field="key")
    return kind, text, org_unit


@transaction.atomic
def territory_create(*, actor: Actor, kind: str, key: str, org_unit: OrgUnit) -> Territory:
    _refuse_unless_admin(actor)
    kind, key, org_unit = _clean(kind, key, org_unit)
    territory = Territory.objects.create(kind=kind, key=key, org_unit=org_unit)
    core_events.record(events.TERRITORY_CREATED, territory, actor=actor,
                       payload={"kind": kind, "key": key, "org_unit": org_unit.code})
    return territory


@transaction.atomic
def territory_update(*, territory: Territory, actor: Actor, **changes: Any) -> Territory:
    """Point a province or industry at another unit, or correct its key; the event keeps old and new."""
    _refuse_unless_admin(actor)
    errors = FieldErrors()
    for name in sorted(set(changes) - {"kind", "key", "org_unit"}):
        errors.add(name, _("This field cannot be changed here."))
    errors.raise_if_any()
    kind, key, org_unit = _clean(changes.get("kind", territory.kind), changes.get("key", territory.key),
                                 changes.get("org_unit", territory.org_unit), current=territory)
    diff = model_update(territory, ("kind", "key", "org_unit"), {"kind": kind, "key": key, "org_unit": org_unit})
    if diff:
        core_events.record(events.TERRITORY_UPDATED, territory, actor=actor, payload={"changes": diff})
    return territory


@transaction.atomic
def territory_delete(*, territory: Territory, actor: Actor) -> None:
    """Remove a mapping; leads then fall back to what their input names (or the review queue)."""
    _refuse_unless_admin(actor)
    payload = {"kind": territory.kind, "key": territory.key, "org_unit": territory.org_unit.code}
    core_events.record(events.TERRITORY_DELETED, territory, actor=actor, payload=payload)
    territory.delete()
