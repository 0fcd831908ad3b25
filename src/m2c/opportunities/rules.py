"""Business rules the services and guards share: grades, the iron triangle, authority, floors.

Pure reads and computations; nothing here writes. The stage machine's guards call these, so a rule is
stated once whether it is checked on the board, through the API or by a background task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import fx
from m2c.core.models import OrgUnit, Role
from m2c.core.money import Money

from .models import (
    AuthorityMatrix,
    AuthorityRule,
    Bid,
    DecisionBody,
    DecisionBodyMember,
    Dimension,
    GateCondition,
    GateReview,
    Operator,
    Opportunity,
    OpportunitySettings,
    PaymentTermDeviation,
    Quote,
    TeamAssignment,
)
from .states import (
    ConditionBlocks,
    ConditionStatus,
    DecisionLevel,
    Grade,
    PriorityType,
    QuoteStatus,
    ReviewStatus,
    TeamRole,
    level_rank,
)

# --- grade ----------------------------------------------------------------------------------------


def compute_grade(amount_reporting: Decimal, priority_type: str, settings_row: OpportunitySettings | None = None) -> str:
    """A if value ≥ 50M or strategic; B if value ≥ 5M; otherwise C (domain.md 4.3, thresholds configurable)."""
    conf = settings_row or OpportunitySettings.current()
    if priority_type == PriorityType.STRATEGIC or amount_reporting >= conf.grade_a_threshold:
        return Grade.A
    if amount_reporting >= conf.grade_b_threshold:
        return Grade.B
    return Grade.C


# --- team -----------------------------------------------------------------------------------------


def active_team(opportunity: Opportunity, on: dt.date | None = None) -> QuerySet[TeamAssignment]:
    day = on or timezone.localdate()
    return opportunity.team.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day).select_related("user")


def triangle(opportunity: Opportunity) -> dict[str, Any]:
    """The active AR, SR and FR users (``None`` where nobody holds the role)."""
    holders: dict[str, Any] = {TeamRole.AR: None, TeamRole.SR: None, TeamRole.FR: None}
    for row in active_team(opportunity).filter(role__in=list(holders)):
        holders[row.role] = row.user
    return holders


def team_problems(opportunity: Opportunity, *, at_gate: str) -> list[str]:
    """What the grade rules (domain.md 4.3, 5.1) still need before ``at_gate`` can pass.

    AR always; SR for grades A and B; FR for grade A at ATI. For B and C the AR may cover FR until
    ATB, after which a separate FR must be named. Nobody holds two triangle roles otherwise.
    """
    holders = triangle(opportunity)
    ar, sr, fr = holders[TeamRole.AR], holders[TeamRole.SR], holders[TeamRole.FR]
    problems = []
    if ar is None:
        problems.append(_("An AR must be assigned."))
    if opportunity.grade in (Grade.A, Grade.B) and sr is None:
        problems.append(_("Grade %(grade)s needs an SR.") % {"grade": opportunity.grade})
    needs_own_fr = opportunity.grade == Grade.A or at_gate in ("ATB", "ATC")
    if needs_own_fr and fr is None:
        if opportunity.grade == Grade.A and at_gate == "ATI":
            problems.append(_("Grade A needs an FR from ATI on."))
        else:
            problems.append(_("An FR must be named before ATB; the AR covers the role only until then."))
    if sr is not None and sr == ar:
        problems.append(_("The AR cannot also be the SR."))
    if fr is not None and fr == sr:
        problems.append(_("The SR cannot also be the FR."))
    if fr is not None and fr == ar and needs_own_fr:
        problems.append(_("The AR may cover the FR role only for grades B and C, and only until ATB."))
    return problems


def is_team_member(opportunity: Opportunity, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return opportunity.owner_id == user.pk or active_team(opportunity).filter(user=user).exists()


def can_work_on(opportunity: Opportunity, user: Any) -> bool:
    """Team members and administrators change an opportunity; others only read it."""
    if user is None:  # system processes: demo data, imports
        return True
    if getattr(user, "is_superuser", False) or user.has_role(Role.ADMINISTRATOR):
        return True
    return is_team_member(opportunity, user)


# --- reviews, conditions, quotes --------------------------------------------------------------------


def latest_decided(opportunity: Opportunity, gate_type: str, *, after: dt.datetime | None = None) -> GateReview | None:
    """The latest DECIDED review of a gate type: the only one the stage machine reads."""
    qs = GateReview.objects.filter(opportunity=opportunity, gate_type=gate_type, status=ReviewStatus.DECIDED)
    if after is not None:
        qs = qs.filter(decided_at__gt=after)
    return qs.order_by("-decided_at", "-sequence").first()


def blocking_conditions(opportunity: Opportunity, *, for_signing: bool = False, exclude_review: Any = None) -> list[GateCondition]:
    """Open conditions that stop the next gate (or signing): flagged so, or past their due date."""
    today = timezone.localdate()
    flags = [ConditionBlocks.NEXT_GATE, ConditionBlocks.SIGNING] if for_signing else [ConditionBlocks.NEXT_GATE]
    qs = GateCondition.objects.filter(opportunity=opportunity, status=ConditionStatus.OPEN).filter(
        Q(blocks__in=flags) | Q(due_date__lt=today)
    )
    if exclude_review is not None:
        qs = qs.exclude(review=exclude_review)
    return list(qs.select_related("owner", "review"))


def current_bid(opportunity: Opportunity) -> Bid | None:
    return opportunity.bids.order_by("-rfp_received_on", "-created_at").first()


def final_quote(opportunity: Opportunity) -> Quote | None:
    """The version the customer holds now: the submitted one (of the latest bid, if any)."""
    # A deal has a handful of submitted versions: read them once, newest first, and pick here.
    submitted = list(opportunity.quotes.filter(status=QuoteStatus.SUBMITTED).order_by("-submitted_at", "-number"))
    if not submitted:
        return None
    bid = current_bid(opportunity)
    if bid is not None:
        for quote in submitted:
            if quote.bid_id == bid.pk:
                return quote
    return submitted[0]


def in_reporting(money: Money, on: dt.date | None = None) -> Money:
    return fx.to_reporting(money, on)


def compare_to_floor(opportunity: Opportunity, price: Money) -> tuple[bool, Money | None]:
    """Whether ``price`` is at or above the frozen floor (converting when the currencies differ)."""
    floor = opportunity.floor_money
    if floor is None:
        return True, None
    if floor.currency == price.currency:
        return price >= floor, floor
    return in_reporting(price) >= in_reporting(floor), floor


# --- decision bodies --------------------------------------------------------------------------------


def unit_chain(unit: OrgUnit | None) -> list[OrgUnit]:
    """``unit`` and its ancestors, nearest first."""
    if unit is None:
        return []
    # Remembered on the instance for its path: one command asks for the same deal's chain several times
    # (bodies for the level, then the chosen body's coverage).
    cached = unit.__dict__.get("_m2c_chain")
    if cached is None or cached[0] != unit.path:
        cached = (unit.path, [unit, *reversed(unit.ancestors())])
        unit.__dict__["_m2c_chain"] = cached
    return list(cached[1])


def bodies_for(opportunity: Opportunity, *, min_level: str = DecisionLevel.REP_OFFICE) -> list[DecisionBody]:
    """Active decision bodies that cover the opportunity's org unit at ``min_level`` or above, lowest first."""
    chain = unit_chain(opportunity.org_unit)
    chain_ids = [u.pk for u in chain]
    bodies = DecisionBody.objects.filter(active=True).filter(Q(org_unit_id__in=chain_ids) | Q(level=DecisionLevel.HQ))
    found = [b for b in bodies if level_rank(b.level) >= level_rank(min_level)]
    order = {pk: i for i, pk in enumerate(chain_ids)}
    return sorted(found, key=lambda b: (level_rank(b.level), order.get(b.org_unit_id, 99)))


