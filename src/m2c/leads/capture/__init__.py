"""Capture: the one rule set every channel runs (API, bulk API, web form, import, manual entry).

By job: :mod:`.parsing` (raw input → normalised values or field errors), :mod:`.reference` (the
reference data a batch reads once), :mod:`.duplicates` (the leads' own duplicate rule),
:mod:`.routing` (rules and territories) and :mod:`.pipeline` (a batch through all of them, stored in
bulk). Who the customer is comes from ``m2c.customers.identity``.
"""

from m2c.customers.identity import CustomerIndex, CustomerRow, Keys, Match

from ..scoring import DECISION_CHAIN_ROLES, facts_of
from ..states import OPEN
from .duplicates import (
    Candidate,
    CandidatePool,
    best_match,
    candidate_sql,
    lead_keys,
    lines_overlap,
    load_candidates,
)
from .parsing import BUDGET_WORDS, INDUSTRY_WORDS, TEXT_LIMITS, TOUCH_KINDS, Prepared, is_uuid, prepare
from .pipeline import Outcome, capture, rescore_many, validity
from .reference import (
    DEFAULT_STUDENT_TERMS,
    NeedsDatabase,
    Reference,
    SharedReference,
    forget_shared_reference,
    load_settings,
)
from .routing import RouteResult, route

__all__ = [
    "BUDGET_WORDS", "DECISION_CHAIN_ROLES", "DEFAULT_STUDENT_TERMS", "INDUSTRY_WORDS", "NeedsDatabase", "OPEN", "TEXT_LIMITS", "TOUCH_KINDS", "Candidate", "CandidatePool",
    "CustomerIndex", "CustomerRow", "Keys", "Match", "Outcome", "Prepared", "Reference", "RouteResult", "SharedReference",
    "best_match", "candidate_sql", "capture", "facts_of", "forget_shared_reference", "is_uuid", "lead_keys", "lines_overlap",
    "load_candidates", "load_settings", "prepare", "rescore_many", "route", "validity",
]
