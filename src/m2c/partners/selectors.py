"""Reads of the partners app for views, API, other apps and analytics; scoping applied here.

Channel managers, executives and administrators see every partner; a partner user sees only their own
partner and its records (``core.scoping``: ``partner_field``); other roles see none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from m2c.core.models import OfferingLine, Role
from m2c.core.scoping import scope

from .models import (
    DealRegistration,
    ExpertRole,
    IndividualCertificate,
    LeadOffer,
    Partner,
    PartnerCertification,
    PartnerStaff,
)
from .states import CERTIFIED, HOLDS_KEY, CertificationStatus, PartnerStatus

REQUIRED_EXPERTS = tuple(ExpertRole.values)


def is_partner_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.PARTNER) and not user.sees_everything)


def is_channel_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_superuser or user.has_role(Role.CHANNEL_MANAGER, Role.ADMINISTRATOR)))


def can_read(user: Any) -> bool:
    """Whether the partner pages are open to ``user``: channel managers, read-all roles, partner users."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.sees_everything or is_channel_manager(user) or user.has_role(Role.PARTNER)))


def _internal_scope(qs: QuerySet, user: Any, partner_field: str) -> QuerySet:
    """Channel managers and read-all roles see every partner's records; a partner user their own partner's;
    anyone else nothing (partners' deals are not the front line's to browse)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_partner_user(user):
        return scope(qs, user, partner_field=partner_field)
    if user.sees_everything or is_channel_manager(user):
        return qs
    return qs.none()


def partner_queryset(user: Any) -> QuerySet[Partner]:
    return _internal_scope(Partner.objects.all(), user, "pk")


def partner_get(*, user: Any, partner_id: Any) -> Partner | None:
    return partner_queryset(user).select_related("supplier", "channel_manager").filter(pk=partner_id).first()


def partner_of(user: Any) -> Partner | None:
    """The partner a partner user works for."""
    partner_id = getattr(user, "partner_id", None)
    return Partner.objects.filter(pk=partner_id).first() if partner_id else None


def partner_by_id(partner_id: Any) -> Partner | None:
    return Partner.objects.filter(pk=partner_id).first() if partner_id else None


def registration_queryset(user: Any) -> QuerySet[DealRegistration]:
    return _internal_scope(DealRegistration.objects.all(), user, "partner_id").select_related(
        "partner", "offering_line", "customer")


def registration_get(*, user: Any, registration_id: Any) -> DealRegistration | None:
    return registration_queryset(user).filter(pk=registration_id).first()


def registrations_to_review(user: Any) -> QuerySet[DealRegistration]:
    if not is_channel_manager(user) and not getattr(user, "sees_everything", False):
        return DealRegistration.objects.none()
    return registration_queryset(user).filter(status__in=["SUBMITTED", "UNDER_REVIEW"]).order_by("submitted_at")


def key_holder(*, customer_id: Any, offering_line_id: Any, exclude: Any = None) -> DealRegistration | None:
    """The registration holding (customer, offering line), if any (unscoped: the caller decides what to show)."""
    qs = DealRegistration.objects.filter(customer_id=customer_id, offering_line_id=offering_line_id,
                                         status__in=HOLDS_KEY)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("partner").first()


def offer_queryset(user: Any) -> QuerySet[LeadOffer]:
    return _internal_scope(LeadOffer.objects.all(), user, "partner_id").select_related("lead", "partner")


def offer_get(*, user: Any, offer_id: Any) -> LeadOffer | None:
    return offer_queryset(user).filter(pk=offer_id).first()


def staff_of(partner: Partner) -> QuerySet[PartnerStaff]:
    return partner.staff.all().prefetch_related("certificates")


def certification_queryset(user: Any) -> QuerySet[PartnerCertification]:
    return _internal_scope(PartnerCertification.objects.all(), user, "partner_id").select_related("partner")


# --- certification ------------------------------------------------------------------------------------


def valid_certificates(*, partner: Partner, product_category: str, on: dt.date | None = None
                       ) -> QuerySet[IndividualCertificate]:
    """Individual certificates valid on ``on`` held by the partner's current staff in the category.

    These are the certificates recorded in partners; the enablement app's exam certificates count besides
    them through ``enablement_roles`` (``missing_experts`` asks both).
    """
    day = on or timezone.localdate()
    return IndividualCertificate.objects.filter(
        staff__partner=partner, product_category=product_category, valid_from__lte=day, valid_to__gte=day,
    ).filter(Q(staff__left_on__isnull=True) | Q(staff__left_on__gt=day))


def missing_experts(*, partner: Partner, product_category: str, on: dt.date | None = None) -> list[str]:
    """The required expert roles (sales, pre-sales, post-sales) no current staff member fills with a valid
    certificate."""
    held = set(valid_certificates(partner=partner, product_category=product_category, on=on)
               .values_list("role", flat=True))
    if not held.issuperset(REQUIRED_EXPERTS):
        held |= enablement_roles(partner=partner, product_category=product_category, on=on)
    return [role for role in REQUIRED_EXPERTS if role not in held]


def current_staff(partner: Partner, on: dt.date | None = None) -> QuerySet[PartnerStaff]:
    day = on or timezone.localdate()
    return partner.staff.filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def enablement_roles(*, partner: Partner, product_category: str, on: dt.date | None = None) -> set[str]:
    """The expert roles the partner's current staff fill with certificates the enablement app issued (exam
    passes), valid on ``on`` for an offering line of the category: its tracks are the same three roles."""
    from m2c.enablement import selectors as enablement_selectors

    staff = list(current_staff(partner, on).values_list("user_id", "name"))
    if not staff:
        return set()
    tracks = enablement_selectors.partner_staff_tracks(
        partner_id=partner.pk, product_category=product_category, on_date=on,
        user_ids=[user for user, _name in staff if user], names=[name for _user, name in staff])
    return tracks & set(REQUIRED_EXPERTS)


def certification_for(partner: Partner, product_category: str) -> PartnerCertification | None:
    return (PartnerCertification.objects.filter(partner=partner, product_category=product_category)
            .exclude(status=CertificationStatus.REVOKED).first())


def partner_certified(partner: Partner | None, offering_line: OfferingLine | None, *,
                      on: dt.date | None = None) -> bool:
    """Whether ``partner`` may sell ``offering_line`` now: active, certified (valid or expiring, in its dates)
    for the line's product category. NON_COMPLIANT, lapsed, revoked or missing certifications say no."""
    if partner is None or offering_line is None or partner.status != PartnerStatus.ACTIVE:
        return False
    day = on or timezone.localdate()
    return PartnerCertification.objects.filter(
        partner=partner, product_category=offering_line.product_category, status__in=CERTIFIED,
        valid_from__lte=day, valid_to__gte=day,
    ).exists()


