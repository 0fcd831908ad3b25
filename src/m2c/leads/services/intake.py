"""Capture commands: one lead (API, idempotent), a bulk call, a public web form. All run :mod:`m2c.leads.capture`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import bulk
from m2c.core.errors import Conflict, DomainError, NotFound, ValidationFailed
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


def _lock_and_look_up(actor: User, key: str, prepared: capture.Prepared | None) -> tuple[str, int, Any] | None:
    """Lock an Idempotency-Key with the lead's identity locks, and read the answer stored with it, if any.

    The key's lock makes a retry that arrives while the first request runs wait for it and then replay
    its stored answer. On PostgreSQL one statement tries the key's lock (without waiting), takes the
    identity locks of :func:`_serialize_capture` (the shared global lock, then the numbers sorted, so
    two requests cannot wait on each other) and reads the key's row. When the key's lock was free, that
    read saw every answer stored with the key (one committed in the instant between the read and the
    lock is met by the key's unique index at insert: see ``lead_create_idempotent``). When it was held,
    the request takes no identity lock in that statement (the holder may still be taking them), waits for
    the key's lock, then takes the identity locks and reads again, after the holder committed or rolled back.
    SQLite runs write transactions one at a time: there the read is all.
    """
    if connection.vendor != "postgresql":
        return _recorded(actor, key)
    keys = _identity_lock_keys([prepared]) if prepared is not None else []
    numbers = sorted({_lock_number(k) for k in keys or () if k})
    key_lock = _lock_number(f"i:{actor.pk}:{key}")
    identity = ", ".join(["pg_advisory_xact_lock_shared(%s)", *["pg_advisory_xact_lock(%s)"] * len(numbers)])
    meta = IdempotencyRecord._meta
    user = meta.get_field("user").get_db_prep_value(actor.pk, connection)
    with connection.cursor() as cursor:
        # The identity locks only once the key's lock is held: a retry that found the key taken must not
        # hold an identity lock the first request still has to take while it waits for the key (deadlock).
        sql = ("WITH k AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(%s) AS got), "  # noqa: S608
               f"l AS MATERIALIZED (SELECT {identity} FROM k WHERE k.got) "
               'SELECT k.got, (SELECT count(*) FROM l), r."request_hash", r."status_code", r."response" FROM k '
               f'LEFT JOIN {connection.ops.quote_name(meta.db_table)} r ON r."user_id" = %s AND r."key" = %s')
        cursor.execute(sql, [key_lock, _GLOBAL_LOCK, *numbers, user, key])  # no input in the text
        row = cursor.fetchone()
        if row[0]:
            return None if row[-3] is None else (row[-3], row[-2], meta.get_field("response").from_db_value(
                row[-1], None, connection))
        # Taken: wait for the key, then the identity locks in the same order as everyone (key, global, sorted).
        cursor.execute(f"SELECT pg_advisory_xact_lock(%s), {identity}", [key_lock, _GLOBAL_LOCK, *numbers])
    return _recorded(actor, key)


def _capture(items: list[capture.Prepared], ref: capture.Reference, *, actor: User | None, notify_submitter: bool = True,
             locked: bool = False, **kwargs: Any) -> list[capture.Outcome]:
    if not locked:
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
    ref, prepared = _prepare_one(actor=actor, data=data, channel=channel)
    _check_customer(prepared, actor)
    outcome = _capture([prepared], ref, actor=actor)[0]
    if outcome.lead_id is None:  # pragma: no cover - a replay within one request cannot happen
        raise Conflict(_("This lead was already submitted."))
    return _stored(outcome, ref, prepared), outcome


def _prepare_one(*, actor: User | None, data: dict[str, Any], channel: str) -> tuple[capture.Reference, capture.Prepared]:
    require_role(actor, *CAPTURE_ROLES)
    if _authenticated(actor) and actor.has_role(Role.PARTNER) and not actor.has_role(Role.ADMINISTRATOR):
        channel = Channel.PARTNER
    ref = capture.Reference()
    return ref, capture.prepare(_scope_external_ref(data, actor, "api"), ref, channel=channel, actor=actor)


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
        lead = Lead.from_db(connection.alias, _LEAD_ATTNAMES, _as_read(outcome.row))
        codes = ref.line_codes
        lines = sorted((OfferingLine(id=pk, code=codes.get(pk, "")) for pk in prepared.line_ids), key=lambda line: line.code)
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


def _as_read(row: dict[str, Any]) -> list[Any]:
    """Every column's value in field order, as a read returns it (a column the row lacks takes its default).

    Positional, as ``Model.from_db`` builds a row read from the database: half the cost of keywords.
    """
    values = []
    for f in _LEAD_FIELDS:
        if f.attname not in row:
            values.append(f.get_default())
            continue
        value = row[f.attname]
        if type(value) is bulk.JsonValue:
            value = value.value
        elif isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        elif isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
        values.append(value)
    return values


_LEAD_FIELDS = Lead._meta.concrete_fields
_LEAD_ATTNAMES = [f.attname for f in _LEAD_FIELDS]


def lead_create_idempotent(
    *, actor: User | None, key: str | None, data: dict[str, Any], render: Callable[[Lead, capture.Outcome], dict[str, Any]],
    channel: str = Channel.API,
) -> tuple[int, dict[str, Any], bool]:
    """``lead_create`` behind an Idempotency-Key: a retry returns the first response, never a new lead.

    Returns (status code, body, replayed). The key is locked and looked up first, with the lead's
    identity locks (:func:`_lock_and_look_up`): a retry arriving while the first request runs waits for
    it and replays its stored answer. The answer is stored in the same transaction as the lead, in the
    lead's own insert statement on PostgreSQL (the key's row is written once, complete).
    """
    if not key:
        lead, outcome = lead_create(actor=actor, data=data, channel=channel)
        return 201, render(lead, outcome), False
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise ValidationFailed(_("An Idempotency-Key has 1 to 200 printable characters."), field="Idempotency-Key")
    require_role(actor, *CAPTURE_ROLES)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create_once(actor, key, digest, data, render, channel)
        except IntegrityError:
            # The key's row was stored by a request this one did not wait for (one that committed in the
            # instant between this one's read and its lock, or a process of an earlier release during an
            # upgrade, which does not take the key's lock): nothing of this one was kept; replay that answer.
            if attempt == 2 or not IdempotencyRecord.objects.filter(user=actor, key=key).exists():
                raise
    raise Conflict(_("A request with this Idempotency-Key is still being processed."),  # pragma: no cover
                   code="idempotency_in_progress")


def _create_once(actor: User, key: str, digest: str, data: dict[str, Any],
                 render: Callable[[Lead, capture.Outcome], dict[str, Any]], channel: str) -> tuple[int, dict[str, Any], bool]:
    try:  # prepared first (no database writes) so its identity locks go with the key's lock
        ref, prepared = _prepare_one(actor=actor, data=data, channel=channel)
        refused: DomainError | None = None
    except DomainError as exc:  # a key already answered is replayed even if the request is refused now
        ref, prepared, refused = None, None, exc  # type: ignore[assignment]
    found = _lock_and_look_up(actor, key, prepared)
    if found is not None:
        request_hash, status_code, response = found
        if request_hash != digest:
            raise Conflict(_("This Idempotency-Key was used for a different request."), code="idempotency_key_reused")
        return status_code, response, True
    if refused is not None:
        raise refused
    _check_customer(prepared, actor)
    answer: dict[str, Any] = {}

    def store_answer(outcomes: list[capture.Outcome]) -> list[tuple[Any, list[dict[str, Any]]]]:
        outcome = outcomes[0]
        if outcome.lead_id is None:  # pragma: no cover - a replay within one request cannot happen
            raise Conflict(_("This lead was already submitted."))
        answer["body"] = body = render(_stored(outcome, ref, prepared), outcome)
        return [(IdempotencyRecord, [_answer_row(actor, key, digest, body)])]

    _capture([prepared], ref, actor=actor, locked=True, also_insert=store_answer)
    return 201, answer["body"], False


def _recorded(actor: User, key: str) -> tuple[str, int, Any] | None:
    """The stored request hash, status and answer of ``actor``'s key, if a request with it was committed."""
    meta = IdempotencyRecord._meta
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "request_hash", "status_code", "response" FROM {table} '  # noqa: S608
                       'WHERE "user_id" = %s AND "key" = %s',
                       [meta.get_field("user").get_db_prep_value(actor.pk, connection), key])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], row[1], meta.get_field("response").from_db_value(row[2], None, connection)


_ANSWER_JSON = DjangoJSONEncoder(ensure_ascii=False)


def _answer_row(actor: User, key: str, digest: str, body: dict[str, Any]) -> dict[str, Any]:
    """The key's row with the answer a retry replays.

    Encoded as the API renders it (DjangoJSONEncoder: ISO datetimes, decimals as strings), so the replay
    is the first answer byte for byte, not ``str()`` of its datetimes.
    """
    text = _ANSWER_JSON.encode(body)
    return {"user_id": actor.pk, "key": key, "request_hash": digest, "status_code": 201,
            "response": bulk.JsonValue.encoded(body, text), "created_at": timezone.now()}


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
