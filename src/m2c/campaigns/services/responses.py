"""Campaign responses: captured (form, check-in, import, API), converted into leads through the lead
capture rules within the window, and moving the customer along the buyer journey.

Window: a response is due for conversion ``CONVERT_WORKING_DAYS`` (2) working days after it was given
(domain.md 7.4 step 6, the working-day calendar of ``core.calendar``). Responses from the form and the
check-in are converted at once; imported ones by the worker's sweep. A response conversion could not
handle (say, no usable contact) stays pending with the reason and is listed as overdue once its window
passes, for marketing to fix and convert.

Conversion runs ``leads.services.lead_capture_response``: identity resolution, the duplicate rule (a
second response of the same person merges into the open lead and adds a touch to it), validity,
scoring and routing, and the campaign touch on the customer and the lead (the attribution input).

Journey rule (issue 11 item 3): a customer's stage is the furthest stage any of its responses reached,
never moved back. A response reaches its campaign's stage; a meeting request or a call-back request
reaches at least *evaluation* (the customer asks to talk to sales).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import calendar
from m2c.core import events as core_events
from m2c.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from m2c.core.models import Role, User

from .. import events_responses as events
from ..models import (
    Campaign,
    CampaignResponse,
    CustomerJourney,
    JourneyStage,
    ResponseSource,
    ResponseStatus,
    ResponseType,
)
from ..states_responses import RESPONSE_MACHINE

CONVERT_WORKING_DAYS = 2
STAGES = list(JourneyStage.values)
ASKS_FOR_SALES = {ResponseType.MEETING_REQUEST, ResponseType.CALLBACK_REQUEST}
TOUCH_KIND = {
    ResponseType.REGISTRATION: "registered", ResponseType.ATTENDANCE: "attended",
    ResponseType.BOOTH_VISIT: "visited_booth", ResponseType.DOWNLOAD: "downloaded",
    ResponseType.MEETING_REQUEST: "requested_meeting", ResponseType.CALLBACK_REQUEST: "response",
}
LEAD_CHANNEL = {ResponseSource.FORM: "web_form", ResponseSource.IMPORT: "import", ResponseSource.CHECK_IN: "manual",
                ResponseSource.API: "api"}
CONTACT_FIELDS = ("name", "company", "title", "email", "phone")


def require_responder(actor: User | None) -> None:
    """People who record and convert responses: marketing and administrators (None: the system)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Your role cannot record campaign responses."))


def convert_due(responded_at: dt.datetime) -> dt.datetime:
    return calendar.add_working_days(responded_at, CONVERT_WORKING_DAYS)  # type: ignore[return-value]


