"""Lead reads, always scoped to what the user may see.

A user sees a lead when it lies in their org subtree (by its region or its queue), when they own or
created it, or when they read everything. A partner user sees only leads their partner submitted.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.core.models import Role
from m2c.core.normalize import normalize_search_fragment
from m2c.core.scoping import home_unit, scope
from m2c.customers.identity import Keys, compare, keys_of

from . import capture
from .models import CampaignTouch, Lead, LeadImport, LeadMerge, RoutingRule, SavedView
from .states import OPEN, VALID, WORKING, LeadStatus

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors

S = LeadStatus

ORDERINGS = {
    "created": "created_at", "-created": "-created_at", "score": "score", "-score": "-score",
    "due": "accept_due_at", "-due": "-accept_due_at", "title": "title", "-title": "-title",
    "activity": "last_activity_at", "-activity": "-last_activity_at",
}


def lead_queryset(user: Any) -> QuerySet[Lead]:
    qs = Lead.objects.all()
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.sees_everything:
        return qs
    if user.has_role(Role.PARTNER):
        partner_id = getattr(user, "partner_id", None)
        return qs.filter(source_partner_id=partner_id) if partner_id else qs.none()
    by_region = scope(qs, user, org_field="region", owner_fields=("owner", "created_by"))
    by_queue = scope(qs, user, org_field="queue")
    return qs.filter(Q(pk__in=by_region.values("pk")) | Q(pk__in=by_queue.values("pk"))) if user.org_unit_id else by_region


def _visible(user: Any) -> QuerySet[Lead]:
    # One query without sub-selects for the common case: an org-scoped internal user.
    if user is None or not getattr(user, "is_authenticated", False):
        return Lead.objects.none()
    if user.sees_everything:
        return Lead.objects.all()
    if user.has_role(Role.PARTNER):
        return lead_queryset(user)
    condition = Q(owner=user) | Q(created_by=user)
    if user.org_unit_id:
        # The customers rule (core.scoping): a campaign-center marketer works for the region above it.
        path = home_unit(user.org_unit).path
        condition |= Q(region__path__startswith=path) | Q(queue__path__startswith=path)
    return Lead.objects.filter(condition)


def lead_list(
    *,
    user: Any,
    search: str | None = None,
    status: str | list[str] | None = None,
    temperature: str | None = None,
    owner: str | None = None,
    region: str | None = None,
    campaign: str | None = None,
    source_type: str | None = None,
    channel: str | None = None,
    offering_line: str | None = None,
    needs_review: bool | None = None,
    overdue: bool | None = None,
    open_only: bool | None = None,
    import_id: str | None = None,
    ordering: str = "-created",
) -> QuerySet[Lead]:
    qs = _visible(user).select_related("owner", "region", "queue", "source_campaign", "customer")
    if search:
        fragment = normalize_search_fragment(search)
        condition = Q(title__icontains=search.strip())
        if fragment:
            condition |= Q(normalized_name__contains=fragment) | Q(contact_name__icontains=search.strip())
        text = search.strip().lower()
        if "@" in text:
            condition |= Q(contact_email=text)
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 7:
            condition |= Q(contact_phone__endswith=digits[-11:])
        qs = qs.filter(condition)
    if status:
        statuses = status if isinstance(status, list) else [s for s in str(status).split(",") if s]
        qs = qs.filter(status__in=statuses)
    if open_only:
        qs = qs.filter(status__in=OPEN)
    if temperature:
        qs = qs.filter(temperature=temperature)
    if owner == "me":
        qs = qs.filter(owner=user)
    elif owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner__username=owner)
    if region:
        qs = qs.filter(Q(region__code=region) | Q(region__path__contains=f"/{region}/"))
    if campaign:
        qs = qs.filter(source_campaign__code=campaign)
    if source_type:
        qs = qs.filter(source_type=source_type)
    if channel:
        qs = qs.filter(channel=channel)
    if offering_line:
        qs = qs.filter(offering_lines__code=offering_line)
    if needs_review:
        qs = qs.filter(needs_review=True, status__in=OPEN)
    if overdue:
        qs = qs.filter(status=S.ASSIGNED, accept_due_at__lt=timezone.now())
    if import_id:
        qs = qs.filter(import_job_id=import_id)
    return qs.order_by(ORDERINGS.get(ordering, "-created_at"), "id")


def lead_get(*, user: Any, lead_id: Any) -> Lead:
    return get_object_or_404(
        _visible(user).select_related("owner", "region", "queue", "customer_group", "source_campaign", "customer",
                                      "duplicate_of", "merged_into_opportunity", "converted_opportunity", "created_by"),
        pk=lead_id,
    )


def my_leads(*, user: Any) -> dict[str, Any]:
    """An AR's home: what to accept, what to work on, what is stale, what is due."""
    mine = Lead.objects.filter(owner=user).select_related("source_campaign", "customer")
    today = timezone.localdate()
    return {
        "to_accept": list(mine.filter(status=S.ASSIGNED).order_by("accept_due_at")[:50]),
        "working": list(mine.filter(status__in=[S.ACCEPTED, S.NURTURING]).order_by("-score")[:100]),
        "due": list(mine.filter(status__in=WORKING, next_step_due__lte=today + dt.timedelta(days=7)).order_by("next_step_due")[:50]),
        "stale": list(mine.filter(status__in=WORKING, stale_alerted_at__isnull=False)[:50]),
        "counts": dict(mine.values("status").annotate(n=Count("id")).values_list("status", "n")),
    }


