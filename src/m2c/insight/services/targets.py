"""Target-account commands: save criteria, refresh the members, raise leads through the lead rules.

Widening the funnel mouth (扩大喇叭口): a list finds customers nobody is working (no open deal, no
contact for N days, with or without an installed base) in a segment's industry, region and size.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.models import OrgUnit
from m2c.core.roles import Actor, authenticated
from m2c.core.services import model_update, rows_update
from m2c.customers.models import Industry, Tier
from m2c.leads.services import lead_create_bulk

from .. import events
from ..models import Segment, TargetList, TargetListMember
from ..selectors import targets as target_selectors
from ..states import InstalledBase
from .market import _require_market, _require_region_reach

CRITERIA_FIELDS = ("name", "segment", "industries", "region", "tiers", "installed_base", "no_open_opportunity",
                   "last_contact_days")
MAX_LEADS_PER_CALL = 2000


def _criteria(errors: FieldErrors, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not partial or "name" in data:
        values["name"] = errors.text("name", data.get("name"), required=_("Name the list."), max_length=200)
    if "segment" in data:
        values["segment"] = data["segment"]
    for key, choices, label in (("industries", Industry.values, _("Unknown industry: %(v)s.")),
                                ("tiers", Tier.values, _("Unknown customer size: %(v)s."))):
        if key in data or not partial:
            items = data.get(key) or []
            if isinstance(items, str):
                items = [i for i in items.replace("，", ",").split(",") if i.strip()]
            items = sorted({str(i).strip() for i in items})
            bad = [i for i in items if i not in choices]
            if bad:
                errors.add(key, label % {"v": ", ".join(bad)[:100]})
            values[key] = items
    if "region" in data:
        values["region"] = data["region"]
    if not partial or "installed_base" in data:
        base = data.get("installed_base") or InstalledBase.ANY
        if base not in InstalledBase.values:
            errors.add("installed_base", _("Any, with or without an installed base."))
        values["installed_base"] = base
    if not partial or "no_open_opportunity" in data:
        values["no_open_opportunity"] = bool(data.get("no_open_opportunity"))
    if not partial or "last_contact_days" in data:
        days = data.get("last_contact_days")
        if days in (None, ""):
            values["last_contact_days"] = None
        elif isinstance(days, bool) or not str(days).strip().isdigit() or not 1 <= int(str(days).strip()) <= 3650:
            errors.add("last_contact_days", _("A whole number of days from 1 to 3650."))
        else:
            values["last_contact_days"] = int(str(days).strip())
    return values


def _fill_from_segment(values: dict[str, Any], segment: Segment | None) -> None:
    """A list made for a segment starts from the segment's industry, region and size."""
    if segment is None:
        return
    values.setdefault("industries", [])
    if not values["industries"]:
        values["industries"] = [segment.industry]
    if values.get("region") is None:
        values["region"] = segment.region
    if not values.get("tiers") and segment.customer_tier:
        values["tiers"] = [segment.customer_tier]


@transaction.atomic
def target_list_create(*, actor: Actor, org_unit: OrgUnit | None = None, **data: Any) -> TargetList:
    """Save a target-account list's criteria; its members come with the first refresh."""
    _require_market(actor)
    errors = FieldErrors()
    values = _criteria(errors, {"installed_base": InstalledBase.ANY, **data}, partial=False)
    unit = org_unit or (values.get("segment").region if values.get("segment") else None) or \
        (actor.org_unit if actor is not None else None)
    if unit is None and (actor is None or actor.sees_everything):
        unit = OrgUnit.objects.filter(parent__isnull=True).order_by("code").first()  # the whole company
    if unit is None:
        errors.add("org_unit", _("Choose the org unit the list belongs to."))
    errors.raise_if_any()
    _require_region_reach(actor, unit)
    _require_region_reach(actor, values.get("region"))
    _fill_from_segment(values, values.get("segment"))
    target = TargetList.objects.create(org_unit=unit, created_by=authenticated(actor), **values)
    core_events.record(events.TARGET_LIST_CREATED, target, actor=actor,
                       payload={"code": str(target.pk), "name": target.name})
    return target


@transaction.atomic
def target_list_update(*, actor: Actor, target_list: TargetList, **data: Any) -> TargetList:
    _require_market(actor)
    errors = FieldErrors()
    values = _criteria(errors, data, partial=True)
    errors.raise_if_any()
    _require_region_reach(actor, values.get("region"))
    diff = model_update(target_list, CRITERIA_FIELDS, values)
    if diff:
        core_events.record(events.TARGET_LIST_UPDATED, target_list, actor=actor, payload={"changes": diff})
    return target_list


@transaction.atomic
def target_list_refresh(*, actor: Actor, target_list: TargetList) -> TargetList:
    """Run the criteria now: new matches join, customers that no longer match leave (one diff, in SQL)."""
    _require_market(actor)
    locked = TargetList.objects.select_for_update().get(pk=target_list.pk)
    now = timezone.now()
    added, removed, total = _store_members(locked, target_selectors.target_matches(locked), now)
    locked.refreshed_at = now
    locked.member_count = total
    locked.save(update_fields=["refreshed_at", "member_count", "updated_at"])
    core_events.record(events.TARGET_LIST_REFRESHED, locked, actor=actor,
                       payload={"members": total, "added": added, "removed": removed})
    target_list.refreshed_at, target_list.member_count = locked.refreshed_at, locked.member_count
    return locked


