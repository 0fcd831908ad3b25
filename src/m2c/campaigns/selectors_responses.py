"""Reads of invitations, consent, registrations and responses.

:func:`email_opted_out` / :func:`opted_out_emails` are the one place every app asks "may we email this
address?": an address whose newest marketing-email consent row is a withdrawal is never invited or mailed
again, by this app or any other, until the person grants it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from m2c.core.normalize import normalize_email

from .models import (
    Campaign,
    CampaignResponse,
    Consent,
    ConsentPurpose,
    CustomerJourney,
    Invitation,
    Registration,
    ResponseStatus,
)


def _email(value: str) -> str:
    try:
        return normalize_email(value)
    except Exception:  # noqa: BLE001 - an unreadable address is compared as written
        return str(value or "").strip().lower()


def opted_out_emails(emails: Iterable[str]) -> set[str]:
    """The addresses among ``emails`` (normalised) that withdrew consent to marketing email."""
    wanted = {_email(e) for e in emails if e}
    wanted.discard("")
    if not wanted:
        return set()
    latest: dict[str, bool] = {}
    rows = (Consent.objects.filter(subject__in=wanted, subject_kind="email", purpose=ConsentPurpose.MARKETING_EMAIL)
            .order_by("subject", "-recorded_at", "-id").values_list("subject", "granted"))
    for subject, granted in rows:
        latest.setdefault(subject, granted)
    return {s for s, granted in latest.items() if not granted}


def email_opted_out(email: str) -> bool:
    """Whether ``email`` withdrew consent to marketing email (never invite or mail it)."""
    return bool(opted_out_emails([email]))


def consent_history(subject: str) -> QuerySet[Consent]:
    return Consent.objects.filter(subject=_email(subject) if "@" in subject else subject)


def invitation_list(*, campaign: Campaign) -> QuerySet[Invitation]:
    return Invitation.objects.filter(campaign=campaign).order_by("-invited_at")


def registration_by_code(code: str) -> Registration | None:
    return Registration.objects.select_related("campaign").filter(code=str(code or "").strip()[:40]).first()


def response_list(*, campaign: Campaign | None = None, status: str = "", overdue: bool = False,
                  type: str = "") -> QuerySet[CampaignResponse]:
    qs = CampaignResponse.objects.select_related("campaign", "lead")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if overdue:
        qs = qs.filter(status=ResponseStatus.PENDING, convert_due_at__lt=timezone.now()).order_by("convert_due_at")
    return qs


def response_get(response_id: Any) -> CampaignResponse | None:
    return CampaignResponse.objects.select_related("campaign", "lead").filter(pk=response_id).first()


def customer_journey_stage(customer_id: Any) -> str | None:
    """The buyer-journey stage a customer reached through its responses (None before any)."""
    return CustomerJourney.objects.filter(customer_id=customer_id).values_list("stage", flat=True).first()


def journey_moves(customer_id: Any) -> list[dict[str, Any]]:
    """The advances of a customer's journey stage, oldest first (from the events the responses left)."""
    from m2c.core.models import Event

    from .events_responses import JOURNEY_ADVANCED

    rows = (Event.objects.filter(event_type=JOURNEY_ADVANCED, payload__customer=str(customer_id))
            .order_by("occurred_at", "id").values("from_state", "to_state", "occurred_at", "subject_id", "payload"))
    return [{"from_stage": r["from_state"], "to_stage": r["to_state"], "at": r["occurred_at"],
             "response": r["subject_id"], "campaign": (r["payload"] or {}).get("campaign", "")} for r in rows]


def response_overview(*, campaign: Campaign) -> dict[str, Any]:
    """The campaign page's responses section in two queries: ``funnel`` (response → lead → valid →
    opportunity → won, each lead counted once, with the pending and overdue counts) and ``types`` (count per
    response type). The responses are read once, grouped by type and state; the leads they became are
    counted by the leads app over them as a subquery (no distinct counts over the joined rows)."""
    from m2c.leads import selectors as lead_selectors

    responses = CampaignResponse.objects.filter(campaign=campaign)
    overdue = Q(status=ResponseStatus.PENDING, convert_due_at__lt=timezone.now())
    rows = (responses.values("type", "status").annotate(n=Count("id"), late=Count("id", filter=overdue))
            .order_by().values_list("type", "status", "n", "late"))
    types: dict[str, int] = {}
    funnel = {"responses": 0, "leads": 0, "valid": 0, "opportunities": 0, "won": 0, "pending": 0, "overdue": 0}
    for kind, status, n, late in rows:
        types[kind] = types.get(kind, 0) + n
        funnel["responses"] += n
        funnel["pending"] += n if status == ResponseStatus.PENDING else 0
        funnel["overdue"] += late
    funnel.update(lead_selectors.lead_funnel(lead_ids=responses.filter(lead__isnull=False).values("lead_id")))
    return {"funnel": funnel, "types": types}


def response_funnel(*, campaign: Campaign) -> dict[str, int]:
    """Response → lead → valid → opportunity → won for one campaign (each lead counted once)."""
    return response_overview(campaign=campaign)["funnel"]


def response_type_counts(*, campaign: Campaign) -> dict[str, int]:
    return dict(CampaignResponse.objects.filter(campaign=campaign).values("type").annotate(n=Count("id"))
                .order_by().values_list("type", "n"))