def _clean(data: dict[str, Any]) -> dict[str, str]:
    limits = {"name": 120, "company": 200, "title": 120, "email": 254, "phone": 40}
    values = {}
    errors = []
    for key in CONTACT_FIELDS:
        text = str(data.get(key) or "").strip()
        if len(text) > limits[key]:
            errors.append({"field": key, "reason": _("At most %(n)s characters.") % {"n": limits[key]}})
        values[key] = text
    if not (values["email"] or values["phone"] or values["name"]):
        errors.append({"field": "email", "reason": _("Give at least a name, an email or a phone number.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    return values


def response_create(*, campaign: Campaign, type: str, source: str, data: dict[str, Any], actor: User | None = None,
                    responded_at: dt.datetime | None = None, registration: Any = None, external_ref: str | None = None,
                    payload: dict[str, Any] | None = None, convert: bool = False,
                    customer_index: Any = None) -> CampaignResponse:
    """Record one response (the customer resolved through ``customers.identity``), advance the customer's
    journey, and convert it at once when ``convert`` (form, check-in). An import passes one
    ``customer_index`` for all its rows, so resolution does not read the same customers again per row."""
    from m2c.customers.identity import customer_resolve_many, keys_of

    if type not in ResponseType.values:
        raise ValidationFailed(_("Unknown response type “%(v)s”.") % {"v": str(type)[:40]}, field="type")
    if source not in ResponseSource.values:
        raise ValidationFailed(_("Unknown response source."), field="source")
    values = _clean(data)
    when = responded_at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    with transaction.atomic():
        keys = keys_of(name=values["company"], email=values["email"], phone=values["phone"])
        resolution = customer_resolve_many([keys], index=customer_index)[0]
        customer_id = resolution.customer.id if resolution.customer else None
        match = {k: v for k, v in resolution.explanation.items() if k != "candidates"}
        response = CampaignResponse.objects.create(
            campaign=campaign, type=type, source=source, **values, customer_id=customer_id, match=match,
            registration=registration, responded_at=when, convert_due_at=convert_due(when),
            external_ref=external_ref, payload=payload or {}, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        core_events.record(events.RESPONSE_CAPTURED, response, actor=actor, to_state=response.status, payload={
            "campaign": campaign.code, "type": type, "source": source,
            "customer": str(customer_id) if customer_id else None, "convert_due_at": response.convert_due_at.isoformat()})
        if customer_id:
            journey_advance(customer_id=customer_id, response=response)
    if convert:
        response_convert(response=response, actor=None)
        response.refresh_from_db()
    return response


def _lead_data(response: CampaignResponse) -> dict[str, Any]:
    campaign = response.campaign
    data: dict[str, Any] = {
        "customer_name": response.company, "contact_name": response.name, "contact_title": response.title,
        "contact_email": response.email, "contact_phone": response.phone, "source_campaign": campaign.code,
        "source_type": "campaign", "touch_kind": TOUCH_KIND.get(response.type, "response"),
        "journey_stage": campaign.journey_stage, "external_id": f"response:{response.pk}",
        "title": f"{campaign.name} · {response.get_type_display()}"[:200],
    }
    if response.customer_id:
        data["customer_id"] = str(response.customer_id)
    elif campaign.org_unit_id:
        # An unknown company's lead lands where the campaign ran (its region or customer group), so the
        # campaign's marketing team and that region's sales see and route it.
        unit = campaign.org_unit
        data["customer_group" if unit.type == "customer_group" else "region"] = unit.code
    return {k: v for k, v in data.items() if v not in ("", None)}


def response_convert(*, response: CampaignResponse, actor: User | None) -> CampaignResponse:
    """PENDING → CONVERTED: the response goes through the lead capture rules and names the lead it made or
    joined. A conversion the rules refuse leaves it pending with the reason (and an event)."""
    from m2c.leads import services as lead_services

    require_responder(actor)
    with transaction.atomic():
        locked = CampaignResponse.objects.select_for_update().select_related("campaign").get(pk=response.pk)
        if locked.status == ResponseStatus.CONVERTED:
            raise Conflict(_("This response is already converted."), code="response_converted")
        try:
            with transaction.atomic():
                outcome = lead_services.lead_capture_response(
                    data=_lead_data(locked), channel=LEAD_CHANNEL.get(locked.source, "manual"), actor=actor)
        except DomainError as exc:
            reason = "; ".join(str(e.get("reason")) for e in exc.errors) if exc.errors else exc.detail
            CampaignResponse.objects.filter(pk=locked.pk).update(convert_error=reason[:1000])
            core_events.record(events.RESPONSE_NOT_CONVERTED, locked, actor=actor, payload={"reason": reason[:500]})
            response.convert_error = reason[:1000]
            return response
        lead_id = outcome.survivor_id or outcome.lead_id
        RESPONSE_MACHINE.apply(locked, ResponseStatus.CONVERTED, actor=actor, held=True,
                               changes={"lead_id": lead_id, "converted_at": timezone.now(), "convert_error": ""},
                               payload={"lead": str(lead_id) if lead_id else None, "outcome": outcome.kind,
                                        "lead_status": outcome.status})
    for name in ("status", "lead_id", "converted_at", "convert_error"):
        setattr(response, name, getattr(locked, name))
    return response


def responses_convert_pending(*, limit: int = 500, batch: int = 250) -> int:
    """The worker's sweep: convert the pending responses, oldest due first, ``batch`` at a time through one
    capture pass each; returns how many were converted. Responses already refused keep their reason and
    wait for someone to fix and convert them (the overdue list)."""
    ids = list(CampaignResponse.objects.filter(status=ResponseStatus.PENDING, convert_error="")
               .order_by("convert_due_at").values_list("pk", flat=True)[:limit])
    done = 0
    for start in range(0, len(ids), batch):
        try:
            done += responses_convert_many(ids[start:start + batch])
        except DomainError:
            # The batch as a whole was refused: one at a time, so one bad response does not hold up the rest.
            for pk in ids[start:start + batch]:
                response = CampaignResponse.objects.get(pk=pk)
                try:
                    response_convert(response=response, actor=None)
                except Conflict:
                    continue
                done += response.status == ResponseStatus.CONVERTED
    return done


def responses_convert_many(ids: list[Any], *, actor: User | None = None) -> int:
    """Convert the pending responses ``ids`` in one capture pass (locked, skipped when already converted):
    each moves PENDING → CONVERTED by the table with its event, or keeps its reason; returns how many moved."""
    from m2c.leads import services as lead_services

    require_responder(actor)
    with transaction.atomic():
        qs = CampaignResponse.objects.select_related("campaign", "campaign__org_unit").filter(
            pk__in=ids, status=ResponseStatus.PENDING).order_by("convert_due_at", "pk")
        locked = list(qs.select_for_update(of=("self",)))
        if not locked:
            return 0
        results = lead_services.lead_capture_responses(
            items=[(_lead_data(r), LEAD_CHANNEL.get(r.source, "manual")) for r in locked], actor=actor)
        now = timezone.now()
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        rows: list[dict[str, Any]] = []
        moved = 0
        for response, result in zip(locked, results, strict=True):
            if isinstance(result, DomainError):
                reason = ("; ".join(str(e.get("reason")) for e in result.errors) if result.errors else result.detail)[:1000]
                CampaignResponse.objects.filter(pk=response.pk).update(convert_error=reason)
                rows.append({"event_type": events.RESPONSE_NOT_CONVERTED, "subject_type": "campaigns.campaignresponse",
                             "subject_id": response.pk, "actor_id": actor_id, "payload": {"reason": reason[:500]}})
                continue
            RESPONSE_MACHINE.check(response, ResponseStatus.CONVERTED, actor=actor)
            lead_id = result.survivor_id or result.lead_id
            CampaignResponse.objects.filter(pk=response.pk).update(
                status=ResponseStatus.CONVERTED, lead_id=lead_id, converted_at=now, convert_error="")
            rows.append({"event_type": events.RESPONSE_CONVERTED, "subject_type": "campaigns.campaignresponse",
                         "subject_id": response.pk, "actor_id": actor_id, "from_state": ResponseStatus.PENDING,
                         "to_state": ResponseStatus.CONVERTED, "occurred_at": now,
                         "payload": {"lead": str(lead_id) if lead_id else None, "outcome": result.kind,
                                     "lead_status": result.status}})
            moved += 1
        core_events.record_many(rows)
    return moved


def _reached(response: CampaignResponse) -> str:
    stage = response.campaign.journey_stage or JourneyStage.AWARENESS
    if response.type in ASKS_FOR_SALES and STAGES.index(stage) < STAGES.index(JourneyStage.EVALUATION):
        stage = JourneyStage.EVALUATION
    return stage


def journey_advance(*, customer_id: Any, response: CampaignResponse) -> str | None:
    """Move the customer to the stage ``response`` reached if that is further on; the new stage or None."""
    reached = _reached(response)
    with transaction.atomic():
        row = CustomerJourney.objects.select_for_update().filter(customer_id=customer_id).first()
        if row is not None and STAGES.index(row.stage) >= STAGES.index(reached):
            return None
        before = row.stage if row else ""
        CustomerJourney.objects.update_or_create(customer_id=customer_id, defaults={
            "stage": reached, "response": response, "updated_at": timezone.now()})
        core_events.record(events.JOURNEY_ADVANCED, response, from_state=before, to_state=reached, payload={
            "customer": str(customer_id), "response": str(response.pk), "campaign": response.campaign.code})
    return reached
