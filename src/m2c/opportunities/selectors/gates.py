"""Reads of gate reviews, conditions, quotes, bids and records of a deal, scoped; the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import rules
from ..models import (
    Bid,
    GateCondition,
    GateReview,
    Opportunity,
    Quote,
    QuoteLine,
)
from ..states import (
    ConditionStatus,
    QuoteStatus,
    ReviewStatus,
    level_rank,
)
from .deals import opportunity_queryset, visible_ids


def review_queryset(user: Any) -> QuerySet[GateReview]:
    bodies = rules.member_bodies(user).values("pk") if getattr(user, "is_authenticated", False) else []
    return GateReview.objects.filter(Q(opportunity__in=visible_ids(user)) | Q(decision_body__in=bodies))


def review_get(*, user: Any, review_id: Any) -> GateReview:
    return get_object_or_404(
        review_queryset(user).select_related(
            "opportunity", "opportunity__customer", "checklist", "requested_by", "decided_by", "decision_body",
            "authority_matrix", "quote", "bid",
        ),
        pk=review_id,
    )


def reviews_of(opportunity: Opportunity) -> QuerySet[GateReview]:
    return opportunity.gate_reviews.select_related("decision_body", "decided_by", "requested_by").order_by(
        "-created_at"
    )


def conditions_of(opportunity: Opportunity) -> QuerySet[GateCondition]:
    return opportunity.conditions.select_related("owner", "review", "closed_by").order_by("status", "due_date")


def condition_queryset(user: Any) -> QuerySet[GateCondition]:
    bodies = rules.member_bodies(user).values("pk") if getattr(user, "is_authenticated", False) else []
    return GateCondition.objects.filter(
        Q(opportunity__in=visible_ids(user)) | Q(owner=user if getattr(user, "is_authenticated", False) else None)
        | Q(review__decision_body__in=bodies)
    )


def condition_get(*, user: Any, condition_id: Any) -> GateCondition:
    return get_object_or_404(condition_queryset(user).select_related("review", "opportunity", "owner"), pk=condition_id)


def condition_list(*, user: Any, status: str | None = None, mine: bool = False) -> QuerySet[GateCondition]:
    qs = condition_queryset(user).select_related("owner", "review", "opportunity")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner=user)
    return qs.order_by("due_date", "id")


def quote_queryset(user: Any) -> QuerySet[Quote]:
    return Quote.objects.filter(opportunity__in=visible_ids(user))


def quote_get(*, user: Any, quote_id: Any) -> Quote:
    quote = Quote.objects.filter(pk=quote_id).select_related("opportunity", "price_list", "bid", "created_by",
                                                              "approved_by").first()
    if quote is None:
        get_object_or_404(Quote.objects.none(), pk=quote_id)
    if quote_queryset(user).filter(pk=quote.pk).exists():
        return quote
    # An approver at the required level sees the quote waiting for them.
    if quote.status == QuoteStatus.PENDING_APPROVAL and getattr(user, "is_authenticated", False):
        level = rules.highest_level_for(user, quote.opportunity)
        if level and level_rank(level) >= level_rank(quote.required_level):
            return quote
    return get_object_or_404(Quote.objects.none(), pk=quote_id)


def bid_get(*, user: Any, bid_id: Any) -> Bid:
    return get_object_or_404(Bid.objects.filter(opportunity__in=visible_ids(user)).select_related("opportunity"),
                             pk=bid_id)


def inbox(*, user: Any) -> dict[str, Any]:
    """What waits for ``user``: reviews to decide or take, discounts to approve, conditions to close."""
    if not getattr(user, "is_authenticated", False):
        return {"reviews": [], "unassigned": [], "quotes": [], "conditions": []}
    bodies = list(rules.member_bodies(user))
    reviews = list(
        GateReview.objects.filter(status=ReviewStatus.IN_REVIEW, decision_body__in=bodies)
        .select_related("opportunity", "opportunity__customer", "decision_body", "requested_by")
        .order_by("assigned_at")
    )
    unassigned = []
    for review in GateReview.objects.filter(status=ReviewStatus.SUBMITTED).select_related("opportunity", "requested_by"):
        if review.opportunity_id and any(
            rules.body_covers(b, review.opportunity) and level_rank(b.level) >= level_rank(review.required_level)
            for b in bodies
        ):
            unassigned.append(review)
    quotes = []
    for quote in Quote.objects.filter(status=QuoteStatus.PENDING_APPROVAL).select_related("opportunity", "created_by"):
        if any(rules.body_covers(b, quote.opportunity) and level_rank(b.level) >= level_rank(quote.required_level)
               for b in bodies) and quote.created_by_id != user.pk:
            quotes.append(quote)
    conditions = list(
        GateCondition.objects.filter(status=ConditionStatus.OPEN, owner=user)
        .select_related("review", "opportunity").order_by("due_date")
    )
    return {"reviews": reviews, "unassigned": unassigned, "quotes": quotes, "conditions": conditions,
            "bodies": bodies}


def inbox_count(user: Any) -> int:
    data = inbox(user=user)
    return len(data["reviews"]) + len(data["unassigned"]) + len(data["quotes"]) + len(data["conditions"])


def record_get(model: Any, *, user: Any, record_id: Any) -> Any:
    """A record of a deal the user can see (team assignment, stakeholder, competitor, risk), else 404."""
    return get_object_or_404(model.objects.filter(opportunity__in=visible_ids(user)).select_related("opportunity"),
                             pk=record_id)


def quote_line_get(*, user: Any, line_id: Any) -> QuoteLine:
    return get_object_or_404(
        QuoteLine.objects.filter(quote__opportunity__in=visible_ids(user)).select_related("quote"), pk=line_id
    )


def opportunity_after_command(*, user: Any, opportunity: Opportunity) -> Opportunity:
    """The deal as ``user`` sees it after a command, re-read through the scope. A command can take the
    deal out of the actor's scope (handing it to another AR): the actor then gets the row the service
    returned, which they were allowed to change, and never a re-read that bypasses the scope."""
    found = opportunity_queryset(user).select_related(
        "customer", "owner", "org_unit", "region", "offering_line", "program", "source_campaign", "created_by",
        "floor_review", "probability_override_review", "hold_review",
    ).filter(pk=opportunity.pk).first()
    return found if found is not None else opportunity


def reviews_requested_by(*, user: Any) -> QuerySet[GateReview]:
    """The user's own reviews still in the works (drafts, submitted, in review)."""
    return GateReview.objects.filter(
        requested_by=user, status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW]
    ).select_related("opportunity", "decision_body")


def review_after_command(*, user: Any, review: GateReview) -> GateReview:
    """As :func:`opportunity_after_command`, for a gate review."""
    found = review_queryset(user).filter(pk=review.pk).first()
    return found if found is not None else review