def certified_partners(offering_line: OfferingLine, *, on: dt.date | None = None) -> QuerySet[Partner]:
    """The partners lead routing may offer a lead of ``offering_line`` to."""
    day = on or timezone.localdate()
    return Partner.objects.filter(
        status=PartnerStatus.ACTIVE, certifications__product_category=offering_line.product_category,
        certifications__status__in=CERTIFIED, certifications__valid_from__lte=day,
        certifications__valid_to__gte=day,
    ).distinct()


def coverage() -> list[dict[str, Any]]:
    """Certification coverage per product category: partners per status (the channel manager's chart)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for category, status in PartnerCertification.objects.values_list("product_category", "status"):
        counts[category][status] += 1
    categories = sorted(set(OfferingLine.objects.filter(active=True).values_list("product_category", flat=True))
                        | set(counts))
    return [{"category": c, "counts": {s: counts[c].get(s, 0) for s in CertificationStatus.values}}
            for c in categories]


# --- lead routing -------------------------------------------------------------------------------------


def routing_refusal(partner_id: Any, line_ids: Any, *, on: dt.date | None = None) -> dict[str, str] | None:
    """Why lead routing may not send a lead of the offering lines ``line_ids`` to the partner (None: it may).

    The partner must be ACTIVE and certified (ACTIVE or EXPIRING, in its dates; not NON_COMPLIANT, lapsed or
    revoked) for the product category of at least one of the lines. The reason is a code and an English text
    (``gettext_noop``) the lead's timeline translates when shown.
    """
    from django.utils.translation import gettext_noop

    partner = partner_by_id(partner_id)
    if partner is None:
        return {"code": "partner_unknown", "text": gettext_noop("The partner no longer exists.")}
    if partner.status != PartnerStatus.ACTIVE:
        return {"code": "partner_not_active", "text": gettext_noop("The partner is not active.")}
    lines = list(OfferingLine.objects.filter(pk__in=list(line_ids or ())))
    if not any(partner_certified(partner, line, on=on) for line in lines):
        return {"code": "partner_not_certified",
                "text": gettext_noop("The partner is not certified for the lead's offering line.")}
    return None


def partner_choices() -> list[tuple[str, str]]:
    """(id, legal name) of the partners a routing rule may name (any not blacklisted; routing checks the rest)."""
    return [(str(pk), name) for pk, name in Partner.objects.exclude(status=PartnerStatus.BLACKLISTED)
            .order_by("legal_name").values_list("pk", "legal_name")]