def review_list(*, user: Any) -> QuerySet[Lead]:
    """Leads the rules could not settle (possible duplicates, unrouted) or due on the review cadence."""
    config = capture.load_settings()
    cutoff = timezone.now() - dt.timedelta(days=config.review_cadence_days)
    return (
        _visible(user).filter(status__in=OPEN)
        .filter(Q(needs_review=True) | Q(owner=user, last_reviewed_at__isnull=True, created_at__lt=cutoff)
                | Q(owner=user, last_reviewed_at__lt=cutoff))
        .select_related("owner", "region", "source_campaign").order_by("-needs_review", "-score")
    )


def duplicate_candidates(*, user: Any, lead: Lead, limit: int = 10) -> list[tuple[Lead, dict[str, Any]]]:
    """Visible leads that may name the same company, with the match explanation."""
    keys = capture.lead_keys(lead)
    return _candidates(user, keys, exclude=lead.pk, limit=limit)


def likely_duplicates(*, user: Any, customer_name: str = "", email: str = "", phone: str = "", limit: int = 5) -> list[tuple[Lead, dict[str, Any]]]:
    """For the manual-entry form: leads that match what has been typed so far."""
    keys = keys_of(name=customer_name, email=email, phone=phone)  # a half-typed value simply does not match
    if not (keys.core or keys.email or keys.phone):
        return []
    return _candidates(user, keys, exclude=None, limit=limit)


def _candidates(user: Any, keys: Keys, *, exclude: Any, limit: int) -> list[tuple[Lead, dict[str, Any]]]:
    condition = Q()
    for column, value in (("credit_code", keys.credit_code), ("normalized_name", keys.normalized), ("core_name", keys.core),
                          ("contact_email", keys.email), ("contact_phone", keys.phone), ("email_domain", keys.domain),
                          ("block_key", keys.block)):
        if value:
            condition |= Q(**{column: value})
    if keys.customer_id:
        condition |= Q(customer_id=keys.customer_id)
    if not condition:
        return []
    qs = _visible(user).filter(condition, status__in=OPEN).select_related("owner", "source_campaign")
    if exclude:
        qs = qs.exclude(pk=exclude)
    found = []
    for other in qs.order_by("-created_at")[:200]:
        m = compare(keys, capture.lead_keys(other))
        if m and m.score >= 60:
            found.append((other, m.as_dict()))
    found.sort(key=lambda pair: -pair[1]["score"])
    return found[:limit]


def merges_of(lead: Lead) -> list[LeadMerge]:
    return list(LeadMerge.objects.filter(Q(merged=lead) | Q(survivor=lead)).select_related("merged", "survivor", "actor"))


