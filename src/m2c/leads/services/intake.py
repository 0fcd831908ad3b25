"""Capture commands: one lead (API, idempotent), a bulk call, a public web form. All run :mod:`m2c.leads.capture`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import bulk
from m2c.core.errors import Conflict, NotFound, ValidationFailed
from m2c.core.models import OfferingLine, Role, User
from m2c.core.notifications import message, notify
from m2c.core.roles import require_role
from m2c.customers import selectors as customer_selectors

from .. import capture
from ..models import (
    CampaignTouch,
    Channel,
    IdempotencyRecord,
    Lead,
)
from .common import (
    CAPTURE_ROLES,
    MAX_BULK,
    _authenticated,
)

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors


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


def _capture(items: list[capture.Prepared], ref: capture.Reference, *, actor: User | None, notify_submitter: bool = True,
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


def _scope_external_ref(data: dict[str, Any], actor: User | None, channel: str) -> dict[str, Any]:
    ref = data.get("external_id")
    if ref:
        owner = actor.pk if _authenticated(actor) else "anonymous"
        data = {**data, "external_id": f"{channel}:{owner}:{str(ref)[:80]}"}
    return data


@transaction.atomic
def lead_create(*, actor: User | None, data: dict[str, Any], channel: str = Channel.API) -> tuple[Lead, capture.Outcome]:
    """Capture one lead through the full rule set; returns the stored lead and what happened."""
    return _lead_create(actor=actor, data=data, channel=channel)


def _lead_create(*, actor: User | None, data: dict[str, Any], channel: str) -> tuple[Lead, capture.Outcome]:
    # The body of lead_create, for callers that already hold a transaction (no savepoint round trips).
    require_role(actor, *CAPTURE_ROLES)
    if _authenticated(actor) and actor.has_role(Role.PARTNER) and not actor.has_role(Role.ADMINISTRATOR):
        channel = Channel.PARTNER
    ref = capture.Reference()
    prepared = capture.prepare(_scope_external_ref(data, actor, "api"), ref, channel=channel, actor=actor)
    _check_customer(prepared, actor)
    outcome = _capture([prepared], ref, actor=actor)[0]
    if outcome.lead_id is None:  # pragma: no cover - a replay within one request cannot happen
        raise Conflict(_("This lead was already submitted."))
    return _stored(outcome, ref, prepared), outcome


def _check_customer(prepared: capture.Prepared, actor: User | None) -> None:
    """A lead names a stored customer by id only when the caller may see that customer.

    An id the caller cannot see is answered like one that does not exist (404): the refusal tells
    nothing about other regions' customers, and nothing is stored.
    """
    if prepared.customer_id and not customer_selectors.customer_visible(user=actor, customer_id=prepared.customer_id):
        raise NotFound(_("No customer “%(id)s” that you can see.") % {"id": prepared.customer_id}, field="customer_id",
                       code="customer_not_found")


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
    if outcome.owner is not None and lead.owner_id == outcome.owner.pk:  # read once already, to notify them
        lead.owner = outcome.owner
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
    *, actor: User | None, key: str | None, data: dict[str, Any], render: Callable[[Lead, capture.Outcome], dict[str, Any]],
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
    require_role(actor, *CAPTURE_ROLES)
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
            _store_response(record_id, body)
            return 201, body, False
    raise Conflict(_("A request with this Idempotency-Key is still being processed."), code="idempotency_in_progress")


def _claim_key(actor: User | None, key: str, digest: str) -> int | None:
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


def _store_response(record_id: int, body: dict[str, Any]) -> None:
    """The answer a retry with the same key replays, stored in the key's row (one statement, no ORM build).

    Encoded as the API renders it (DjangoJSONEncoder: ISO datetimes, decimals as strings), so the replay
    is the first answer byte for byte, not ``str()`` of its datetimes.
    """
    meta = IdempotencyRecord._meta
    stored = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    value = meta.get_field("response").get_db_prep_value(stored, connection)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "response" = %s WHERE "id" = %s', [value, record_id])  # noqa: S608


def lead_create_bulk(*, actor: User | None, items: list[dict[str, Any]], channel: str = Channel.BULK_API) -> list[dict[str, Any]]:
    """Capture up to 10,000 leads; each item gets its own result, bad items do not stop good ones."""
    require_role(actor, *CAPTURE_ROLES)
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
            try:
                _check_customer(p, actor)
            except NotFound as exc:
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
    data = {k: v for k, v in data.items() if k != "customer_id"}  # the public never links a stored customer
    payload = {**data, "source_campaign": campaign.code, "source_type": "campaign", "touch_kind": CampaignTouch.Kind.RESPONSE}
    with transaction.atomic():
        ref = capture.Reference()
        prepared = capture.prepare(payload, ref, channel=Channel.WEB_FORM)
        _capture([prepared], ref, actor=None)


def lead_capture_response(*, data: dict[str, Any], channel: str = Channel.MANUAL,
                          actor: User | None = None) -> capture.Outcome:
    """A campaign response converted into a lead by the campaigns app (its form, check-in, an import, the
    worker's sweep): captured through the full rule set like any lead (identity, duplicates, validity,
    scoring, routing, the campaign touch). The campaigns service decided who may ask; the sweep is the system.
    An ``external_id`` makes a second conversion of the same response replay the first."""
    result = lead_capture_responses(items=[(data, channel)], actor=actor)[0]
    if isinstance(result, ValidationFailed):
        raise result
    return result


def lead_capture_responses(*, items: list[tuple[dict[str, Any], str]],
                           actor: User | None = None) -> list[capture.Outcome | ValidationFailed]:
    """A batch of campaign responses (data, channel) through the capture rules in one pass (the worker's
    sweep): one outcome per item, or the ``ValidationFailed`` that refused it; the others are stored."""
    results: list[capture.Outcome | ValidationFailed | None] = [None] * len(items)
    with transaction.atomic():
        ref = capture.Reference()
        prepared: list[capture.Prepared] = []
        positions: list[int] = []
        for index, (data, channel) in enumerate(items):
            try:
                prepared.append(capture.prepare(data, ref, channel=channel, actor=actor))
            except ValidationFailed as exc:
                results[index] = exc
                continue
            positions.append(index)
        outcomes = _capture(prepared, ref, actor=actor, notify_submitter=False) if prepared else []
        for index, outcome in zip(positions, outcomes, strict=True):
            results[index] = outcome
    return results  # type: ignore[return-value]


# --- editing and qualification ----------------------------------------------------------------------
