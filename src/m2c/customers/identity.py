"""Identity resolution: "who is this customer?" for a lead, a response, a registration or a bank payer.

One engine and one explanation format for every app. The input is what a channel knows about a
company (name, unified social credit code, email, phone, web domain); the answer is the best match
among stored customers, the other candidates, and for each the keys that agreed and a 0–100 score.
Apps put their own rule on top (leads: the same customer and offering line, open, within the window).

Evidence, strongest first (the score is the strongest piece that holds):

- same unified social credit code: 100 (two *different* codes veto any match: two legal entities);
- same customer record: 100 (two different customers veto);
- same normalised name: 100;
- names that differ in a number or ordinal (第11/第12妇幼保健院, 一中/二中, No. 3/No. 4) veto: two entities;
- same core name (place names removed), where the names do not name two different places: 95;
- same contact email: 95, same contact phone: 92, unless the company names clearly disagree;
- same company email domain (free-mail never counts) with names at least 60 similar: 90;
- fuzzy similarity of the core names (rapidfuzz), as the score itself.

:func:`compare` is pure, so the API path, the bulk path, the import and the benchmarks decide alike.
:class:`CustomerIndex` is the batch form: preloaded for large imports (flat memory, no query per
row), or filled by one query per batch for small ones.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from rapidfuzz import fuzz

from m2c.core import bulk
from m2c.core.errors import ValidationFailed
from m2c.core.normalize import (
    company_email_domain,
    normalize_credit_code,
    normalize_email,
    normalize_phone,
    website_domain,
)

from .models import Contact, Customer
from .names import _PLACE_RE, company_keys, name_numbers, numbers_as_digits, searchable_fragment

DEFAULT_THRESHOLD = 85
REVIEW_THRESHOLD = 60


@dataclass(slots=True)
class Keys:
    """The comparison keys of one company as a channel names it (all normalised)."""

    normalized: str = ""
    core: str = ""
    block: str = ""
    credit_code: str = ""
    email: str = ""
    phone: str = ""
    domain: str = ""
    customer_id: Any = None


@dataclass(slots=True)
class Match:
    """Why two keys name the same company: the keys that agreed and a 0–100 score."""

    score: int
    keys: list[str]
    similarity: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"score": self.score, "keys": list(self.keys)}
        if self.similarity is not None:
            data["name_similarity"] = self.similarity
        return data


def keys_of(*, name: str = "", credit_code: str = "", email: str = "", phone: str = "", domain: str = "",
            customer_id: Any = None, strict: bool = False) -> Keys:
    """Normalised keys from raw input. A value that does not parse is dropped, or refused when ``strict``."""
    keys = Keys(customer_id=customer_id)
    if name and name.strip():
        keys.normalized, keys.core, keys.block = company_keys(name.strip())
    for attr, fn, raw in (("credit_code", normalize_credit_code, credit_code), ("email", normalize_email, email),
                          ("phone", normalize_phone, phone)):
        if raw and str(raw).strip():
            try:
                setattr(keys, attr, fn(str(raw).strip(), field=attr))
            except ValidationFailed:
                if strict:
                    raise
    keys.domain = (domain or "").strip().lower() or company_email_domain(keys.email)
    return keys


def _places(normalized: str) -> set[str]:
    return {p.rstrip("省市") for p in _PLACE_RE.findall(normalized)}


def compare(a: Keys, b: Keys) -> Match | None:
    """The evidence that ``a`` and ``b`` are the same company, or None when there is none or a veto."""
    if a.credit_code and b.credit_code and a.credit_code != b.credit_code:
        return None
    if a.customer_id and b.customer_id and a.customer_id != b.customer_id:
        return None
    keys: list[str] = []
    score = 0
    if a.credit_code and a.credit_code == b.credit_code:
        keys.append("credit_code")
        score = 100
    if a.customer_id and a.customer_id == b.customer_id:
        keys.append("customer")
        score = 100
    an, bn, ac, bc = a.normalized, b.normalized, a.core, b.core
    if an and bn and an != bn:
        numbers = name_numbers(an)
        if numbers != name_numbers(bn):
            if not score:
                return None  # 第11 and 第12 妇幼保健院: two entities, whatever else they share
        elif numbers:  # the same numbers, perhaps written differently (第十一, 第11)
            an, bn, ac, bc = numbers_as_digits(an), numbers_as_digits(bn), numbers_as_digits(ac), numbers_as_digits(bc)
    similarity: int | None = None
    if ac and bc:
        if an == bn:
            keys.append("name")
            score = 100
            similarity = 100
        elif ac == bc:
            pa, pb = _places(an), _places(bn)
            similarity = 100
            if pa and pb and not (pa & pb):
                keys.append("core_name_other_place")
                score = max(score, 80)
            else:
                keys.append("core_name")
                score = max(score, 95)
        else:
            similarity = int(fuzz.ratio(ac, bc) + 0.5)
            if similarity >= 70:
                keys.append("name_fuzzy")
                score = max(score, similarity)
    contradicts = similarity is not None and similarity < 50
    if a.email and a.email == b.email and not contradicts:
        keys.append("email")
        score = max(score, 95)
    if a.phone and a.phone == b.phone and not contradicts:
        keys.append("phone")
        score = max(score, 92)
    if a.domain and a.domain == b.domain and (similarity is None or similarity >= 60):
        keys.append("email_domain")
        score = max(score, 90 if similarity is not None else 85)
    if not keys:
        return None
    return Match(score=score, keys=keys, similarity=similarity)


# --- stored customers ----------------------------------------------------------------------------------


@dataclass(slots=True)
class CustomerRow:
    """What resolution and its callers need of a stored customer, read without building a model."""

    id: Any
    legal_name: str
    keys: Keys
    tier: str
    ar_owner_id: Any
    org_unit_id: Any
    customer_group_id: Any
    compliance_status: str
    industry: str


CUSTOMER_COLUMNS = ("id", "legal_name", "normalized_name", "credit_code", "tier", "ar_owner_id", "org_unit_id",
                    "customer_group_id", "compliance_status", "industry", "website")


def _row(values: tuple) -> CustomerRow:
    cid, legal, normalized, code, tier, ar, org, group, compliance, industry, website = values
    _n, core, block = company_keys(legal)
    return CustomerRow(cid, legal, Keys(normalized=normalized, core=core, block=block, credit_code=code or "",
                                        domain=website_domain(website), customer_id=cid),
                       tier, ar, org, group, compliance, industry)


def _customers_matching(ids: set[Any], codes: set[str], names: set[str], cores: list[str]) -> list[tuple]:
    """The customers with one of these ids, credit codes or normalised names, or whose normalised name
    contains one of the core fragments (at most 2,000, by name as the model orders them): :data:`CUSTOMER_COLUMNS`, in one statement.

    The single-lead API capture runs this on every request, so it is sent as SQL whose text depends
    only on the number of fragments (each list is one parameter, see ``core.bulk.any_of``): building
    the same filter through the ORM cost more CPU than PostgreSQL spends running it. ``contains``
    keeps the ORM's meaning (LIKE with the fragment's wildcards escaped, as the ORM escapes them).
    """
    ops = connection.ops
    sql = _MATCHING_SQL.get((connection.vendor, len(cores)))
    if sql is None:
        like = connection.operators["contains"]
        where = [bulk.any_of("id"), bulk.any_of("credit_code"), bulk.any_of("normalized_name"),
                 *[f"normalized_name {like}" for _ in cores]]
        sql = _MATCHING_SQL[(connection.vendor, len(cores))] = (
            f"SELECT {', '.join(CUSTOMER_COLUMNS)} FROM {ops.quote_name(Customer._meta.db_table)} "  # noqa: S608
            f"WHERE {' OR '.join(where)} ORDER BY normalized_name LIMIT 2000"
        )
    to_db = bulk._converter(Customer._meta.pk)
    params = [bulk.values_param([to_db(i) for i in ids]), bulk.values_param(codes), bulk.values_param(names),
              *[f"%{ops.prep_for_like_query(core)}%" for core in cores]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.features.has_native_uuid_field:
        return rows
    read = bulk.uuid_reader()
    return [(read(r[0]), *r[1:5], read(r[5]), read(r[6]), read(r[7]), *r[8:]) for r in rows]


_MATCHING_SQL: dict[tuple[str, int], str] = {}


def customer_row(customer: Customer) -> CustomerRow:
    """The resolution view of a customer already loaded."""
    return _row(tuple(getattr(customer, c) for c in CUSTOMER_COLUMNS))


def _as_uuid(value: Any) -> Any:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class CustomerIndex:
    """The batch form of resolution: stored customers indexed by key.

    ``preload=True`` reads every customer once (an import of many thousand rows: no query per batch,
    memory flat in the batch size); otherwise :meth:`prefetch` reads the customers a batch can match
    in one query. ``contacts=True`` also takes contact emails and phones and website domains as
    evidence (one more query per batch); leads capture runs with names and credit codes only.
    """

    def __init__(self, *, preload: bool = False, threshold: int = DEFAULT_THRESHOLD, contacts: bool = False) -> None:
        self.threshold = threshold
        self.contacts = contacts
        self.by_id: dict[Any, CustomerRow] = {}
        self.by_code: dict[str, CustomerRow] = {}
        self.by_name: dict[str, CustomerRow] = {}
        self.by_block: dict[str, list[CustomerRow]] = defaultdict(list)
        self.by_email: dict[str, set[Any]] = defaultdict(set)
        self.by_phone: dict[str, set[Any]] = defaultdict(set)
        self.preloaded = preload
        if preload:
            for values in Customer.objects.values_list(*CUSTOMER_COLUMNS).iterator(chunk_size=5000):
                self._add(_row(values))

    def _add(self, row: CustomerRow) -> None:
        if row.id in self.by_id:
            return
        self.by_id[row.id] = row
        if row.keys.credit_code:
            self.by_code[row.keys.credit_code] = row
        self.by_name[row.keys.normalized] = row
        self.by_block[row.keys.block].append(row)

    def prefetch(self, probes: Iterable[Keys]) -> None:
        """Read the customers these keys can match (one query; nothing when preloaded)."""
        probes = list(probes)
        if self.contacts:
            self._prefetch_contacts(probes)
        ids = {p.customer_id for p in probes if p.customer_id and p.customer_id not in self.by_id}
        if self.preloaded and not ids:
            return
        codes = {p.credit_code for p in probes if p.credit_code}
        names = {p.normalized for p in probes if p.normalized}
        cores = sorted({f for p in probes if len(f := searchable_fragment(p.core)) >= 2})[:50]
        if not (ids or codes or names or cores):
            return
        for values in _customers_matching(ids, codes, names, cores):
            self._add(_row(values))

    def _prefetch_contacts(self, probes: list[Keys]) -> None:
        emails = {p.email for p in probes if p.email}
        phones = {p.phone for p in probes if p.phone}
        if not (emails or phones):
            return
        found = Contact.objects.filter(Q(email__in=emails) | Q(phone__in=phones), active=True)
        missing = set()
        for customer_id, email, phone in found.values_list("customer_id", "email", "phone")[:2000]:
            if email in emails:
                self.by_email[email].add(customer_id)
            if phone in phones:
                self.by_phone[phone].add(customer_id)
            if customer_id not in self.by_id:
                missing.add(customer_id)
        if missing:
            for values in Customer.objects.filter(pk__in=missing).values_list(*CUSTOMER_COLUMNS):
                self._add(_row(values))

    def _probe_of(self, row: CustomerRow, k: Keys) -> Keys:
        """The row's keys plus the contact evidence that links it to ``k``."""
        email = k.email if k.email and row.id in self.by_email.get(k.email, ()) else ""
        phone = k.phone if k.phone and row.id in self.by_phone.get(k.phone, ()) else ""
        r = row.keys
        return Keys(r.normalized, r.core, r.block, r.credit_code, email, phone, r.domain, r.customer_id)

    def resolve(self, k: Keys) -> tuple[CustomerRow | None, Match | None]:
        """The best stored customer for ``k`` at or above the threshold, and why (the hot path)."""
        if k.customer_id:
            row = self.by_id.get(k.customer_id)
            return row, Match(100, ["customer"]) if row else None
        if k.credit_code and k.credit_code in self.by_code:
            return self.by_code[k.credit_code], Match(100, ["credit_code"])
        if k.normalized and k.normalized in self.by_name:
            row = self.by_name[k.normalized]
            if not (k.credit_code and row.keys.credit_code and row.keys.credit_code != k.credit_code):
                return row, Match(100, ["name"])
        best: tuple[CustomerRow | None, Match | None] = (None, None)
        for row, m in self._scored(k):
            if m.score >= self.threshold and (best[1] is None or m.score > best[1].score):
                best = (row, m)
        return best

    def _scored(self, k: Keys) -> Iterable[tuple[CustomerRow, Match]]:
        probe = k if self.contacts else Keys(k.normalized, k.core, k.block, k.credit_code)
        rows: list[CustomerRow] = list(self.by_block.get(k.block, ())) if k.block else []
        if self.contacts:
            seen = {r.id for r in rows}
            for cid in (*self.by_email.get(k.email, ()), *self.by_phone.get(k.phone, ())):
                if cid not in seen and cid in self.by_id:
                    seen.add(cid)
                    rows.append(self.by_id[cid])
        for row in rows:
            m = compare(probe, self._probe_of(row, k) if self.contacts else row.keys)
            if m:
                yield row, m

    def candidates(self, k: Keys, *, floor: int = REVIEW_THRESHOLD) -> list[tuple[CustomerRow, Match]]:
        """Every stored customer ``k`` may name, best first (score, then name)."""
        found: dict[Any, tuple[CustomerRow, Match]] = {}
        best, match = self.resolve(k)
        if best is not None and match is not None:
            found[best.id] = (best, match)
        if not k.customer_id:
            for row, m in self._scored(k):
                if m.score >= floor and (row.id not in found or m.score > found[row.id][1].score):
                    found[row.id] = (row, m)
        return sorted(found.values(), key=lambda pair: (-pair[1].score, pair[0].legal_name))