def body_covers(body: DecisionBody, opportunity: Opportunity) -> bool:
    if body.level == DecisionLevel.HQ:
        return True
    return body.org_unit_id in {u.pk for u in unit_chain(opportunity.org_unit)}


def is_member(body: DecisionBody | None, user: Any, on: dt.date | None = None) -> bool:
    if body is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    day = on or timezone.localdate()
    return DecisionBodyMember.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day), body=body, user=user, valid_from__lte=day
    ).exists()


def member_bodies(user: Any) -> QuerySet[DecisionBody]:
    """The active bodies ``user`` sits on today."""
    day = timezone.localdate()
    return DecisionBody.objects.filter(
        Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gt=day),
        active=True,
        memberships__user=user,
        memberships__valid_from__lte=day,
    ).distinct()


def highest_level_for(user: Any, opportunity: Opportunity) -> str | None:
    """The highest level at which ``user`` sits on a body covering ``opportunity``."""
    best: str | None = None
    for body in member_bodies(user):
        if body_covers(body, opportunity) and (best is None or level_rank(body.level) > level_rank(best)):
            best = body.level
    return best


# --- the authority matrix ---------------------------------------------------------------------------


def matrix_in_force(at: dt.datetime | None = None) -> AuthorityMatrix | None:
    """The version in force: asked of the database each time, so a version another process publishes is
    seen at once. Its rules come from :func:`matrix_rules` and :func:`matrix_discounts`."""
    moment = at or timezone.now()
    return AuthorityMatrix.objects.filter(effective_from__lte=moment).order_by("-version").first()


# A published version is never edited (publishing makes a new one, with its rules, in one transaction;
# the admin shows versions read-only), so its rows are kept per process by the version's id: a new
# version is a new key, read on first use. Bounded, oldest dropped first.
_MATRIX_ROWS: dict[tuple[Any, str], list[Any]] = {}
_MATRIX_ROWS_MAX = 64


def _matrix_rows(matrix: AuthorityMatrix, kind: str) -> list[Any]:
    key = (matrix.pk, kind)
    rows = _MATRIX_ROWS.get(key)
    if rows is None:
        if kind == "rules":
            rows = list(matrix.rules.all().order_by("position", "pk"))
        else:
            rows = list(matrix.discount_authorities.all())
        if len(_MATRIX_ROWS) >= _MATRIX_ROWS_MAX:
            try:  # another thread may be trimming too
                _MATRIX_ROWS.pop(next(iter(_MATRIX_ROWS)), None)
            except (RuntimeError, StopIteration):
                pass
        _MATRIX_ROWS[key] = rows
    return rows


