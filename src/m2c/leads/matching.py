"""Identity resolution: does an incoming lead name the same company as a candidate, and why?

Pure functions over :class:`Keys`, so the API path, the bulk path, the import and the benchmark all
decide the same way. Every match is explainable: it lists the keys that agreed and a 0–100 score.

Evidence, strongest first (the score is the strongest piece that holds):

- same unified social credit code: 100 (two *different* codes veto any match: two legal entities);
- same matched customer record: 100 (two different customers veto);
- same normalised name: 100;
- same core name (place names removed), where the names do not name two different places: 95;
- same contact email: 95, same contact phone: 92, unless the company names clearly disagree;
- same company email domain (free-mail never counts) with names at least 60 similar: 90;
- fuzzy similarity of the core names (rapidfuzz), as the score itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from .normalize import _PLACE_RE


@dataclass(slots=True)
class Keys:
    normalized: str = ""
    core: str = ""
    block: str = ""
    credit_code: str = ""
    email: str = ""
    phone: str = ""
    domain: str = ""
    customer_id: Any = None
    line_ids: frozenset = field(default_factory=frozenset)


@dataclass(slots=True)
class Match:
    score: int
    keys: list[str]
    similarity: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"score": self.score, "keys": list(self.keys)}
        if self.similarity is not None:
            data["name_similarity"] = self.similarity
        return data


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
    similarity: int | None = None
    if a.core and b.core:
        if a.normalized == b.normalized:
            keys.append("name")
            score = 100
            similarity = 100
        elif a.core == b.core:
            pa, pb = _places(a.normalized), _places(b.normalized)
            similarity = 100
            if pa and pb and not (pa & pb):
                keys.append("core_name_other_place")
                score = max(score, 80)
            else:
                keys.append("core_name")
                score = max(score, 95)
        else:
            similarity = int(fuzz.ratio(a.core, b.core) + 0.5)
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


def lines_overlap(a: frozenset, b: frozenset) -> bool:
    """Domain.md 3.3: the same offering line; when either names none, the customer alone decides."""
    return not a or not b or bool(a & b)
