"""The response import's batch path (``ResponseClient.rows``): a chunk of rows checked in Python, then
stored together with the same outcome, row for row, as :func:`services.responses.response_create` and
:func:`services.consent.consent_record` give one at a time.

Per chunk: the fingerprints already stored read in one query; every customer resolved against the file's
one index (contacts of the chunk read in one query); the responses inserted in one statement, their
``captured`` events in another; the journey rows of the chunk's customers locked and read in one query,
the moves worked out in row order (a customer is moved only forward, each move an event naming the
response), new rows inserted and moved rows updated in one statement each; consents and their events in
one insert each. The conversion deadline is computed once per response day (two working days on).

A row the checks refuse is answered with its error and leaves nothing; if the batch write itself fails
(a concurrent import stored the same fingerprint first), the chunk is stored again row by row, each in
its own savepoint, so the good rows are still kept and each bad one is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import calendar
from m2c.core import events as core_events
from m2c.core.errors import DomainError, ValidationFailed
from m2c.core.normalize import normalize_email

from . import events_responses as events
from .models import (
    CampaignResponse,
    Consent,
    ConsentPurpose,
    ConsentSource,
    ConsentSubject,
    CustomerJourney,
    JourneyStage,
    ResponseSource,
    ResponseType,
)
from .services.responses import CONVERT_WORKING_DAYS, _clean, _reached

STAGES = list(JourneyStage.values)


@dataclass
class Checked:
    """A row that passed the checks, with what its storing needs."""

    campaign: Any
    kind: str
    values: dict[str, str]
    when: dt.datetime
    ref: str
    consent: bool | None
    email: str = ""  # normalised, for the consent row
    response: CampaignResponse | None = None


def check(client: Any, data: dict[str, Any], job: Any) -> Checked:
    """One row's checks (the row path's, in the same order): campaign, type, time, then the contact
    fields and, when the row gives a consent, its email address. Raises ValidationFailed naming the field."""
    from .imports import parse_time

    campaign = client.campaign(data, job)
    errors = []
    if campaign is None:
        errors.append({"field": "campaign", "reason": _("Name the campaign (a column or the import's campaign).")})
    elif not campaign.accepts_responses:
        errors.append({"field": "campaign", "reason": _("The campaign is closed.")})
    kind = data.get("type") or (job.defaults or {}).get("type")
    if not kind:
        errors.append({"field": "type", "reason": _("Give the response type.")})
    when = None
    try:
        when = parse_time(data.get("responded_at"))
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if when and when > timezone.now() + dt.timedelta(days=1):
        errors.append({"field": "responded_at", "reason": _("The response time is in the future.")})
    if errors:
        raise ValidationFailed(errors[0]["reason"], errors=errors)
    raw = {k: str(data.get(k) or "") for k in ("name", "company", "title", "email", "phone")}
    if str(kind) not in ResponseType.values:
        raise ValidationFailed(_("Unknown response type “%(v)s”.") % {"v": str(kind)[:40]}, field="type")
    values = _clean(raw)
    consent = data.get("consent")
    email = normalize_email(values["email"], field="email") if consent is not None and values["email"] else ""
    fingerprint = "|".join([str(campaign.pk), str(kind), *raw.values(), str(data.get("responded_at") or "")])
    ref = "import:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:48]
    return Checked(campaign=campaign, kind=str(kind), values=values, when=when or timezone.now(), ref=ref,
                   consent=None if consent is None else bool(consent), email=email)


class DueDates:
    """Conversion deadlines, one working-day calendar read per response day (the row path reads one per row)."""

    def __init__(self) -> None:
        self.days: dict[dt.date, dt.date] = {}

    def __call__(self, when: dt.datetime) -> dt.datetime:
        local = timezone.localtime(when) if timezone.is_aware(when) else when
        day = local.date()
        if day not in self.days:
            self.days[day] = calendar.add_working_days(day, CONVERT_WORKING_DAYS)  # type: ignore[assignment]
        due = self.days[day]
        return local.replace(year=due.year, month=due.month, day=due.day)


def store(client: Any, items: list[dict[str, Any]], *, actor: Any, job: Any) -> list[str | DomainError]:
    """Check and store a chunk; each row's outcome ("created", "merged") or its error, in order."""
    from m2c.customers.identity import customer_resolve_many, keys_of

    outcomes: list[Any] = []
    good: list[Checked] = []
    for data in items:
        try:
            row = check(client, data, job)
        except DomainError as exc:
            outcomes.append(exc)
            continue
        outcomes.append(row)
        good.append(row)
    stored = set(CampaignResponse.objects.filter(external_ref__in={r.ref for r in good})
                 .values_list("external_ref", flat=True))
    fresh: list[Checked] = []
    for i, row in enumerate(outcomes):
        if isinstance(row, Checked):
            if row.ref in stored:
                outcomes[i] = "merged"  # this file (or a row above) stored it already
                continue
            stored.add(row.ref)
            fresh.append(row)
            outcomes[i] = "created"
    if not fresh:
        return outcomes
    resolutions = customer_resolve_many(
        [keys_of(name=r.values["company"], email=r.values["email"], phone=r.values["phone"]) for r in fresh],
        index=client.index)
    try:
        with transaction.atomic():
            _write(client, fresh, resolutions, actor=actor)
    except (DatabaseError, DomainError):
        return _one_by_one(client, items, actor=actor, job=job)
    return outcomes


