"""Lead commands. Every write of the leads app goes through here: API, web pages, imports, tasks.

Capture (``lead_create``, ``lead_create_bulk``, ``lead_submit_web_form``, imports) runs the rule set
of :mod:`m2c.leads.capture`. The other commands move a stored lead through ``LEAD_MACHINE``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.campaigns.models import Campaign
from m2c.core import events as core_events
from m2c.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money
from m2c.core.notifications import message, notify
from m2c.customers import services as customer_services
from m2c.customers.models import Contact, DecisionRole

from . import bulk, capture, events, scoring
from . import normalize as norm
from .matching import Keys, compare, lines_overlap
from .models import (
    ActivityType,
    BudgetStatus,
    CampaignTouch,
    Channel,
    DisqualifyReason,
    IdempotencyRecord,
    Lead,
    LeadActivity,
    LeadContact,
    LeadMerge,
    LeadSettings,
    SavedView,
)
from .states import LEAD_MACHINE, OPEN, TERMINAL, WORKING, LeadStatus

S = LeadStatus
CAPTURE_ROLES = (Role.MARKETING, Role.AR, Role.SR, Role.PARTNER)
WORK_ROLES = (Role.MARKETING, Role.AR, Role.SR)
MAX_BULK = 10_000
CONVERSION_HORIZON_DAYS = 548  # 18 months (domain.md 3.6)


def _authenticated(actor: Any) -> bool:
    return getattr(actor, "is_authenticated", False)


def _require(actor: Any, *roles: str) -> None:
    if not _authenticated(actor):
        raise PermissionDenied(_("You must be signed in."))
    if actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, *roles):
        return
    raise PermissionDenied(_("Your role cannot do this with leads."))


def _writable(lead: Lead) -> None:
    if lead.status in TERMINAL:
        raise Conflict(
            _("This lead is %(status)s and read-only.") % {"status": lead.get_status_display()}, code="lead_read_only"
        )


def _lock(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _url(lead: Lead) -> str:
    return reverse("leads:detail", args=[lead.pk])


# --- capture ---------------------------------------------------------------------------------------


def _serialize_capture(ref: capture.Reference, keys: list[str]) -> None:
    """Two requests naming the same company must not both miss each other (PostgreSQL).

    SQLite runs write transactions one at a time (IMMEDIATE), so there the check-then-insert is
    already serial. On PostgreSQL, single captures take a shared global advisory lock plus one
    exclusive lock per identity key; batches take the global lock exclusively.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_GLOBAL_LOCK])
            return
        # One statement, its locks taken left to right: the shared global lock, then the keys in order.
        numbers = sorted({_lock_number(k) for k in keys if k})
        calls = ", ".join(["pg_advisory_xact_lock_shared(%s)", *["pg_advisory_xact_lock(%s)"] * len(numbers)])
        cursor.execute(f"SELECT {calls}", [_GLOBAL_LOCK, *numbers])  # noqa: S608 - placeholders only


_GLOBAL_LOCK = 0x6C656164  # "lead"