def _store_members(target_list: TargetList, matches: Any, now: Any) -> tuple[int, int, int]:
    """Make the list's members exactly ``matches`` (a customer queryset): (added, removed, members).

    The match runs once, into a temporary table, and the diff is two statements against it, so a list
    of tens of thousands of accounts never travels to Python and back (benchmarks/target_accounts.py).
    """
    match_sql, params = matches.order_by().values("pk").query.sql_with_params()
    member = connection.ops.quote_name(TargetListMember._meta.db_table)
    scratch = connection.ops.quote_name(f"target_match_{uuid.uuid4().hex[:12]}")
    list_id = TargetListMember._meta.get_field("target_list").target_field.get_db_prep_value(
        target_list.pk, connection)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        # Names are quoted model names and a random suffix; every value is a bound parameter.
        # CREATE TABLE AS, not INSERT … SELECT: PostgreSQL may run the match in parallel only for the former.
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS {match_sql}", params)  # noqa: S608
        try:
            cursor.execute(f"DELETE FROM {member} WHERE target_list_id = %s AND customer_id NOT IN "  # noqa: S608
                           f"(SELECT pk FROM {scratch})", [list_id])
            removed = max(cursor.rowcount, 0)
            # ON CONFLICT on the (list, customer) key, not an anti-join: with the member table empty (a new
            # installation's first list) the planner chose a nested loop re-scanning the table per match,
            # 9 s for 38k members instead of 0.3 s (docs/benchmarks.md, "Target-account lists").
            cursor.execute(f"INSERT INTO {member} (target_list_id, customer_id, added_at, lead_id) "  # noqa: S608
                           f"SELECT %s, m.pk, %s, NULL FROM {scratch} m WHERE 1 = 1 "  # WHERE: SQLite reads ON as a join without it
                           f"ON CONFLICT (target_list_id, customer_id) DO NOTHING",
                           [list_id, stamp])
            added = max(cursor.rowcount, 0)
            cursor.execute(f"SELECT COUNT(*) FROM {scratch}")  # noqa: S608
            total = cursor.fetchone()[0]
        finally:
            cursor.execute(f"DROP TABLE {scratch}")
    return added, removed, total


@transaction.atomic
def target_list_to_leads(*, actor: Actor, target_list: TargetList, limit: int = MAX_LEADS_PER_CALL) -> dict[str, Any]:
    """Raise one lead per member without one, through the lead rules (validity, duplicates, routing).

    The segment is the recorded source (``utm_source=segment``, ``utm_campaign=<segment code>``) and each
    lead's external reference names the list and the customer, so a second call raises nothing twice.
    Returns the counts (created, merged into an existing lead or deal, rejected) and the rejected items'
    reasons. One transaction: the leads and the members' links to them commit together.
    """
    _require_market(actor)
    # One call at a time per list: a second waits here and then finds the members already linked.
    TargetList.objects.select_for_update().filter(pk=target_list.pk).first()
    if target_list.refreshed_at is None:
        raise ValidationFailed(_("Refresh the list before turning it into leads."), field="refreshed_at")
    members = list(TargetListMember.objects.filter(target_list=target_list, lead_id__isnull=True)
                   .select_related("customer").order_by("id")[:limit])
    contacts = {row["customer_id"]: row for row in target_selectors.first_contacts([m.customer_id for m in members])}
    segment = target_list.segment
    items = []
    for m in members:
        contact = contacts.get(m.customer_id, {})
        item = {
            "title": _("%(customer)s — target account (%(list)s)") % {"customer": m.customer.legal_name,
                                                                     "list": target_list.name},
            "customer_id": str(m.customer_id), "customer_name": m.customer.legal_name,
            "external_id": f"tl:{target_list.pk.hex[:12]}:{m.customer_id.hex}",
            "description": _("Raised from the target-account list “%(list)s”.") % {"list": target_list.name},
            "utm": {"utm_source": "segment", "utm_medium": "target_list",
                    "utm_campaign": segment.code if segment else str(target_list.pk)},
        }
        if segment is not None:
            item["offering_lines"] = [segment.offering_line.code]
            item["industry"] = segment.industry
        if contact:
            item.update({"contact_name": contact["name"], "contact_email": contact["email"],
                         "contact_phone": contact["phone"], "consent": contact["consent_email"]})
        items.append(item)
    results = lead_create_bulk(actor=actor, items=items) if items else []
    counts = {"created": 0, "merged": 0, "rejected": 0}
    problems: list[dict[str, Any]] = []
    updated = []
    for member, result in zip(members, results, strict=True):
        kind = result.get("result")
        if kind == "rejected":
            counts["rejected"] += 1
            problems.extend(result.get("errors") or [])
            continue
        counts["created" if kind == "created" else "merged"] += 1
        member.lead_id = result.get("duplicate_of") or result.get("id")
        updated.append(member)
    rows_update(TargetListMember, updated, ["lead_id"])
    core_events.record(events.TARGET_LIST_LEADS, target_list, actor=actor, payload=counts)
    return {**counts, "errors": problems[:20]}