def matrix_rules(matrix: AuthorityMatrix) -> list[AuthorityRule]:
    """The version's rules in their order (read once per process per version)."""
    return _matrix_rows(matrix, "rules")


def matrix_discounts(matrix: AuthorityMatrix) -> list[Any]:
    """The version's discount authorities (read once per process per version)."""
    return _matrix_rows(matrix, "discounts")


@dataclass
class Facts:
    """What the matrix reads about a deal at a gate (or a quote approval)."""

    value_reporting: Decimal = Decimal(0)
    margin_pct: Decimal | None = None
    payment_term_deviation: str = PaymentTermDeviation.NONE
    non_standard_terms: bool = False
    new_country_or_offering: bool = False
    discount_pct: Decimal | None = None
    offering_line_ids: set[Any] = field(default_factory=set)

    def value_of(self, dimension: str) -> Any:
        return {
            Dimension.VALUE: self.value_reporting,
            Dimension.MARGIN: self.margin_pct,
            Dimension.PAYMENT_TERMS: self.payment_term_deviation,
            Dimension.LEGAL_TERMS: self.non_standard_terms,
            Dimension.NEW_COUNTRY_OR_OFFERING: self.new_country_or_offering,
            Dimension.DISCOUNT: self.discount_pct,
        }.get(dimension)


@dataclass
class Verdict:
    level: str
    matrix: AuthorityMatrix | None
    reasons: list[dict[str, str]]


def _holds(rule: AuthorityRule, value: Any) -> bool:
    if value is None:
        return False  # an unknown fact cannot escalate; gates that need it refuse submission without it
    op = rule.operator
    if op == Operator.IS_TRUE:
        return bool(value)
    if op == Operator.EQ:
        if rule.threshold_text:
            return str(value) == rule.threshold_text
        return rule.threshold is not None and Decimal(value) == rule.threshold
    if rule.threshold is None or isinstance(value, bool | str):
        return False
    number = Decimal(value)
    return {
        Operator.GT: number > rule.threshold,
        Operator.GTE: number >= rule.threshold,
        Operator.LT: number < rule.threshold,
        Operator.LTE: number <= rule.threshold,
    }.get(op, False)


def rule_text(rule: AuthorityRule) -> str:
    if rule.label:
        return rule.label
    threshold = rule.threshold_text or (f"{rule.threshold.normalize():f}" if rule.threshold is not None else "")
    return f"{Dimension(rule.dimension).label} {Operator(rule.operator).label} {threshold}".strip()


def evaluate(facts: Facts, *, gate_type: str = "", dimensions: Iterable[str] | None = None,
             matrix: AuthorityMatrix | None = None) -> Verdict:
    """The level the matrix requires: every matching rule is a candidate; the highest level wins."""
    matrix = matrix or matrix_in_force()
    level = DecisionLevel.REP_OFFICE
    reasons: list[dict[str, str]] = []
    if matrix is None:
        return Verdict(level, None, reasons)
    wanted = set(dimensions) if dimensions is not None else None
    for rule in matrix_rules(matrix):
        if rule.gate_type and rule.gate_type != gate_type:
            continue
        if wanted is not None and rule.dimension not in wanted:
            continue
        if rule.offering_line_id and rule.offering_line_id not in facts.offering_line_ids:
            continue
        value = facts.value_of(rule.dimension)
        if _holds(rule, value):
            reasons.append({
                "dimension": rule.dimension,
                "rule": rule_text(rule),
                "value": str(value),
                "level": rule.required_level,
            })
            if level_rank(rule.required_level) > level_rank(level):
                level = rule.required_level
    return Verdict(level, matrix, reasons)


def discount_authority(user: Any, offering_line_ids: set[Any], matrix: AuthorityMatrix | None) -> Decimal:
    """The largest discount ``user`` may grant alone on every one of these lines (0 without a rule)."""
    if matrix is None or user is None:
        return Decimal(0)
    roles = set(user.roles)
    rows = [r for r in matrix_discounts(matrix) if r.role in roles]
    if not rows:
        return Decimal(0)
    lines = offering_line_ids or {None}
    limits = []
    for line in lines:
        specific = [r.max_discount_pct for r in rows if r.offering_line_id == line and line is not None]
        general = [r.max_discount_pct for r in rows if r.offering_line_id is None]
        candidates = specific or general
        limits.append(max(candidates) if candidates else Decimal(0))
    # A quote spanning lines is bounded by the tightest of them.
    return min(limits)


def working_days_left(deadline: dt.datetime, now: dt.datetime | None = None) -> int:
    from m2c.core.calendar import working_days_between

    moment = now or timezone.now()
    return working_days_between(timezone.localtime(moment).date(), timezone.localtime(deadline).date())


def existing_quote_statuses() -> list[str]:
    return [QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED, QuoteStatus.SUBMITTED]