def _lock_number(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _identity_lock_keys(items: list[capture.Prepared]) -> list[str] | None:
    if len(items) > 20:
        return None
    keys = []
    for p in items:
        k = p.keys
        keys += [f"c:{k.core}", f"e:{k.email}", f"p:{k.phone}", f"r:{k.credit_code}",
                 f"x:{p.values.get('external_ref') or ''}"]
    return [k for k in keys if not k.endswith(":")]


def _capture(items: list[capture.Prepared], ref: capture.Reference, *, actor: Any, notify_submitter: bool = True,
             **kwargs: Any) -> list[capture.Outcome]:
    _serialize_capture(ref, _identity_lock_keys(items))  # type: ignore[arg-type]
    outcomes = capture.capture(items, ref, actor=actor, **kwargs)
    if notify_submitter and _authenticated(actor):
        merged = [o for o in outcomes if o.kind == "merged"]
        if merged and len(items) == 1:
            notify(actor, title=message(gettext_noop("Your lead was merged into an existing record")),
                   body=message(gettext_noop("It matched on: %(keys)s (score %(score)s)."), **{
                       "keys": ", ".join(merged[0].match.get("keys", [])), "score": merged[0].match.get("score")}),
                   url=reverse("leads:detail", args=[merged[0].lead_id]), kind="leads.merged")
    return outcomes


def _scope_external_ref(data: dict[str, Any], actor: Any, channel: str) -> dict[str, Any]:
    ref = data.get("external_id")
    if ref:
        owner = actor.pk if _authenticated(actor) else "anonymous"
        data = {**data, "external_id": f"{channel}:{owner}:{str(ref)[:80]}"}
    return data


@transaction.atomic
def lead_create(*, actor: Any, data: dict[str, Any], channel: str = Channel.API) -> tuple[Lead, capture.Outcome]:
    """Capture one lead through the full rule set; returns the stored lead and what happened."""
    return _lead_create(actor=actor, data=data, channel=channel)


def _lead_create(*, actor: Any, data: dict[str, Any], channel: str) -> tuple[Lead, capture.Outcome]:
    # The body of lead_create, for callers that already hold a transaction (no savepoint round trips).
    _require(actor, *CAPTURE_ROLES)
    if _authenticated(actor) and actor.has_role(Role.PARTNER) and not actor.has_role(Role.ADMINISTRATOR):
        channel = Channel.PARTNER
    ref = capture.Reference()
    prepared = capture.prepare(_scope_external_ref(data, actor, "api"), ref, channel=channel, actor=actor)
    outcome = _capture([prepared], ref, actor=actor)[0]
    if outcome.lead_id is None:  # pragma: no cover - a replay within one request cannot happen
        raise Conflict(_("This lead was already submitted."))
    return _stored(outcome, ref, prepared), outcome


def _stored(outcome: capture.Outcome, ref: capture.Reference, prepared: capture.Prepared) -> Lead:
    """The lead just captured, built from the values capture stored: no second read of the row.

    The values are exactly what went into the insert (defaults included); they are brought into the
    form a read returns (datetimes in UTC, amounts at the column's decimal places, JSON decoded). Its
    org units, campaign and offering lines come from the reference data in memory. A lead capture
    did not store itself (a replayed external reference) is read from the database.
    """
    if outcome.row is None:
        lead = Lead.objects.select_related("owner", "customer").get(pk=outcome.lead_id)
    else:
        lead = Lead(**_as_read(outcome.row))
        lead._state.adding = False
        lead._state.db = connection.alias
        codes = ref.line_codes
        lines = sorted((OfferingLine(pk=pk, code=codes.get(pk, "")) for pk in prepared.line_ids), key=lambda line: line.code)
        cached = lead.offering_lines.all()  # not evaluated: its result is set below, its clones read the database
        cached._result_cache = lines  # type: ignore[attr-defined]
        cached._prefetch_done = True  # type: ignore[attr-defined]
        lead._prefetched_objects_cache = {"offering_lines": cached}  # type: ignore[attr-defined]
    for name in ("region", "queue", "customer_group"):
        unit_id = getattr(lead, f"{name}_id")
        if unit_id is not None and (unit := ref.unit_by_id(unit_id)) is not None:
            setattr(lead, name, unit)
    if lead.source_campaign_id and prepared.campaign is not None and prepared.campaign.pk == lead.source_campaign_id:
        lead.source_campaign = prepared.campaign
    return lead


def _as_read(row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for f in _LEAD_FIELDS:
        if f.attname not in row:
            continue
        value = row[f.attname]
        if type(value) is bulk.JsonValue:
            value = value.value
        elif isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        elif isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
        values[f.attname] = value
    return values


_LEAD_FIELDS = Lead._meta.concrete_fields


def lead_create_idempotent(
    *, actor: Any, key: str | None, data: dict[str, Any], render: Callable[[Lead, capture.Outcome], dict[str, Any]],
    channel: str = Channel.API,
) -> tuple[int, dict[str, Any], bool]:
    """``lead_create`` behind an Idempotency-Key: a retry returns the first response, never a new lead.

    Returns (status code, body, replayed). The key row is inserted first, in the same transaction as
    the lead, so a concurrent retry waits for the first request and then replays its answer.
    """
    if not key:
        lead, outcome = lead_create(actor=actor, data=data, channel=channel)
        return 201, render(lead, outcome), False
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise ValidationFailed(_("An Idempotency-Key has 1 to 200 printable characters."), field="Idempotency-Key")
    _require(actor, *CAPTURE_ROLES)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    for _attempt in range(3):
        with transaction.atomic():
            record_id = _claim_key(actor, key, digest)
            if record_id is None:
                # The key is taken. A request still running with it was waited for by the insert.
                existing = IdempotencyRecord.objects.filter(user=actor, key=key).first()
                if existing is None:  # pragma: no cover - the holder rolled back between the two statements
                    continue
                if existing.request_hash != digest:
                    raise Conflict(_("This Idempotency-Key was used for a different request."), code="idempotency_key_reused")
                return existing.status_code, existing.response, True
            lead, outcome = _lead_create(actor=actor, data=data, channel=channel)
            body = render(lead, outcome)
            IdempotencyRecord.objects.filter(pk=record_id).update(response=json.loads(json.dumps(body, default=str)))
            return 201, body, False
    raise Conflict(_("A request with this Idempotency-Key is still being processed."), code="idempotency_in_progress")


def _claim_key(actor: Any, key: str, digest: str) -> int | None:
    """Insert the key's row unless it exists; its id, or None when another request holds the key.

    On PostgreSQL an insert that meets an uncommitted row with the same key waits for that
    transaction; SQLite runs write transactions one at a time. So a retry arriving while the first
    request is still running gets the first response once it commits, never a second lead.
    """
    meta = IdempotencyRecord._meta
    user = meta.get_field("user").get_db_prep_value(actor.pk, connection)
    now = meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("user_id", "key", "request_hash", "status_code", "response", "created_at") '  # noqa: S608
            """VALUES (%s, %s, %s, 201, '{}', %s) ON CONFLICT ("user_id", "key") DO NOTHING RETURNING "id" """,
            [user, key, digest, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def lead_create_bulk(*, actor: Any, items: list[dict[str, Any]], channel: str = Channel.BULK_API) -> list[dict[str, Any]]:
    """Capture up to 10,000 leads; each item gets its own result, bad items do not stop good ones."""
    _require(actor, *CAPTURE_ROLES)
    if len(items) > MAX_BULK:
        raise ValidationFailed(_("At most %(n)d leads per call.") % {"n": MAX_BULK}, field="items")
    if _authenticated(actor) and actor.has_role(Role.PARTNER) and not actor.has_role(Role.ADMINISTRATOR):
        channel = Channel.PARTNER
    results: list[dict[str, Any]] = [{} for _ in items]
    with transaction.atomic():
        ref = capture.Reference()
        if len(items) > 500:
            ref.customer_index = capture.CustomerIndex(preload=True, threshold=ref.config.match_threshold)  # type: ignore[attr-defined]
        prepared: list[capture.Prepared] = []
        positions: list[int] = []
        for index, item in enumerate(items):
            try:
                p = capture.prepare(_scope_external_ref(item, actor, "api"), ref, channel=channel, actor=actor)
            except ValidationFailed as exc:
                results[index] = {"index": index, "result": "rejected", "errors": exc.errors}
                continue
            prepared.append(p)
            positions.append(index)
        outcomes = _capture(prepared, ref, actor=actor, notify_submitter=False) if prepared else []
        for index, outcome in zip(positions, outcomes, strict=True):
            results[index] = {
                "index": index, "result": outcome.kind, "id": outcome.lead_id, "status": outcome.status,
                "duplicate_of": outcome.survivor_id, "merged_into_opportunity": outcome.survivor_opportunity_id,
                "match": outcome.match or None, "invalid_reasons": outcome.invalid_reasons,
            }
    return results


def lead_submit_web_form(*, campaign: Campaign, data: dict[str, Any]) -> None:
    """A public form submission: captured like any lead, and nothing about it is returned."""
    if not campaign.accepts_responses:
        raise NotFound(_("This form is closed."))
    if not data.get("consent"):
        raise ValidationFailed(_("Please agree to be contacted."), field="consent")
    payload = {**data, "source_campaign": campaign.code, "source_type": "campaign", "touch_kind": CampaignTouch.Kind.RESPONSE}
    with transaction.atomic():
        ref = capture.Reference()
        prepared = capture.prepare(payload, ref, channel=Channel.WEB_FORM)
        _capture([prepared], ref, actor=None)


# --- editing and qualification ----------------------------------------------------------------------

EDITABLE = {
    "title", "customer_name", "credit_code", "industry", "province", "city", "region", "customer_group",
    "contact_name", "contact_title", "contact_role", "contact_email", "contact_phone", "description",
    "journey_stage", "budget_status", "budget_note", "budget_amount", "estimated_amount", "currency",
    "expected_purchase_date", "decision_chain_known", "pain_confirmed", "offering_lines",
}


def _facts(lead: Lead) -> scoring.Facts:
    chain = lead.contacts.filter(decision_role__in=capture.DECISION_CHAIN_ROLES).exists()
    values = {f: getattr(lead, f) for f in ("budget_status", "expected_purchase_date", "decision_chain_known",
                                            "pain_confirmed", "industry", "contact_role")}
    return capture.facts_of(values, lead.touches.count(), chain)


def _rescore(lead: Lead, ref: capture.Reference, actor: Any) -> tuple[int, str]:
    value, breakdown = scoring.score(_facts(lead), weights=ref.weights, priority_industries=ref.priority_industries,
                                     today=ref.today)
    temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
    if value != lead.score or temp != lead.temperature or breakdown != lead.score_breakdown:
        old = (lead.score, lead.temperature)
        Lead.objects.filter(pk=lead.pk).update(score=value, temperature=temp, score_breakdown=breakdown)
        lead.score, lead.temperature, lead.score_breakdown = value, temp, breakdown
        core_events.record(events.LEAD_RESCORED, lead, actor=actor,
                           payload={"from": old[0], "to": value, "temperature": [old[1], temp]})
    return value, temp


@transaction.atomic
def lead_update(*, lead: Lead, actor: Any, changes: dict[str, Any]) -> Lead:
    """Change qualification fields; re-scores, and a recycled lead that turns warm is re-qualified."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))},
                               errors=[{"field": f, "reason": _("Unknown field.")} for f in sorted(unknown)])
    ref = capture.Reference()
    current = _as_input(lead)
    merged = {**current, **changes}
    prepared = capture.prepare(merged, ref, channel=lead.channel)
    diff: dict[str, Any] = {}
    for key, value in prepared.values.items():
        if key in ("channel", "source_type", "source_campaign_id", "utm", "external_ref", "source_partner_id"):
            continue
        if getattr(lead, key) != value:
            diff[key] = value
    old_lines = set(lead.offering_lines.values_list("pk", flat=True))
    lines_changed = "offering_lines" in changes and set(prepared.line_ids) != old_lines
    if not diff and not lines_changed:
        return lead
    payload = {k: [_show(getattr(lead, k)), _show(v)] for k, v in diff.items()
               if k not in ("normalized_name", "core_name", "block_key", "email_domain")}
    for key, value in diff.items():
        setattr(lead, key, value)
    lead.version += 1
    lead.save()
    if lines_changed:
        lead.offering_lines.set(prepared.line_ids)
        payload["offering_lines"] = [sorted(str(x) for x in old_lines), sorted(str(x) for x in prepared.line_ids)]
    core_events.record(events.LEAD_UPDATED, lead, actor=actor, payload={"changes": payload})
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        _value, temp = _rescore(lead, ref, actor)
        if lead.status == S.RECYCLED and temp != "cold":
            _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return lead


def _show(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if hasattr(value, "hex"):
        return str(value)
    return value


def _as_input(lead: Lead) -> dict[str, Any]:
    return {
        "title": lead.title, "customer_name": lead.raw_customer_name, "credit_code": lead.credit_code,
        "industry": lead.industry, "province": lead.province, "city": lead.city,
        "region": str(lead.region_id) if lead.region_id else None,
        "customer_group": str(lead.customer_group_id) if lead.customer_group_id else None,
        "contact_name": lead.contact_name, "contact_title": lead.contact_title, "contact_role": lead.contact_role,
        "contact_email": lead.contact_email, "contact_phone": lead.contact_phone, "description": lead.description,
        "journey_stage": lead.journey_stage, "budget_status": lead.budget_status, "budget_note": lead.budget_note,
        "budget_amount": lead.budget_amount, "estimated_amount": lead.estimated_amount, "currency": lead.currency,
        "expected_purchase_date": lead.expected_purchase_date, "decision_chain_known": lead.decision_chain_known,
        "pain_confirmed": lead.pain_confirmed,
        "offering_lines": [str(pk) for pk in lead.offering_lines.values_list("pk", flat=True)],
    }


@transaction.atomic
def lead_add_contact(*, lead: Lead, actor: Any, name: str, title: str = "", decision_role: str = DecisionRole.UNKNOWN,
                     email: str = "", phone: str = "") -> LeadContact:
    """Record a person of the decision chain (needed for conversion, and it counts in the score)."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append({"field": "name", "reason": _("The contact's name is required.")})
    if len(name) > 120 or len(title or "") > 120:
        errors.append({"field": "name" if len(name) > 120 else "title", "reason": _("Longer than %(n)d characters.") % {"n": 120}})
    if decision_role not in DecisionRole.values:
        errors.append({"field": "decision_role", "reason": _("Choose one of: %(v)s.") % {"v": ", ".join(DecisionRole.values)}})
    clean_email = clean_phone = ""
    try:
        clean_email = norm.email(email.strip()) if email and email.strip() else ""
    except ValidationFailed as exc:
        errors.append({"field": "email", "reason": exc.detail})
    try:
        clean_phone = norm.phone(phone.strip(), field="phone") if phone and phone.strip() else ""
    except ValidationFailed as exc:
        errors.append({"field": "phone", "reason": exc.detail})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    contact = LeadContact.objects.create(lead=lead, name=name, title=title or "", decision_role=decision_role,
                                         email=clean_email, phone=clean_phone,
                                         created_by=actor if _authenticated(actor) else None)
    core_events.record(events.CONTACT_ADDED, lead, actor=actor,
                       payload={"contact_id": str(contact.pk), "name": name, "decision_role": decision_role})
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        _rescore(lead, capture.Reference(), actor)
    return contact


@transaction.atomic
def touch_add(*, lead: Lead, actor: Any, campaign: Campaign, kind: str = CampaignTouch.Kind.INVITED,
              touched_at: dt.datetime | None = None) -> CampaignTouch:
    """Record that a campaign reached this lead's customer (an invitation, an attendance…)."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    if kind not in CampaignTouch.Kind.values:
        raise ValidationFailed(_("Choose one of: %(v)s.") % {"v": ", ".join(CampaignTouch.Kind.values)}, field="kind")
    touch = CampaignTouch.objects.create(campaign=campaign, customer=lead.customer, lead=lead, kind=kind,
                                         touched_at=touched_at or timezone.now())
    core_events.record(events.TOUCH_ADDED, lead, actor=actor, payload={"campaign": campaign.code, "kind": kind})
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        ref = capture.Reference()
        _value, temp = _rescore(lead, ref, actor)
        if lead.status == S.RECYCLED and temp != "cold":
            _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return touch


@transaction.atomic
def lead_rescore(*, lead: Lead, actor: Any) -> Lead:
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    ref = capture.Reference()
    _value, temp = _rescore(lead, ref, actor)
    if lead.status == S.RECYCLED and temp != "cold":
        _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return lead


# --- routing, accept and return ---------------------------------------------------------------------


def _customer_row(lead: Lead) -> capture.CustomerRow | None:
    if not lead.customer_id:
        return None
    c = lead.customer
    return capture.CustomerRow(c.pk, c.legal_name, Keys(customer_id=c.pk), c.tier, c.ar_owner_id, c.org_unit_id,
                               c.customer_group_id, c.compliance_status, c.industry)


def _route_and_assign(lead: Lead, actor: Any, ref: capture.Reference, *, reason: str = "") -> Lead:
    """QUALIFIED → ASSIGNED by the routing rules, never to someone who had the lead before."""
    values = {"region_id": lead.region_id, "customer_group_id": lead.customer_group_id, "industry": lead.industry}
    lines = frozenset(lead.offering_lines.values_list("pk", flat=True))
    exclude = {_uuid(x) for x in lead.previous_owner_ids}
    found = capture.route(values, lines, _customer_row(lead), lead.score, ref, exclude)
    if not (found.owner_id or found.queue_id):
        Lead.objects.filter(pk=lead.pk).update(needs_review=True, review_reason="unrouted")
        lead.needs_review, lead.review_reason = True, "unrouted"
        return lead
    LEAD_MACHINE.apply(
        lead, S.ASSIGNED, actor=actor, reason=reason,
        changes={"owner_id": found.owner_id, "queue_id": found.queue_id, "routing_rule_id": found.rule_id,
                 "assigned_at": ref.now, "accept_due_at": ref.accept_due(), "accepted_at": None},
        payload={"how": found.how, "owner": str(found.owner_id) if found.owner_id else None,
                 "queue": str(found.queue_id) if found.queue_id else None},
    )
    if found.owner_id:
        owner = User.objects.get(pk=found.owner_id)
        notify(owner, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
               body=message(gettext_noop("Accept or return it by %(due)s."),
                            due=timezone.localtime(lead.accept_due_at).strftime("%Y-%m-%d %H:%M")),
               url=_url(lead), kind="leads.assigned", subject=lead)
    elif found.queue_id:
        unit = OrgUnit.objects.filter(pk=found.queue_id).select_related("manager").first()
        if unit and unit.manager:
            notify(unit.manager, title=message(gettext_noop("New lead in the %(queue)s queue: %(title)s"),
                                                queue=unit.label, title=lead.title),
                   url=_url(lead), kind="leads.queued", subject=lead)
    return lead


def _uuid(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value


def _requalify(lead: Lead, actor: Any, ref: capture.Reference, *, reason: str) -> Lead:
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=reason)
    return _route_and_assign(lead, actor, ref)


def _in_queue(user: Any, lead: Lead) -> bool:
    return bool(lead.queue_id and user.org_unit_id and lead.queue.path.startswith(user.org_unit.path)) or bool(
        lead.queue_id and user.org_unit_id and user.org_unit.path.startswith(lead.queue.path)
    )


@transaction.atomic
def lead_accept(*, lead: Lead, actor: Any) -> Lead:
    """The assignee (or, for a queue, one of its members) takes the lead before the deadline."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    if lead.status == S.ASSIGNED:
        mine = lead.owner_id == actor.pk
        if not mine and not (lead.owner_id is None and (_in_queue(actor, lead) or actor.sees_everything)):
            raise PermissionDenied(_("Only the assignee or a member of the queue can accept this lead."))
        if lead.accept_due_at and timezone.now() > lead.accept_due_at:
            raise Conflict(_("The accept deadline has passed; the lead goes back to routing."), code="accept_deadline_passed")
    return LEAD_MACHINE.apply(lead, S.ACCEPTED, actor=actor,
                              changes={"owner_id": actor.pk, "accepted_at": timezone.now(), "needs_review": False})


@transaction.atomic
def lead_return(*, lead: Lead, actor: Any, reason: str, sla: bool = False) -> Lead:
    """ASSIGNED → QUALIFIED with a reason, then re-routed excluding everyone who had it."""
    if not sla:
        _require(actor, *WORK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Returning a lead needs a reason."), field="reason")
    lead = _lock(lead)
    if not sla and lead.status == S.ASSIGNED and lead.owner_id != actor.pk and not actor.sees_everything \
            and not (lead.owner_id is None and _in_queue(actor, lead)):
        raise PermissionDenied(_("Only the assignee can return this lead."))
    previous = lead.owner_id
    history = list(lead.previous_owner_ids)
    if previous and str(previous) not in history:
        history.append(str(previous))
    changes: dict[str, Any] = {"owner_id": None, "queue_id": None, "accept_due_at": None, "assigned_at": None,
                               "previous_owner_ids": history}
    if sla:
        changes["sla_breaches"] = lead.sla_breaches + 1
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor if _authenticated(actor) else None, reason=reason[:500],
                       changes=changes, payload={"previous_owner": str(previous) if previous else None, "sla": sla})
    if sla:
        core_events.record(events.LEAD_SLA_BREACHED, lead, payload={"assignee": str(previous) if previous else None,
                                                                  "due": None}, reason=reason)
        if previous:
            owner = User.objects.filter(pk=previous).select_related("org_unit__manager").first()
            if owner:
                notify(owner, title=message(gettext_noop("Lead returned: accept deadline missed")), body=lead.title, url=_url(lead),
                       kind="leads.sla_breach", subject=lead)
                manager = owner.org_unit.manager if owner.org_unit_id else None
                if manager and manager != owner:
                    notify(manager, title=message(gettext_noop("SLA breach: %(user)s did not accept a lead in time"), user=owner),
                           body=lead.title, url=_url(lead), kind="leads.sla_breach", subject=lead)
    return _route_and_assign(lead, actor if _authenticated(actor) else None, capture.Reference(),
                             reason=_("Re-routed after return"))


@transaction.atomic
def lead_assign(*, lead: Lead, actor: Any, owner: User) -> Lead:
    """A manual (re)assignment by marketing operations or the review board."""
    _require(actor, Role.MARKETING)
    if not owner.is_active or not owner.has_role(Role.AR, Role.SR, Role.MARKETING):
        raise ValidationFailed(_("Leads go to active AR, SR or marketing users."), field="owner")
    lead = _lock(lead)
    if lead.status == S.ASSIGNED:
        LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=_("Reassigned"),
                           changes={"owner_id": None, "queue_id": None})
    elif lead.status == S.RECYCLED:
        LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=_("Taken from the nurture pool"))
    ref = capture.Reference()
    LEAD_MACHINE.apply(
        lead, S.ASSIGNED, actor=actor, reason=_("Assigned by hand"),
        changes={"owner_id": owner.pk, "queue_id": None, "assigned_at": ref.now, "accept_due_at": ref.accept_due(),
                 "routing_rule_id": None, "needs_review": False},
        payload={"how": "manual", "owner": str(owner.pk)},
    )
    notify(owner, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
           body=message(gettext_noop("Accept or return it by %(due)s."),
                        due=timezone.localtime(lead.accept_due_at).strftime("%Y-%m-%d %H:%M")),
           url=_url(lead), kind="leads.assigned", subject=lead)
    return lead


# --- activities, nurture, disqualify ------------------------------------------------------------


@transaction.atomic
def lead_log_activity(*, lead: Lead, actor: Any, type: str, subject: str, outcome: str = "", next_step: str = "",
                      next_step_due: dt.date | None = None, occurred_at: dt.datetime | None = None) -> LeadActivity:
    """Log an interaction; the first one after acceptance starts nurturing (ACCEPTED → NURTURING)."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    errors = []
    if type not in ActivityType.values:
        errors.append({"field": "type", "reason": _("Choose one of: %(v)s.") % {"v": ", ".join(ActivityType.values)}})
    subject = (subject or "").strip()
    if not subject:
        errors.append({"field": "subject", "reason": _("Say in a few words what happened.")})
    if len(subject) > 200 or len(next_step or "") > 200:
        errors.append({"field": "subject" if len(subject) > 200 else "next_step", "reason": _("Longer than %(n)d characters.") % {"n": 200}})
    when = occurred_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors.append({"field": "occurred_at", "reason": _("An activity cannot lie in the future.")})
    if next_step_due and not next_step:
        errors.append({"field": "next_step", "reason": _("Name the next step that is due.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    activity = LeadActivity.objects.create(
        lead=lead, type=type, subject=subject, outcome=outcome or "", next_step=next_step or "",
        next_step_due=next_step_due, occurred_at=when, created_by=actor,
    )
    changes = {"last_activity_at": max(when, lead.last_activity_at or when), "stale_alerted_at": None}
    if next_step:
        changes.update(next_step=next_step, next_step_due=next_step_due)
    Lead.objects.filter(pk=lead.pk).update(**changes)
    for k, v in changes.items():
        setattr(lead, k, v)
    core_events.record(events.ACTIVITY_LOGGED, lead, actor=actor,
                       payload={"activity_id": str(activity.pk), "type": type, "subject": subject,
                                "next_step": next_step, "next_step_due": str(next_step_due) if next_step_due else None})
    if lead.status == S.ACCEPTED:
        LEAD_MACHINE.apply(lead, S.NURTURING, actor=actor, reason=subject[:200])
    return activity


@transaction.atomic
def lead_recycle(*, lead: Lead, actor: Any, reason: str) -> Lead:
    """The owner hands a lead back to marketing's nurture pool (NURTURING → RECYCLED)."""
    if actor is not None:
        _require(actor, *WORK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Recycling a lead needs a reason."), field="reason")
    lead = _lock(lead)
    history = list(lead.previous_owner_ids)
    if lead.owner_id and str(lead.owner_id) not in history:
        history.append(str(lead.owner_id))
    return LEAD_MACHINE.apply(lead, S.RECYCLED, actor=actor, reason=reason[:500],
                              changes={"owner_id": None, "queue_id": None, "previous_owner_ids": history,
                                       "accept_due_at": None})


@transaction.atomic
def lead_requalify(*, lead: Lead, actor: Any) -> Lead:
    """Take a lead from the nurture pool once its score reaches the warm threshold."""
    _require(actor, *WORK_ROLES)
    lead = _lock(lead)
    ref = capture.Reference()
    _rescore(lead, ref, actor)
    if lead.status == S.RECYCLED and lead.score < ref.config.warm_threshold:
        raise Conflict(_("The score %(s)d is below the warm threshold %(t)d.") % {"s": lead.score, "t": ref.config.warm_threshold},
                       code="below_warm_threshold")
    return _requalify(lead, actor, ref, reason=_("Re-qualified from the nurture pool"))


@transaction.atomic
def lead_disqualify(*, lead: Lead, actor: Any, reason: str, note: str = "") -> Lead:
    _require(actor, *WORK_ROLES)
    if reason not in DisqualifyReason.values:
        raise ValidationFailed(_("Choose one of: %(v)s.") % {"v": ", ".join(DisqualifyReason.values)}, field="reason")
    lead = _lock(lead)
    return LEAD_MACHINE.apply(lead, S.DISQUALIFIED, actor=actor, reason=note or reason,
                              changes={"disqualify_reason": reason}, payload={"reason": reason})


@transaction.atomic
def lead_mark_reviewed(*, lead: Lead, actor: Any, note: str = "") -> Lead:
    """The review board confirmed validity, temperature and owner."""
    _require(actor, Role.MARKETING, Role.AR)
    lead = _lock(lead)
    Lead.objects.filter(pk=lead.pk).update(needs_review=False, review_reason="", last_reviewed_at=timezone.now())
    core_events.record(events.LEAD_REVIEWED, lead, actor=actor, reason=note[:500])
    lead.refresh_from_db()
    return lead


# --- merge, preview and undo -------------------------------------------------------------------------


def _keys(lead: Lead) -> Keys:
    return Keys(lead.normalized_name, lead.core_name, lead.block_key, lead.credit_code, lead.contact_email,
                lead.contact_phone, lead.email_domain, lead.customer_id,
                frozenset(lead.offering_lines.values_list("pk", flat=True)))


def merge_explain(source: Lead, target: Lead) -> dict[str, Any]:
    m = compare(_keys(source), _keys(target))
    return m.as_dict() if m else {"score": 0, "keys": []}


def lead_merge_preview(*, source: Lead, target: Lead) -> dict[str, Any]:
    """What a merge of ``source`` into ``target`` would do, without doing it."""
    problems = []
    if source.pk == target.pk:
        problems.append(_("A lead cannot be merged into itself."))
    if source.status in TERMINAL or source.status == S.NEW:
        problems.append(_("The lead to merge must be open."))
    if target.status in TERMINAL:
        problems.append(_("The surviving lead must be open."))
    a, b = _keys(source), _keys(target)
    return {
        "source": source, "target": target, "match": merge_explain(source, target),
        "same_offering_line": lines_overlap(a.line_ids, b.line_ids),
        "touches": source.touches.count(), "activities": source.activities.count(), "contacts": source.contacts.count(),
        "problems": problems,
    }


@transaction.atomic
def lead_merge(*, source: Lead, target: Lead, actor: Any, reason: str = "") -> LeadMerge:
    """Merge ``source`` into ``target``: touches, activities and contacts move over; undo restores them."""
    _require(actor, *WORK_ROLES)
    preview = lead_merge_preview(source=source, target=target)
    if preview["problems"]:
        raise Conflict(" ".join(str(p) for p in preview["problems"]), code="merge_refused")
    first, second = sorted([source.pk, target.pk], key=str)
    locked = {x.pk: x for x in Lead.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if source.status in TERMINAL or target.status in TERMINAL:
        raise Conflict(_("Both leads must be open."), code="merge_refused")
    touches = list(source.touches.values_list("pk", flat=True))
    activities = list(source.activities.values_list("pk", flat=True))
    contacts = list(source.contacts.values_list("pk", flat=True))
    snapshot = {"status": source.status, "owner_id": str(source.owner_id) if source.owner_id else None,
                "queue_id": str(source.queue_id) if source.queue_id else None,
                "accept_due_at": source.accept_due_at.isoformat() if source.accept_due_at else None,
                "touches": [str(x) for x in touches], "activities": [str(x) for x in activities],
                "contacts": [str(x) for x in contacts]}
    match = {**preview["match"], "target": str(target.pk), "target_type": "lead", "manual": True}
    merge = LeadMerge.objects.create(merged=source, survivor=target, match=match, previous_status=source.status,
                                     snapshot=snapshot, automatic=False, actor=actor)
    CampaignTouch.objects.filter(pk__in=touches, origin_lead__isnull=True).update(origin_lead=source)
    CampaignTouch.objects.filter(pk__in=touches).update(lead=target)
    LeadActivity.objects.filter(pk__in=activities).update(lead=target, moved_from=source)
    LeadContact.objects.filter(pk__in=contacts).update(lead=target)
    LEAD_MACHINE.apply(source, S.DUPLICATE, actor=actor, reason=reason or _("Merged by hand"),
                       changes={"duplicate_of_id": target.pk, "match": match, "owner_id": None, "queue_id": None,
                                "accept_due_at": None},
                       payload={"merge": str(merge.pk), "into": str(target.pk), "match": match})
    core_events.record(events.LEAD_ABSORBED, target, actor=actor,
                       payload={"merged_lead": str(source.pk), "merge": str(merge.pk), "match": match,
                                "touches": len(touches), "activities": len(activities)})
    if target.status not in (S.NEW, S.VALIDATING):
        _rescore(target, capture.Reference(), actor)
    return merge


@transaction.atomic
def lead_merge_undo(*, merge: LeadMerge, actor: Any) -> Lead:
    """Put a merged lead back as it was, with its touches, activities and contacts."""
    _require(actor, *WORK_ROLES)
    merge = LeadMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise Conflict(_("This merge was already undone."), code="merge_already_undone")
    if merge.survivor_opportunity_id:
        raise Conflict(_("A merge into an opportunity cannot be undone here."), code="merge_not_undoable")
    source = _lock(merge.merged)
    snap = merge.snapshot or {}
    CampaignTouch.objects.filter(pk__in=snap.get("touches", [])).update(lead=source)
    CampaignTouch.objects.filter(origin_lead=source, lead=merge.survivor_id).update(lead=source)
    LeadActivity.objects.filter(pk__in=snap.get("activities", [])).update(lead=source, moved_from=None)
    LeadContact.objects.filter(pk__in=snap.get("contacts", [])).update(lead=source)
    previous = merge.previous_status or S.NEW
    if previous == S.NEW:
        previous = S.VALIDATING
    changes: dict[str, Any] = {"duplicate_of_id": None, "match": {}, "owner_id": snap.get("owner_id"),
                               "queue_id": snap.get("queue_id")}
    if previous == S.ASSIGNED:
        # The old deadline has likely passed; the assignee gets a fresh one.
        changes["accept_due_at"] = capture.Reference().accept_due()
    LEAD_MACHINE.apply(source, previous, actor=actor, reason=_("Merge undone"), context={"undo_merge": True},
                       changes=changes, payload={"merge": str(merge.pk)})
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.survivor_id:
        survivor = Lead.objects.get(pk=merge.survivor_id)
        core_events.record(events.LEAD_MERGE_UNDONE, survivor, actor=actor,
                           payload={"merge": str(merge.pk), "lead": str(source.pk)})
        if survivor.status not in TERMINAL and survivor.status not in (S.NEW, S.VALIDATING):
            _rescore(survivor, capture.Reference(), actor)
    if previous == S.VALIDATING:
        # A lead merged at capture never passed the gate: run it now.
        _revalidate(source, actor)
    return source


def _revalidate(lead: Lead, actor: Any) -> None:
    ref = capture.Reference()
    p = capture.prepare(_as_input(lead), ref, channel=lead.channel)
    p.customer = _customer_row(lead)
    reasons = capture._validity(p, ref)
    if reasons:
        LEAD_MACHINE.apply(lead, S.INVALID, actor=actor, changes={"invalid_reasons": reasons})
        return
    value, breakdown = scoring.score(_facts(lead), weights=ref.weights, priority_industries=ref.priority_industries, today=ref.today)
    temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, changes={"score": value, "temperature": temp, "score_breakdown": breakdown})
    if temp == "cold":
        LEAD_MACHINE.apply(lead, S.RECYCLED, actor=actor)
    else:
        _route_and_assign(lead, actor, ref)


# --- conversion --------------------------------------------------------------------------------------


def conversion_gaps(lead: Lead, *, owner: User | None = None, today: dt.date | None = None) -> list[dict[str, str]]:
    """The fields of domain.md 3.6 still missing before ``lead`` may become an opportunity."""
    today = today or timezone.localdate()
    gaps = []
    if not (lead.customer_id or lead.raw_customer_name):
        gaps.append({"field": "customer_name", "reason": _("Name the customer entity.")})
    if not lead.offering_lines.exists():
        gaps.append({"field": "offering_lines", "reason": _("Choose at least one offering line.")})
    if not lead.estimated_amount or lead.estimated_amount <= 0:
        gaps.append({"field": "estimated_amount", "reason": _("Enter the estimated amount.")})
    if not lead.expected_purchase_date:
        gaps.append({"field": "expected_purchase_date", "reason": _("Enter the expected decision or signing date.")})
    elif not today <= lead.expected_purchase_date <= today + dt.timedelta(days=CONVERSION_HORIZON_DAYS):
        gaps.append({"field": "expected_purchase_date", "reason": _("The decision date must lie within the next 18 months.")})
    if lead.budget_status == BudgetStatus.UNKNOWN and not lead.budget_note.strip():
        gaps.append({"field": "budget_note", "reason": _("The budget is unknown: justify it, or record it as planned or confirmed.")})
    chain = lead.contact_role in capture.DECISION_CHAIN_ROLES or lead.contacts.filter(
        decision_role__in=capture.DECISION_CHAIN_ROLES).exists()
    if not chain:
        gaps.append({"field": "contacts", "reason": _("Record at least one decision-chain contact (decision maker, influencer, purchaser or technical evaluator).")})
    who = owner or lead.owner
    if who is None or not who.is_active or not who.has_role(Role.AR):
        gaps.append({"field": "owner", "reason": _("The opportunity owner must be an active AR.")})
    return gaps


@transaction.atomic
def lead_convert(*, lead: Lead, actor: Any, owner: User | None = None, name: str = "") -> Any:
    """NURTURING → CONVERTED: match or create the customer and contacts, create the O1 opportunity."""
    _require(actor, Role.AR)
    lead = _lock(lead)
    if lead.status != S.NURTURING:
        LEAD_MACHINE.check(lead, S.CONVERTED, actor=actor)
    if not actor.sees_everything and lead.owner_id != actor.pk:
        raise PermissionDenied(_("Only the lead's owner can convert it."))
    owner = owner or lead.owner
    gaps = conversion_gaps(lead, owner=owner)
    if gaps:
        raise ValidationFailed(
            _("The lead cannot be converted yet: %(what)s") % {"what": "; ".join(g["reason"] for g in gaps)},
            code="conversion_incomplete", errors=gaps,
        )
    customer = lead.customer
    if customer is None:
        customer = customer_services.customer_find_existing(legal_name=lead.raw_customer_name, credit_code=lead.credit_code)
    if customer is None:
        fields: dict[str, Any] = {"legal_name": lead.raw_customer_name, "industry": lead.industry or "other",
                                  "province": lead.province, "city": lead.city}
        if lead.credit_code:
            fields["credit_code"] = lead.credit_code
        if lead.region_id and lead.region.type in (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE):
            fields["org_unit"] = lead.region
        if lead.customer_group_id:
            fields["customer_group"] = lead.customer_group
        customer = customer_services.customer_create(actor=actor, **fields)
    people = [(lead.contact_name, lead.contact_title, lead.contact_role, lead.contact_email, lead.contact_phone)]
    people += [(c.name, c.title, c.decision_role, c.email, c.phone) for c in lead.contacts.all()]
    primary = None
    for person_name, title, role, email, phone in people:
        if not person_name:
            continue
        existing = Contact.objects.filter(customer=customer).filter(
            Q(email=email) & ~Q(email="") | Q(phone=phone) & ~Q(phone="") | Q(name=person_name)
        ).first()
        contact = existing or customer_services.contact_create(
            customer=customer, actor=actor, name=person_name, title=title or "", decision_role=role,
            email=email or "", phone=phone or "",
        )
        primary = primary or contact
    from m2c.opportunities.services import opportunity_create

    opportunity = opportunity_create(
        actor=actor, customer=customer, name=(name or lead.title)[:200],
        amount=Money(lead.estimated_amount, lead.currency),
        offering_lines=OfferingLine.objects.filter(pk__in=lead.offering_lines.values_list("pk", flat=True)),
        owner=owner, expected_sign_date=lead.expected_purchase_date, budget_status=lead.budget_status,
        description=lead.description, source_lead_id=lead.pk, source_campaign=lead.source_campaign,
    )
    now = timezone.now()
    # Influenced touches: this lead's, plus the customer's other touches in the 180 days before (10.3).
    lead.touches.update(customer=customer, opportunity=opportunity)
    CampaignTouch.objects.filter(customer=customer, opportunity__isnull=True,
                                 touched_at__gte=now - dt.timedelta(days=180), touched_at__lte=now).update(opportunity=opportunity)
    influenced = list(CampaignTouch.objects.filter(opportunity=opportunity).order_by("touched_at")
                      .values_list("campaign__code", flat=True))
    LEAD_MACHINE.apply(
        lead, S.CONVERTED, actor=actor,
        changes={"customer_id": customer.pk, "contact_id": primary.pk if primary else None,
                 "converted_opportunity_id": opportunity.pk, "converted_at": now},
        payload={"opportunity": str(opportunity.pk), "customer": str(customer.pk),
                 "source_campaign": lead.source_campaign.code if lead.source_campaign_id else None,
                 "influenced_campaigns": influenced},
    )
    return opportunity


# --- periodic sweeps ---------------------------------------------------------------------------------


def sla_sweep(now: dt.datetime | None = None) -> int:
    """Return every lead whose accept deadline passed; re-route it excluding the previous assignee."""
    moment = now or timezone.now()
    count = 0
    for lead in Lead.objects.filter(status=S.ASSIGNED, accept_due_at__lt=moment).order_by("accept_due_at")[:1000]:
        try:
            if lead.owner_id:
                lead_return(lead=lead, actor=None, reason=_("Not accepted within the accept deadline"), sla=True)
            elif lead.sla_breaches == 0:
                with transaction.atomic():
                    locked = _lock(lead)
                    Lead.objects.filter(pk=locked.pk).update(sla_breaches=1)
                    core_events.record(events.LEAD_SLA_BREACHED, locked, payload={"queue": str(locked.queue_id)},
                                       reason=_("Nobody in the queue accepted the lead in time"))
                    manager = locked.queue.manager if locked.queue_id else None
                    if manager:
                        notify(manager, title=message(gettext_noop("SLA breach: a lead waits in the %(q)s queue"), q=locked.queue.label),
                               body=locked.title, url=_url(locked), kind="leads.sla_breach", subject=locked)
            else:
                continue
            count += 1
        except DomainError:
            continue
    return count


def stale_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Alert owners of leads without activity; recycle those stale for twice the threshold."""
    moment = now or timezone.now()
    config = capture.load_settings()
    days = {"hot": config.stale_days_hot, "warm": config.stale_days_warm, "cold": config.stale_days_cold}
    alerted = recycled = 0
    for temp, limit in days.items():
        base = Lead.objects.filter(status__in=[S.ACCEPTED, S.NURTURING], temperature=temp)
        since = Q(last_activity_at__lt=moment - dt.timedelta(days=limit)) | Q(
            last_activity_at__isnull=True, accepted_at__lt=moment - dt.timedelta(days=limit))
        doubled = Q(last_activity_at__lt=moment - dt.timedelta(days=2 * limit)) | Q(
            last_activity_at__isnull=True, accepted_at__lt=moment - dt.timedelta(days=2 * limit))
        for lead in base.filter(doubled, status=S.NURTURING)[:1000]:
            lead_recycle(lead=lead, actor=None, reason=_("No activity for %(d)d days") % {"d": 2 * limit})
            recycled += 1
        for lead in base.filter(since, stale_alerted_at__isnull=True).select_related("owner__org_unit__manager")[:1000]:
            with transaction.atomic():
                Lead.objects.filter(pk=lead.pk).update(stale_alerted_at=moment)
                core_events.record(events.LEAD_STALE, lead, payload={"days": limit, "temperature": temp})
                if lead.owner:
                    notify(lead.owner, title=message(gettext_noop("No activity for %(d)d days: %(t)s"), d=limit, t=lead.title),
                           url=_url(lead), kind="leads.stale", subject=lead)
                    manager = lead.owner.org_unit.manager if lead.owner.org_unit_id else None
                    if manager and manager != lead.owner:
                        notify(manager, title=message(gettext_noop("Stale lead of %(u)s: %(t)s"), u=lead.owner, t=lead.title),
                               url=_url(lead), kind="leads.stale", subject=lead)
            alerted += 1
    return {"alerted": alerted, "recycled": recycled}


def review_sweep(now: dt.datetime | None = None) -> int:
    """On the review cadence, tell each owner how many of their leads are due for review."""
    from m2c.core.notifications import Notification

    moment = now or timezone.now()
    config = capture.load_settings()
    cadence = dt.timedelta(days=config.review_cadence_days)
    sent = 0
    due = Lead.objects.filter(status__in=OPEN, owner__isnull=False).filter(
        Q(needs_review=True) | Q(last_reviewed_at__isnull=True, created_at__lt=moment - cadence)
        | Q(last_reviewed_at__lt=moment - cadence))
    for owner_id, count in _count_by(due, "owner_id").items():
        last = Notification.objects.filter(recipient_id=owner_id, kind="leads.review").order_by("-created_at").first()
        if last and moment - last.created_at < cadence:
            continue
        user = User.objects.get(pk=owner_id)
        notify(user, title=message(gettext_noop("%(n)d leads to review"), n=count), url=reverse("leads:review"), kind="leads.review")
        sent += 1
    return sent


def _count_by(qs: Any, field: str) -> dict[Any, int]:
    from django.db.models import Count

    return dict(qs.values(field).annotate(n=Count("id")).values_list(field, "n"))


# --- configuration and saved views -------------------------------------------------------------------


@transaction.atomic
def settings_update(*, actor: Any, **changes: Any) -> LeadSettings:
    _require(actor)
    config = capture.load_settings()
    allowed = {f.name for f in LeadSettings._meta.get_fields() if f.name not in ("id", "updated_at")}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if "weights" in changes:
        weights = changes["weights"]
        if set(weights) - set(scoring.DEFAULT_WEIGHTS) or any(int(v) < 0 for v in weights.values()):
            raise ValidationFailed(_("Weights are non-negative numbers for: %(d)s.") % {"d": ", ".join(scoring.DEFAULT_WEIGHTS)}, field="weights")
        if sum(int(v) for v in {**scoring.DEFAULT_WEIGHTS, **weights}.values()) != 100:
            raise ValidationFailed(_("The weights must add up to 100."), field="weights")
    warm = changes.get("warm_threshold", config.warm_threshold)
    hot = changes.get("hot_threshold", config.hot_threshold)
    if not 0 < warm < hot <= 100:
        raise ValidationFailed(_("Thresholds must satisfy 0 < warm < hot ≤ 100."), field="hot_threshold")
    for key, value in changes.items():
        setattr(config, key, value)
    config.save()
    core_events.record(events.SETTINGS_CHANGED, config, actor=actor, payload={"changes": {k: _show(v) for k, v in changes.items()}})
    return config


@transaction.atomic
def saved_view_create(*, actor: Any, name: str, query: str, shared: bool = False) -> SavedView:
    _require(actor, *WORK_ROLES, Role.EXECUTIVE)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Give the view a name of at most 80 characters."), field="name")
    if len(query) > 1000:
        raise ValidationFailed(_("Too many filters."), field="query")
    view, _created = SavedView.objects.update_or_create(user=actor, name=name, defaults={"query": query, "shared": shared})
    return view


@transaction.atomic
def saved_view_delete(*, actor: Any, view: SavedView) -> None:
    if view.user_id != actor.pk and not actor.sees_everything:
        raise PermissionDenied(_("You can only delete your own views."))
    view.delete()


WORKING_STATES = WORKING