def _write(client: Any, rows: list[Checked], resolutions: list[Any], *, actor: Any) -> None:
    due = client.due_dates
    user = actor if getattr(actor, "is_authenticated", False) else None
    payload = {"file": client.source, "import": client.job_id}
    made = []
    for row, resolution in zip(rows, resolutions, strict=True):
        customer_id = resolution.customer.id if resolution.customer else None
        row.response = CampaignResponse(
            id=uuid.uuid4(), campaign=row.campaign, type=row.kind, source=ResponseSource.IMPORT, **row.values,
            customer_id=customer_id, match={k: v for k, v in resolution.explanation.items() if k != "candidates"},
            responded_at=row.when, convert_due_at=due(row.when), external_ref=row.ref, payload=payload,
            created_by=user)
        made.append(row.response)
    CampaignResponse.objects.bulk_create(made, batch_size=1000)
    actor_id = user.pk if user else None
    rows_events = [{
        "event_type": events.RESPONSE_CAPTURED, "subject_type": "campaigns.campaignresponse", "subject_id": r.pk,
        "actor_id": actor_id, "to_state": r.status, "payload": {
            "campaign": r.campaign.code, "type": r.type, "source": r.source,
            "customer": str(r.customer_id) if r.customer_id else None,
            "convert_due_at": r.convert_due_at.isoformat()}} for r in made]
    rows_events += _journeys(made)
    rows_events += _consents(client, rows)
    core_events.record_many(rows_events)


def _journeys(responses: list[CampaignResponse]) -> list[dict[str, Any]]:
    """Move the chunk's customers along the journey (furthest stage reached, never back), in row order."""
    customers = {r.customer_id for r in responses if r.customer_id}
    if not customers:
        return []
    current = dict(CustomerJourney.objects.select_for_update().filter(customer_id__in=customers)
                   .values_list("customer_id", "stage"))
    known = set(current)
    moved: dict[Any, CampaignResponse] = {}
    rows = []
    for response in responses:
        if not response.customer_id:
            continue
        reached = _reached(response)
        before = current.get(response.customer_id)
        if before is not None and STAGES.index(before) >= STAGES.index(reached):
            continue
        current[response.customer_id] = reached
        moved[response.customer_id] = response
        rows.append({"event_type": events.JOURNEY_ADVANCED, "subject_type": "campaigns.campaignresponse",
                     "subject_id": response.pk, "from_state": before or "", "to_state": reached, "payload": {
                         "customer": str(response.customer_id), "response": str(response.pk),
                         "campaign": response.campaign.code}})
    now = timezone.now()
    CustomerJourney.objects.bulk_create([
        CustomerJourney(customer_id=c, stage=current[c], response=r, updated_at=now)
        for c, r in moved.items() if c not in known], batch_size=1000)
    CustomerJourney.objects.bulk_update([
        CustomerJourney(customer_id=c, stage=current[c], response=r, updated_at=now)
        for c, r in moved.items() if c in known], ["stage", "response", "updated_at"], batch_size=1000)
    return rows


def _consents(client: Any, rows: list[Checked]) -> list[dict[str, Any]]:
    """The consent column: one immutable row per response that gives it (source: import, the file as
    evidence), with its event on the campaign, as ``consent_record`` writes them."""
    evidence = (_("Column “consent” of the imported file %(f)s") % {"f": client.source}).strip()[:2000]
    given = [r for r in rows if r.consent is not None and r.email]
    Consent.objects.bulk_create([
        Consent(subject_kind=ConsentSubject.EMAIL, subject=r.email, purpose=ConsentPurpose.MARKETING_EMAIL,
                granted=r.consent, source=ConsentSource.IMPORT, evidence=evidence, campaign=r.campaign)
        for r in given], batch_size=1000)
    return [{"event_type": events.CONSENT_RECORDED, "subject_type": "campaigns.campaign", "subject_id": r.campaign.pk,
             "payload": {"subject_kind": ConsentSubject.EMAIL, "purpose": ConsentPurpose.MARKETING_EMAIL,
                         "granted": r.consent, "source": ConsentSource.IMPORT}} for r in given]


def _one_by_one(client: Any, items: list[dict[str, Any]], *, actor: Any, job: Any) -> list[str | DomainError]:
    outcomes: list[str | DomainError] = []
    for data in items:
        try:
            with transaction.atomic():
                outcomes.append(client.row(data, actor=actor, job=job))
        except DomainError as exc:
            outcomes.append(exc)
    return outcomes
