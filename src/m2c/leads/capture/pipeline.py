"""The capture pipeline: a batch of prepared leads through identity resolution, the duplicate rule, the
validity gate, scoring and routing, stored with one ``executemany`` per table.

A batch of one (the API) and a batch of five thousand (an import) go through the very same code.
Who the customer is comes from ``customers.identity``; every event goes through
``core.events.record_many`` (one bulk insert, the registry's checks).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from m2c.core import bulk
from m2c.core import events as core_events
from m2c.core.models import Event, User
from m2c.customers.identity import CustomerIndex, Keys
from m2c.customers.models import ComplianceStatus

from .. import events, scoring
from ..models import CampaignTouch, InvalidReason, Lead, LeadContact, LeadMerge
from ..states import OPEN, LeadStatus, check_path
from .duplicates import Candidate, CandidatePool, best_match, load_candidates
from .parsing import Prepared
from .reference import Reference
from .routing import route

S = LeadStatus


@dataclass
class Outcome:
    """What capture did with one prepared lead."""

    lead_id: Any
    status: str
    kind: str  # created | merged | replayed
    match: dict[str, Any] = field(default_factory=dict)
    survivor_id: Any = None
    survivor_opportunity_id: Any = None
    owner_id: Any = None
    invalid_reasons: list[str] = field(default_factory=list)
    row: dict[str, Any] | None = None  # the lead's stored column values (attnames), when one was stored
    owner: User | None = None  # the person it was routed to, as read once to notify them



def validity(p: Prepared, ref: Reference) -> list[str]:
    """The reasons a lead fails the validity gate (domain.md 3.2); none when it passes."""
    v = p.values
    reasons = []
    if not (p.customer or v["normalized_name"] or v["credit_code"]):
        reasons.append(InvalidReason.NO_CUSTOMER)
    if not p.line_ids:
        reasons.append(InvalidReason.NO_OFFERING_LINE)
    if not (v["contact_email"] or v["contact_phone"]):
        reasons.append(InvalidReason.NO_CONTACT)
    title = v["contact_title"].casefold()
    if title and any(term in title for term in ref.student_terms):
        reasons.append(InvalidReason.STUDENT_CONTACT)
    if p.customer and p.customer.compliance_status == ComplianceStatus.BLOCKED:
        reasons.append(InvalidReason.COMPLIANCE_BLOCKED)
    return reasons


def capture(
    items: list[Prepared],
    ref: Reference,
    *,
    actor: User | None = None,
    import_job_id: Any = None,
    dry_run: bool = False,
    notify: bool = True,
    also_insert: Callable[[list[Outcome]], list[tuple[Any, list[dict[str, Any]]]]] | None = None,
) -> list[Outcome]:
    """Resolve, deduplicate, validate, score, route and store a batch. Call inside a transaction.

    ``also_insert``: given the outcomes before anything is stored (each with its row and the person it
    was routed to), rows of further tables to store with the batch, in the same statement on
    PostgreSQL (the API's stored answer for an Idempotency-Key).
    """
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    outcomes: list[Outcome | None] = [None] * len(items)
    refs = [p.values.get("external_ref") for p in items]
    existing_refs = {}
    wanted = [r for r in refs if r]
    for start in range(0, len(wanted), 5000):
        existing_refs.update(dict(Lead.objects.filter(external_ref__in=wanted[start:start + 5000]).values_list("external_ref", "id")))
    todo: list[int] = []
    seen_refs: dict[str, int] = {}
    for i in range(len(items)):
        r = refs[i]
        if r and r in existing_refs:
            outcomes[i] = Outcome(existing_refs[r], "", "replayed")
        elif r and r in seen_refs:
            outcomes[i] = Outcome(None, "", "replayed")
        else:
            if r:
                seen_refs[r] = i
            todo.append(i)
    batch = [items[i] for i in todo]
    customers = getattr(ref, "customer_index", None) or CustomerIndex(preload=False, threshold=ref.config.match_threshold)
    customers.prefetch([p.keys for p in batch])
    for p in batch:
        p.customer, p.customer_match = customers.resolve(p.keys)
        p.keys.customer_id = p.customer.id if p.customer else None
    pool = CandidatePool()
    # An import row that names a stored INVALID lead again corrects it rather than adding a lead (issue 9).
    load_candidates(batch, ref, pool, include_invalid=import_job_id is not None)
    correctable = correctable_leads(pool, actor) if import_job_id is not None else set()
    corrections: list[tuple[int, Any]] = []

    lead_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    touch_rows: list[dict[str, Any]] = []
    merge_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    survivors: dict[Any, int] = defaultdict(int)
    assigned: dict[Any, list[Any]] = defaultdict(list)
    partner_offers: list[tuple[Any, Any]] = []
    request_id = core_events.request_id_var.get()
    due = None
    ids = _uuid_batch(len(todo) * 3)
    import_ref = str(import_job_id) if import_job_id else None
    match_threshold, review_threshold = ref.config.match_threshold, ref.config.review_threshold
    now_of = timezone.now
    for i in todo:
        p = items[i]
        v = dict(p.values)
        lead_id = next(ids)
        now = now_of()
        customer = p.customer
        if customer:
            v["customer_id"] = customer.id
            v["region_id"] = v["region_id"] or customer.org_unit_id
            v["customer_group_id"] = v["customer_group_id"] or customer.customer_group_id
            v["industry"] = v["industry"] or customer.industry
        if not v["region_id"] and v["province"]:
            v["region_id"] = ref.territory("province", v["province"])
        if not v["customer_group_id"] and v["industry"]:
            v["customer_group_id"] = ref.territory("industry", v["industry"])
        target, match, review, review_match = best_match(p, pool, match_threshold, review_threshold)
        if target is not None and target.status == S.INVALID:
            if target.id in correctable:
                outcomes[i] = Outcome(target.id, S.INVALID, "merged", match={**match.as_dict(), "target": str(target.id),  # type: ignore[union-attr]
                                      "target_type": "lead"}, survivor_id=target.id, invalid_reasons=validity(p, ref))
                corrections.append((i, target.id))
                continue
            target = match = None
        path = [S.NEW]
        payload: dict[str, Any] = {"channel": v["channel"]}
        if import_ref:
            payload["import"] = import_ref
            if p.row_number:
                payload["row"] = p.row_number
        if p.customer_match:
            payload["customer_match"] = p.customer_match.as_dict()
        if p.inferred:
            payload["lines_inferred"] = p.inferred
        outcome = Outcome(lead_id, "", "created")
        if target is not None and match is not None:
            path.append(S.DUPLICATE)
            explanation = {**match.as_dict(), "target": str(target.id),
                           "target_type": "opportunity" if target.is_opportunity else "lead"}
            v["match"] = explanation
            if target.is_opportunity:
                v["merged_into_opportunity_id"] = target.id
                outcome.survivor_opportunity_id = target.id
            else:
                v["duplicate_of_id"] = target.id
                outcome.survivor_id = target.id
                if p.campaign:  # a new touch changes its score; nothing else of it changes here
                    survivors[target.id] += 1
            outcome.kind = "merged"
            outcome.match = explanation
            merge_rows.append({
                "id": next(ids), "merged_id": lead_id,
                "survivor_id": None if target.is_opportunity else target.id,
                "survivor_opportunity_id": target.id if target.is_opportunity else None,
                "match": explanation, "previous_status": S.NEW, "snapshot": {}, "automatic": True,
                "actor_id": actor_id, "created_at": now,
            })
            if p.campaign:
                touch_rows.append({
                    "id": next(ids), "campaign_id": p.campaign.pk, "customer_id": v.get("customer_id"),
                    "lead_id": None if target.is_opportunity else target.id,
                    "opportunity_id": target.id if target.is_opportunity else None,
                    "kind": p.touch_kind, "touched_at": now, "origin_lead_id": lead_id, "created_at": now,
                })
            event_rows.append(_event(events.LEAD_ABSORBED if not target.is_opportunity else events.LEAD_MERGED,
                                     "opportunities.opportunity" if target.is_opportunity else "leads.lead",
                                     target.id, actor_id, request_id, now,
                                     {"merged_lead": str(lead_id), "merge": str(merge_rows[-1]["id"]),
                                      "match": explanation, "touches": 1 if p.campaign else 0,
                                      "campaign": p.campaign.code if p.campaign else None}))
        else:
            path.append(S.VALIDATING)
            if review is not None and review_match is not None:
                v["needs_review"] = True
                v["review_reason"] = "possible_duplicate"
                v["match"] = {**review_match.as_dict(), "target": str(review.id),
                              "target_type": "opportunity" if review.is_opportunity else "lead", "possible": True}
            reasons = validity(p, ref)
            touches = 1 if p.campaign else 0
            if reasons:
                path.append(S.INVALID)
                v["invalid_reasons"] = reasons
                outcome.invalid_reasons = reasons
            else:
                path.append(S.QUALIFIED)
                value, temp, breakdown = ref.score(v, touches)
                v["score"], v["temperature"], v["score_breakdown"] = value, temp, breakdown
                if temp == "cold":
                    path.append(S.RECYCLED)
                else:
                    found = route(v, p.line_set, customer, value, ref, _NO_ONE)
                    if found.skipped:
                        payload["routing_skipped"] = found.skipped
                    if found.partner_id:  # offered to the partner once the lead is stored (below)
                        path.append(S.ASSIGNED)
                        v.update(owner_id=None, queue_id=None, routing_rule_id=found.rule_id, assigned_at=ref.now,
                                 accept_due_at=None)
                        payload["route"] = {"how": "partner", "partner": str(found.partner_id),
                                            "rule": str(found.rule_id)}
                        partner_offers.append((lead_id, found.partner_id))
                    elif found.owner_id or found.queue_id:
                        path.append(S.ASSIGNED)
                        due = due or ref.accept_due()
                        v.update(owner_id=found.owner_id, queue_id=found.queue_id, routing_rule_id=found.rule_id,
                                 assigned_at=ref.now, accept_due_at=due)
                        payload["route"] = {"how": found.how, "owner": str(found.owner_id) if found.owner_id else None,
                                            "queue": str(found.queue_id) if found.queue_id else None,
                                            "rule": str(found.rule_id) if found.rule_id else None}
                        if found.owner_id:
                            ref.add_load(found.owner_id)
                            assigned[found.owner_id].append(lead_id)
                            outcome.owner_id = found.owner_id
                    else:
                        v["needs_review"] = True
                        v["review_reason"] = v.get("review_reason") or "unrouted"
            if p.campaign:
                touch_rows.append({
                    "id": next(ids), "campaign_id": p.campaign.pk, "customer_id": v.get("customer_id"),
                    "lead_id": lead_id, "kind": p.touch_kind, "touched_at": now, "created_at": now,
                })
            # Later leads of the same batch compare against this one.
            k = p.keys
            pool.add(Candidate(lead_id, Keys(k.normalized, k.core, k.block, k.credit_code, k.email, k.phone, k.domain,
                                             k.customer_id), now, status=path[-1], line_ids=p.line_set))
        check_path(path)
        status = path[-1]
        v["status"] = outcome.status = status
        payload["path"] = path
        if v.get("needs_review"):  # on the review board from the start: the timeline says why
            payload["review"] = v["review_reason"]
        if "match" in v:
            payload["match"] = v["match"]
        v["id"] = lead_id
        v["created_at"] = v["updated_at"] = now
        v["created_by_id"] = actor_id
        v["import_job_id"] = import_job_id
        lead_rows.append(v)
        outcome.row = v
        for line_id in p.line_ids:
            line_rows.append({"lead_id": lead_id, "offeringline_id": line_id})
        event_rows.append(_event(events.LEAD_CAPTURED, "leads.lead", lead_id, actor_id, request_id, now, payload,
                                 to_state=status))
        outcomes[i] = outcome
    if not dry_run:
        # The events' checks first (core.events), then every row of the batch: one statement for a
        # single API capture on PostgreSQL, COPY per table for an import.
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (Lead, lead_rows), (Lead.offering_lines.through, line_rows), (CampaignTouch, touch_rows), (LeadMerge, merge_rows)]
        core_events.record_many(event_rows, insert=lambda complete: tables.append((Event, complete)))
        users: dict[Any, User] = {}
        if notify and assigned:  # read once: to tell them (below) and to name them in an answer
            users = {u.pk: u for u in User.objects.filter(pk__in=list(assigned))}
            for o in outcomes:
                if o is not None and o.owner_id is not None:
                    o.owner = users.get(o.owner_id)
        if also_insert is not None:
            tables += also_insert([o for o in outcomes if o is not None])
        bulk.insert_together(tables)
        if survivors:
            rescore_many(list(survivors), ref, actor=actor)
        for i, lead_id in corrections:
            corrected = correct_invalid(lead_id, items[i], actor)
            outcomes[i].status, outcomes[i].invalid_reasons = corrected.status, list(corrected.invalid_reasons or [])  # type: ignore[union-attr]
        if notify and assigned:
            _notify_assignees(assigned, {row["id"]: row for row in lead_rows}, users)
        if partner_offers:
            _offer_to_partners(partner_offers)
    return [o for o in outcomes if o is not None]


_NO_ONE: frozenset = frozenset()


def _offer_to_partners(offers: list[tuple[Any, Any]]) -> None:
    """Leads routed to a partner by a partner rule become the partner's lead offers (partners' service)."""
    from m2c.partners import selectors as partner_selectors
    from m2c.partners import services as partner_services

    leads = Lead.objects.in_bulk([lead_id for lead_id, _partner in offers])
    for lead_id, partner_id in offers:
        partner_services.offer_make(actor=None, lead=leads[lead_id], partner=partner_selectors.partner_by_id(partner_id))


def correctable_leads(pool: CandidatePool, actor: User | None) -> set[Any]:
    """The stored INVALID leads among the candidates that ``actor`` may correct (every reason fixable)."""
    from ..states import FIXABLE_REASONS, SALES

    ids = {c.id for index in (pool.code, pool.name, pool.core, pool.email, pool.phone, pool.domain, pool.block)
           for group in index.values() for c in group if c.status == S.INVALID}
    if not ids or actor is None or not (actor.is_superuser or actor.has_role(*SALES)):
        return set()
    rows = Lead.objects.filter(pk__in=ids, status=S.INVALID).values_list("pk", "invalid_reasons")
    return {pk for pk, reasons in rows if not set(reasons or []) - FIXABLE_REASONS}


def correct_invalid(lead_id: Any, p: Prepared, actor: User | None) -> Lead:
    from ..services.validity import lead_correct_from_capture

    return lead_correct_from_capture(lead_id=lead_id, prepared=p, actor=actor)


def _uuid_batch(n: int) -> Any:
    """Time-ordered random UUIDs (version 7, RFC 9562) from one read of the OS random source.

    A million new rows then land at the end of every index keyed by id (the lead table's primary key,
    the event log's subject index) instead of all over it, which keeps bulk inserts fast as the store
    grows. The 74 random bits keep ids unguessable.
    """
    raw = os.urandom(10 * max(n, 1))
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    for k in range(0, len(raw), 10):
        rand = int.from_bytes(raw[k:k + 10], "big")
        value = (millis << 80) | (0x7 << 76) | ((rand >> 68) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
        yield uuid.UUID(int=value)
    while True:  # pragma: no cover - more ids than planned
        yield uuid.uuid4()


def _event(event_type: str, subject_type: str, subject_id: Any, actor_id: Any, request_id: str, when: dt.datetime,
           payload: dict[str, Any], *, from_state: str = "", to_state: str = "") -> dict[str, Any]:
    return {"event_type": event_type, "subject_type": subject_type, "subject_id": str(subject_id), "actor_id": actor_id,
            "from_state": from_state, "to_state": to_state, "payload": payload, "request_id": request_id,
            "occurred_at": when}


def _insert_events(rows: list[dict[str, Any]]) -> None:
    bulk.insert(Event, rows)


def _notify_assignees(assigned: dict[Any, list[Any]], stored: dict[Any, dict[str, Any]], users: dict[Any, User]) -> None:
    """Tell each new owner (``users``, read by id); a single lead's title and accept deadline come from the row just stored."""
    from django.urls import reverse

    from m2c.core.notifications import message, notify

    for user_id, lead_ids in assigned.items():
        user = users.get(user_id)
        if user is None:
            continue
        if len(lead_ids) == 1:
            row = stored[lead_ids[0]]
            lead = Lead(id=row["id"], title=row.get("title") or "", accept_due_at=row.get("accept_due_at"))
            notify(user, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
                   body=message(gettext_noop("Accept or return it by %(due)s."), due=timezone.localtime(
                       lead.accept_due_at).strftime("%Y-%m-%d %H:%M") if lead.accept_due_at else "—"),
                   url=reverse("leads:detail", args=[lead.pk]), kind="leads.assigned", subject=lead)
        else:
            notify(user, title=message(gettext_noop("%(n)d new leads for you"), n=len(lead_ids)),
                   body=message(gettext_noop("Accept or return each of them within the accept deadline.")),
                   url=reverse("leads:mine"), kind="leads.assigned")


def rescore_many(lead_ids: list[Any], ref: Reference, *, actor: User | None = None) -> int:
    """Recompute the score of leads whose facts changed (new touches after a merge), with an event each.

    One update statement for the batch and one bulk insert of ``leads.lead.rescored`` events, for the
    leads whose score or temperature changed; returns how many changed.
    """
    touch_counts = dict(
        CampaignTouch.objects.filter(lead_id__in=lead_ids).values("lead_id").annotate(n=Count("id")).values_list("lead_id", "n")
    )
    chain = set(
        LeadContact.objects.filter(lead_id__in=lead_ids, decision_role__in=scoring.DECISION_CHAIN_ROLES)
        .values_list("lead_id", flat=True)
    )
    fields = ("id", "budget_status", "expected_purchase_date", "decision_chain_known", "pain_confirmed", "industry",
              "contact_role", "status", "score", "temperature")
    updates = []
    changed = []
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    for row in Lead.objects.filter(pk__in=lead_ids).values(*fields):
        if row["status"] not in OPEN or row["status"] in (S.NEW, S.VALIDATING):
            continue
        value, breakdown = scoring.score(scoring.facts_of(row, touch_counts.get(row["id"], 0), row["id"] in chain),
                                         weights=ref.weights, priority_industries=ref.priority_industries, today=ref.today)
        temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
        updates.append((value, temp, breakdown, row["id"]))
        if value != row["score"] or temp != row["temperature"]:
            changed.append(_event(events.LEAD_RESCORED, "leads.lead", row["id"], actor_id, core_events.request_id_var.get(),
                                  now, {"from": row["score"], "to": value, "temperature": [row["temperature"], temp],
                                        "why": "touch_merged"}))
    if not updates:
        return 0
    json_field = Lead._meta.get_field("score_breakdown")
    id_convert = bulk._converter(Lead._meta.pk)
    table = connection.ops.quote_name(Lead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET score = %s, temperature = %s, score_breakdown = %s WHERE id = %s",  # noqa: S608
            [(v, t, json_field.get_db_prep_save(b, connection), id_convert(i)) for v, t, b, i in updates],
        )
    core_events.record_many(changed, insert=_insert_events)
    return len(changed)
