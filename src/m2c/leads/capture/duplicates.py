"""The leads' own duplicate rule (domain.md 3.3): the same customer and offering line, open, in the window.

Who the company is comes from :mod:`m2c.customers.identity` (the keys and :func:`compare`); this
module only finds the open leads and opportunities a batch can duplicate and picks the survivor.
Candidates come from indexed key columns of open leads inside the duplicate window (one statement
per batch), plus the leads of the batch itself, so the cost grows with the batch, not with the store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from m2c.core import bulk
from m2c.customers.identity import Keys, Match, compare
from m2c.opportunities import selectors as opportunity_selectors

from ..models import Lead
from ..states import OPEN, S

if TYPE_CHECKING:
    from .parsing import Prepared
    from .reference import Reference


def lead_keys(lead: Lead | Any) -> Keys:
    """The identity keys a stored lead (or a row with its columns) carries."""
    return Keys(lead.normalized_name, lead.core_name, lead.block_key, lead.credit_code, lead.contact_email,
                lead.contact_phone, lead.email_domain, lead.customer_id)


def lines_overlap(a: frozenset, b: frozenset) -> bool:
    """Domain.md 3.3: the same offering line; when either names none, the customer alone decides."""
    return not a or not b or bool(a & b)


@dataclass(slots=True)
class Candidate:
    """An open lead or opportunity a new lead may duplicate."""

    id: Any
    keys: Keys
    created_at: dt.datetime
    is_opportunity: bool = False
    status: str = ""
    line_ids: frozenset = frozenset()


CANDIDATE_COLUMNS = ("id", "normalized_name", "core_name", "block_key", "credit_code", "contact_email",
                     "contact_phone", "email_domain", "customer_id", "created_at", "status")


class CandidatePool:
    """Open leads and opportunities that share a key with the batch, indexed by key."""

    def __init__(self) -> None:
        # One dictionary per key kind, in the order candidates are collected.
        self.code: dict[str, list[Candidate]] = {}
        self.name: dict[str, list[Candidate]] = {}
        self.core: dict[str, list[Candidate]] = {}
        self.email: dict[str, list[Candidate]] = {}
        self.phone: dict[str, list[Candidate]] = {}
        self.domain: dict[str, list[Candidate]] = {}
        self.block: dict[str, list[Candidate]] = {}
        self.by_customer: dict[Any, list[Candidate]] = defaultdict(list)

    def add(self, c: Candidate) -> None:
        k = c.keys
        if k.credit_code:
            self.code.setdefault(k.credit_code, []).append(c)
        if k.normalized:
            self.name.setdefault(k.normalized, []).append(c)
        if k.core:
            self.core.setdefault(k.core, []).append(c)
        if k.email:
            self.email.setdefault(k.email, []).append(c)
        if k.phone:
            self.phone.setdefault(k.phone, []).append(c)
        if k.domain:
            self.domain.setdefault(k.domain, []).append(c)
        if k.block:
            self.block.setdefault(k.block, []).append(c)
        if k.customer_id:
            self.by_customer[k.customer_id].append(c)

    def around(self, k: Keys) -> list[Candidate]:
        found: list[list[Candidate]] = []
        for index, value in ((self.code, k.credit_code), (self.name, k.normalized), (self.core, k.core),
                             (self.email, k.email), (self.phone, k.phone), (self.domain, k.domain),
                             (self.block, k.block)):
            if value:
                hit = index.get(value)
                if hit:
                    found.append(hit)
        if k.customer_id:
            hit = self.by_customer.get(k.customer_id)
            if hit:
                found.append(hit)
        if not found:
            return []
        if len(found) == 1:
            return list({c.id: c for c in found[0]}.values()) if len(found[0]) > 1 else found[0]
        seen: dict[Any, Candidate] = {}
        for hit in found:
            for c in hit:
                seen[c.id] = c
        return list(seen.values())


CANDIDATE_KEYS = (("credit_code", "credit_code"), ("normalized_name", "normalized"), ("core_name", "core"),
                  ("contact_email", "email"), ("contact_phone", "phone"), ("email_domain", "domain"), ("block_key", "block"))


_any_of = bulk.any_of
_values_param = bulk.values_param


def _status_marks(statuses: int) -> str:
    # PostgreSQL: the statuses as one array parameter, so the statement keeps few parameters and
    # psycopg reuses its parsed form (it re-parses statements of more than 50 parameters every time).
    return "= ANY(%s)" if connection.vendor == "postgresql" else f"IN ({', '.join(['%s'] * statuses)})"


def _status_params(statuses: list[str]) -> list[Any]:
    return [list(statuses)] if connection.vendor == "postgresql" else list(statuses)


def candidate_sql(column: str, statuses: int, single: bool = False) -> str:
    """Open leads in the window whose ``column`` is one of a list of values, found through that column's index.

    Without statistics SQLite's planner prefers the (status, created_at) index and then reads every
    open lead of the window, for every key column of every batch: the cost grew with the store (a
    200,000-lead store took 27 s of candidate queries per 20,000 imported rows). The unary ``+`` keeps
    status and created_at out of index selection, so the lookup stays on the key column's index.
    PostgreSQL is kept off that index the same way (``status || ''`` is no index condition): with no
    statistics (a store filled faster than it is analysed, or not yet analysed) its planner chose a
    BitmapAnd of the key's index with every open lead of the window, about 1 ms a branch at 45,000
    leads, where the key's index alone finds the two or three rows to filter.
    The text is built once per database vendor, column, number of statuses and ``single``.

    ``single``: the list is one value, compared with ``=``. A single API capture has one value per
    key, and PostgreSQL plans ``column = $1`` once for a prepared statement (its generic plan is the
    key's index), where ``column = ANY($1)`` made it plan the seven-branch union again on every
    execution: about 0.45 ms of the backend's CPU per capture, most of what the lookup cost.
    """
    key = (connection.vendor, column, statuses, single)
    found = _CANDIDATE_SQL.get(key)
    if found is None:
        sqlite = connection.vendor == "sqlite"
        status, created = ("+status", "+created_at") if sqlite else ("(status || '')", "created_at")
        table = connection.ops.quote_name(Lead._meta.db_table)
        match = f"{column} = %s" if single else _any_of(column)
        found = _CANDIDATE_SQL[key] = (
            f"SELECT {', '.join(CANDIDATE_COLUMNS)} FROM {table} WHERE {match} "  # noqa: S608 - names from the model
            f"AND {status} {_status_marks(statuses)} AND {created} >= %s")
    return found


_CANDIDATE_SQL: dict[tuple[str, str, int, bool], str] = {}


def load_candidates(items: list[Prepared], ref: Reference, pool: CandidatePool, *, include_invalid: bool = False) -> None:
    """Open leads in the window sharing any key with the batch: one statement, an indexed lookup per key column.

    ``include_invalid``: INVALID leads too, so an import row that names one again corrects it (issue 9).
    """
    customers = {p.customer.id for p in items if p.customer}
    statuses = sorted(OPEN | {S.INVALID}) if include_invalid else sorted(OPEN)
    since = connection.ops.adapt_datetimefield_value(ref.window_start)
    to_db = bulk._converter(Lead._meta.pk)
    from_db = _uuid_reader()
    status_params = _status_params(statuses)
    rows: dict[Any, tuple] = {}
    statement: list[str] = []
    params: list[Any] = []
    for column, attr in CANDIDATE_KEYS:
        values = sorted({getattr(p.keys, attr) for p in items} - {""})
        if values:
            single = len(values) == 1
            statement.append(candidate_sql(column, len(statuses), single))
            params += [values[0] if single else _values_param(values), *status_params, since]
    if customers:
        keys = [to_db(c) for c in customers]
        single = len(keys) == 1
        statement.append(candidate_sql("customer_id", len(statuses), single))
        params += [keys[0] if single else _values_param(keys), *status_params, since]
    if statement:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(statement), params)
            for r in cursor.fetchall():
                rows[r[0]] = r
    line_map: dict[Any, set] = defaultdict(set)
    if rows:
        through = connection.ops.quote_name(Lead.offering_lines.through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT lead_id, offeringline_id FROM {through} WHERE {_any_of('lead_id')}",  # noqa: S608
                           [_values_param(list(rows))])
            for lead_id, line_id in cursor.fetchall():
                line_map[from_db(lead_id)].add(from_db(line_id))
    for r in rows.values():
        lead_id = from_db(r[0])
        created = r[9]
        if isinstance(created, str):
            created = dt.datetime.fromisoformat(created)
        if timezone.is_naive(created):  # SQLite hands raw rows back as naive UTC
            created = created.replace(tzinfo=dt.UTC)
        customer_id = from_db(r[8]) if r[8] else None
        pool.add(Candidate(lead_id, Keys(r[1], r[2], r[3], r[4], r[5], r[6], r[7], customer_id), created, status=r[10],
                           line_ids=frozenset(line_map.get(lead_id, ()))))
    if customers:
        for opp_id, customer_id, created, opp_lines in opportunity_selectors.open_opportunities_of_customers(
                customer_ids=customers, since=ref.window_start):
            pool.by_customer[customer_id].append(
                Candidate(opp_id, Keys(customer_id=customer_id), created, True, line_ids=opp_lines)
            )


_uuid_reader = bulk.uuid_reader


def best_match(p: Prepared, pool: CandidatePool, match_threshold: int,
               review_threshold: int) -> tuple[Candidate | None, Match | None, Candidate | None, Match | None]:
    """(auto-merge target, its match, possible duplicate for review, its match)."""
    best: tuple[Candidate | None, Match | None] = (None, None)
    review: tuple[Candidate | None, Match | None] = (None, None)
    for c in pool.around(p.keys):
        if c.is_opportunity:
            if p.customer and c.keys.customer_id == p.customer.id and lines_overlap(p.line_set, c.line_ids):
                m = Match(100, ["customer", "open_opportunity"])
                if best[0] is None or not best[0].is_opportunity or c.created_at < best[0].created_at:
                    best = (c, m)
            continue
        m = compare(p.keys, c.keys)
        if m is None or not lines_overlap(p.line_set, c.line_ids):
            continue
        if m.score >= match_threshold:
            current = best[1]
            if best[0] is None or (not best[0].is_opportunity and (
                m.score > current.score or (m.score == current.score and c.created_at < best[0].created_at)  # type: ignore[union-attr]
            )):
                best = (c, m)
        elif m.score >= review_threshold and (review[1] is None or m.score > review[1].score):
            review = (c, m)
    return best[0], best[1], review[0], review[1]