# --- the service -----------------------------------------------------------------------------------


@dataclass
class Resolution:
    """The answer to "who is this customer?": the best match, the other candidates and why.

    ``explanation`` is the one format every app stores and shows: ``{"customer", "legal_name",
    "score", "keys", "name_similarity"?}`` for the match (``customer`` None when there is none),
    with ``candidates`` in the same shape.
    """

    customer: CustomerRow | None
    score: int = 0
    keys: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def explanation(self) -> dict[str, Any]:
        return {**_explain(self.customer, Match(self.score, self.keys) if self.customer else None),
                "candidates": self.candidates}


def _explain(row: CustomerRow | None, match: Match | None) -> dict[str, Any]:
    if row is None or match is None:
        return {"customer": None, "legal_name": "", "score": 0, "keys": []}
    return {"customer": str(row.id), "legal_name": row.legal_name, **match.as_dict()}


def customer_resolve(*, name: str = "", credit_code: str = "", email: str = "", phone: str = "", domain: str = "",
                     customer_id: Any = None, threshold: int = DEFAULT_THRESHOLD, limit: int = 5) -> Resolution:
    """Who is this customer? The best stored match at or above ``threshold``, plus the candidates.

    Invalid input values (a mistyped credit code, a broken phone) are ignored rather than refused:
    resolution answers with what it can use.
    """
    keys = keys_of(name=name, credit_code=credit_code, email=email, phone=phone, domain=domain,
                   customer_id=_as_uuid(customer_id))
    return customer_resolve_many([keys], threshold=threshold, limit=limit)[0]


def customer_resolve_many(probes: list[Keys], *, index: CustomerIndex | None = None,
                          threshold: int = DEFAULT_THRESHOLD, limit: int = 5) -> list[Resolution]:
    """The batch form of :func:`customer_resolve` over keys from :func:`keys_of`: one query per batch."""
    index = index or CustomerIndex(threshold=threshold, contacts=True)
    index.prefetch(probes)
    results = []
    for k in probes:
        pairs = index.candidates(k)
        best, match = index.resolve(k)
        results.append(Resolution(
            customer=best, score=match.score if match else 0, keys=list(match.keys) if match else [],
            candidates=[_explain(row, m) for row, m in pairs[:limit]],
        ))
    return results