def campaign_lead_outcomes(*, campaign: Campaign) -> dict[str, Any]:
    """Valid leads against the campaign's target and the cost per valid lead (domain.md 9, S2)."""
    leads = Lead.objects.filter(source_campaign=campaign)
    # One pass over the campaign's leads: counts per status and temperature give every figure below.
    counts: dict[str, int] = {}
    temperatures: dict[str, int] = {}
    for status, temperature, n in (leads.values("status", "temperature").annotate(n=Count("id")).order_by()
                                   .values_list("status", "temperature", "n")):
        counts[status] = counts.get(status, 0) + n
        if status in VALID:
            temperatures[temperature] = temperatures.get(temperature, 0) + n
    valid = sum(n for s, n in counts.items() if s in VALID)
    invalid = counts.get(S.INVALID, 0)
    target = campaign.target_valid_leads
    attainment = (Decimal(valid) / Decimal(target)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if target else None
    spend = Decimal(str(campaign.actual_spend or 0))
    cost = (spend / valid).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if valid and spend else None
    return {
        "campaign": campaign,
        "leads": sum(counts.values()),
        "duplicates": counts.get(S.DUPLICATE, 0),
        "merged_touches": CampaignTouch.objects.filter(campaign=campaign, origin_lead__isnull=False).count(),
        "invalid": invalid,
        "valid": valid,
        "hot": temperatures.get("hot", 0),
        "warm": temperatures.get("warm", 0),
        "cold": temperatures.get("cold", 0),
        "routed": sum(counts.get(s, 0) for s in (S.ASSIGNED, S.ACCEPTED, S.NURTURING, S.CONVERTED)),
        "nurture_pool": counts.get(S.RECYCLED, 0),
        "target_valid_leads": target,
        "attainment": attainment,
        "actual_spend": spend,
        "currency": campaign.currency,
        "cost_per_valid_lead": cost,
        "valid_lead_rate": (Decimal(valid) / Decimal(valid + invalid)).quantize(Decimal("0.01")) if valid + invalid else None,
    }


def status_counts(*, user: Any) -> dict[str, int]:
    return dict(_visible(user).values("status").annotate(n=Count("id")).values_list("status", "n"))


def import_list(*, user: Any) -> QuerySet[LeadImport]:
    qs = LeadImport.objects.all()
    return qs if user.sees_everything else qs.filter(created_by=user)


def import_get(*, user: Any, import_id: Any) -> LeadImport:
    return get_object_or_404(import_list(user=user), pk=import_id)


def saved_views(*, user: Any) -> QuerySet[SavedView]:
    return SavedView.objects.filter(Q(user=user) | Q(shared=True))


def touches_of(lead: Lead) -> QuerySet[CampaignTouch]:
    return lead.touches.select_related("campaign", "origin_lead").order_by("touched_at")


# --- the routing table (its settings page) -------------------------------------------------------------


def routing_rule_list() -> QuerySet[RoutingRule]:
    """Every routing rule in the order routing reads them, inactive ones included."""
    return RoutingRule.objects.select_related("region", "customer_group", "offering_line", "target_user",
                                              "target_unit").order_by("priority", "name", "pk")


def routing_rule_get(rule_id: Any) -> RoutingRule | None:
    return routing_rule_list().filter(pk=rule_id).first()


def touch_sequences(*, campaign: Campaign) -> dict[Any, list[Any]]:
    """For every opportunity this campaign touched: the campaign ids of all its touches, oldest first
    (the input of the influenced attribution model, domain.md 10.3)."""
    touched = CampaignTouch.objects.filter(campaign=campaign, opportunity__isnull=False).values_list(
        "opportunity_id", flat=True)
    sequences: dict[Any, list[Any]] = {}
    for opportunity_id, campaign_id in (CampaignTouch.objects.filter(opportunity_id__in=touched)
                                        .order_by("touched_at", "id").values_list("opportunity_id", "campaign_id")):
        sequences.setdefault(opportunity_id, []).append(campaign_id)
    return sequences


def lead_funnel(*, lead_ids: Any) -> dict[str, int]:
    """Over the leads ``lead_ids`` (a subquery, e.g. the leads a campaign's responses became; each lead
    counted once however often it is named): how many, how many valid, converted into an opportunity, won.
    One aggregate over the leads table, the ids never read into Python."""
    return Lead.objects.filter(pk__in=lead_ids).aggregate(
        leads=Count("id"), valid=Count("id", filter=Q(status__in=VALID)),
        opportunities=Count("id", filter=Q(converted_opportunity__isnull=False)),
        won=Count("id", filter=Q(converted_opportunity__stage="WON")))


def touched_opportunities(*, campaign: Campaign) -> QuerySet[CampaignTouch]:
    """The ids of the opportunities this campaign touched, as a lazy queryset: another app's read takes it
    as a subquery (``opportunity_id__in=…``), so the ids never travel through Python."""
    return CampaignTouch.objects.filter(campaign=campaign, opportunity__isnull=False).values("opportunity_id")


def touch_positions(*, campaign: Campaign, opportunity_ids: Any = None) -> dict[Any, tuple[int, int, bool, bool]]:
    """For every opportunity this campaign touched (among ``opportunity_ids`` when given, a list or a
    subquery): ``(n, mine, first, last)`` = how many touches it has from all campaigns, how many of them
    are this campaign's, and whether this campaign has the first and the last touch (in touch order,
    ``touched_at`` then id, as :func:`touch_sequences`). Counted in the database with window functions,
    one row per opportunity: the influenced attribution model's input without reading every touch."""
    from django.db.models import Case, F, IntegerField, RowRange, Sum, Value, When, Window
    from django.db.models.functions import FirstValue, LastValue, RowNumber

    touches = CampaignTouch.objects.filter(opportunity_id__in=touched_opportunities(campaign=campaign))
    if opportunity_ids is not None:
        touches = touches.filter(opportunity_id__in=opportunity_ids)

    def mine() -> Case:
        return Case(When(campaign_id=campaign.pk, then=Value(1)), default=Value(0), output_field=IntegerField())

    order = [F("touched_at").asc(), F("id").asc()]
    whole = RowRange(start=None, end=None)
    rows = (touches.annotate(
        pos=Window(RowNumber(), partition_by=[F("opportunity_id")], order_by=order),
        n=Window(Count("id"), partition_by=[F("opportunity_id")]),
        mine=Window(Sum(mine()), partition_by=[F("opportunity_id")]),
        first=Window(FirstValue(mine()), partition_by=[F("opportunity_id")], order_by=order, frame=whole),
        last=Window(LastValue(mine()), partition_by=[F("opportunity_id")], order_by=order, frame=whole),
    ).filter(pos=1).values_list("opportunity_id", "n", "mine", "first", "last"))
    return {opportunity_id: (n, mine_, bool(first), bool(last)) for opportunity_id, n, mine_, first, last in rows}


# --- lead-quality feedback to marketing (domain.md 7.7, issue 11 item 7) -------------------------------

ACCEPTED_STATES = (S.ACCEPTED, S.NURTURING, S.CONVERTED, S.DISQUALIFIED)
PENDING_STATES = (S.NEW, S.VALIDATING, S.QUALIFIED, S.ASSIGNED, S.RECYCLED)
QUALITY_GROUPS = {"source": "source_type", "campaign": "source_campaign"}


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if whole else None


def lead_quality(*, campaign: Any = None, campaign_ids: list[Any] | None = None, group_by: str = "source",
                 since: dt.date | None = None, until: dt.date | None = None) -> dict[str, Any]:
    """What sales made of marketing's leads, per lead source or per campaign (domain.md 7.7): how many were
    accepted, rejected with which reasons, and converted, with rates.

    ``campaign`` (or ``campaign_ids``) keeps the leads those campaigns sourced; without either, every lead
    (``group_by="campaign"`` then keeps leads with a source campaign). Each row counts:

    - ``leads``: leads captured, merged duplicates left out (``duplicates`` counts them);
    - ``accepted``: accepted by sales at some point (accepted, nurturing, converted, disqualified, or
      recycled after acceptance);
    - ``rejected``: ``invalid`` at the validity gate plus ``disqualified`` by sales, and ``reasons``: the
      count per reason (an invalid lead may carry several);
    - ``converted`` into opportunities;
    - the disjoint buckets of the chart: ``converted``, ``in_work`` (accepted, still worked), ``disqualified``,
      ``invalid``, ``pending`` (not decided yet);
    - rates over ``leads``: ``acceptance_rate``, ``rejection_rate``, ``conversion_rate``, and
      ``accepted_conversion_rate`` (converted / accepted).
    """
    from .models import DisqualifyReason, InvalidReason, SourceType

    field = QUALITY_GROUPS[group_by]
    qs = Lead.objects.all()
    if campaign is not None:
        qs = qs.filter(source_campaign=campaign)
    elif campaign_ids is not None:
        qs = qs.filter(source_campaign__in=list(campaign_ids))
    elif group_by == "campaign":
        qs = qs.filter(source_campaign__isnull=False)
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    if until is not None:
        qs = qs.filter(created_at__date__lte=until)
    accepted_q = Q(status__in=ACCEPTED_STATES) | Q(status=S.RECYCLED, accepted_at__isnull=False)
    rows = qs.values(field).annotate(
        all=Count("id"), duplicates=Count("id", filter=Q(status=S.DUPLICATE)),
        accepted=Count("id", filter=accepted_q), converted=Count("id", filter=Q(status=S.CONVERTED)),
        invalid=Count("id", filter=Q(status=S.INVALID)), disqualified=Count("id", filter=Q(status=S.DISQUALIFIED)),
        in_work=Count("id", filter=Q(status__in=(S.ACCEPTED, S.NURTURING)) | Q(status=S.RECYCLED, accepted_at__isnull=False)),
        pending=Count("id", filter=Q(status__in=PENDING_STATES) & ~Q(status=S.RECYCLED, accepted_at__isnull=False)),
    ).order_by(field)
    labels_invalid, labels_disqualified = dict(InvalidReason.choices), dict(DisqualifyReason.choices)
    reasons: dict[Any, dict[tuple[str, str], int]] = {}
    for key, code, n in qs.filter(status=S.DISQUALIFIED).values_list(field, "disqualify_reason").annotate(n=Count("id")):
        bucket = reasons.setdefault(key, {})
        bucket[("disqualified", code or "")] = bucket.get(("disqualified", code or ""), 0) + n
    for key, codes in qs.filter(status=S.INVALID).values_list(field, "invalid_reasons").iterator(chunk_size=5000):
        bucket = reasons.setdefault(key, {})
        for code in codes or [""]:
            bucket[("invalid", code)] = bucket.get(("invalid", code), 0) + 1

    def finish(row: dict[str, Any], key: Any) -> dict[str, Any]:
        leads = row["all"] - row["duplicates"]
        rejected = row["invalid"] + row["disqualified"]
        found = reasons.get(key, {})
        return {
            "leads": leads, "duplicates": row["duplicates"], "accepted": row["accepted"], "rejected": rejected,
            "converted": row["converted"], "invalid": row["invalid"], "disqualified": row["disqualified"],
            "in_work": row["in_work"], "pending": row["pending"],
            "acceptance_rate": _rate(row["accepted"], leads), "rejection_rate": _rate(rejected, leads),
            "conversion_rate": _rate(row["converted"], leads),
            "accepted_conversion_rate": _rate(row["converted"], row["accepted"]),
            "reasons": [{"kind": kind, "code": code, "count": n,
                         "label": str((labels_invalid if kind == "invalid" else labels_disqualified).get(code, code or "—"))}
                        for (kind, code), n in sorted(found.items(), key=lambda item: (-item[1], item[0]))],
        }

    out_rows = []
    total_counts = dict.fromkeys(("all", "duplicates", "accepted", "converted", "invalid", "disqualified", "in_work",
                                  "pending"), 0)
    total_reasons: dict[tuple[str, str], int] = {}
    for row in rows:
        key = row[field]
        label = str(dict(SourceType.choices).get(key, key)) if group_by == "source" else None
        out_rows.append({"key": key, "label": label, **finish(row, key)})
        for name in total_counts:
            total_counts[name] += row[name]
        for reason, n in reasons.get(key, {}).items():
            total_reasons[reason] = total_reasons.get(reason, 0) + n
    reasons["__total__"] = total_reasons
    return {"group_by": group_by, "rows": out_rows, "total": finish(total_counts, "__total__")}


def partner_lead_conversions(routed_lead_ids: Any = ()) -> list[tuple[Any, Any, Any]]:
    """(lead id, source partner id or None, the opportunity it became) of the converted leads partners
    brought: those a partner submitted, and ``routed_lead_ids`` (leads routed to a partner who accepted them).
    Unscoped: the partners app's performance view decides who reads it."""
    condition = Q(source_partner_id__isnull=False)
    ids = list(routed_lead_ids)
    if ids:
        condition |= Q(pk__in=ids)
    return list(Lead.objects.filter(condition, converted_opportunity__isnull=False)
                .values_list("id", "source_partner_id", "converted_opportunity_id"))
