"""Reads of special-price requests, MDF and incentives, scoped like every partners read: channel managers and
read-all roles see all; a partner user only their own partner's; anyone else nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from .models import IncentiveAccrual, IncentivePolicy, MdfApplication, MdfQuota, Partner, SpecialPriceRequest
from .selectors import _internal_scope, is_channel_manager, is_partner_user
from .states_channel import COMMITS_QUOTA, MdfStatus


def spq_queryset(user: Any) -> QuerySet[SpecialPriceRequest]:
    return _internal_scope(SpecialPriceRequest.objects.all(), user, "registration__partner_id").select_related(
        "registration__partner", "quote", "base_quote")


def spq_get(*, user: Any, spq_id: Any) -> SpecialPriceRequest | None:
    return spq_queryset(user).filter(pk=spq_id).first()


def quota_queryset(user: Any) -> QuerySet[MdfQuota]:
    return _internal_scope(MdfQuota.objects.all(), user, "partner_id").select_related("partner")


def mdf_queryset(user: Any) -> QuerySet[MdfApplication]:
    return _internal_scope(MdfApplication.objects.all(), user, "partner_id").select_related(
        "partner", "quota", "campaign")


def mdf_get(*, user: Any, mdf_id: Any) -> MdfApplication | None:
    return mdf_queryset(user).prefetch_related("claim_lines").filter(pk=mdf_id).first()


def policy_queryset(user: Any) -> QuerySet[IncentivePolicy]:
    """The programme's policies: channel managers and read-all roles (a partner reads its own accruals)."""
    if getattr(user, "is_authenticated", False) and not is_partner_user(user) and (
            user.sees_everything or is_channel_manager(user)):
        return IncentivePolicy.objects.all()
    return IncentivePolicy.objects.none()


def accrual_queryset(user: Any) -> QuerySet[IncentiveAccrual]:
    return _internal_scope(IncentiveAccrual.objects.all(), user, "partner_id").select_related(
        "partner", "policy", "contract")


def accrual_get(*, user: Any, accrual_id: Any) -> IncentiveAccrual | None:
    return accrual_queryset(user).filter(pk=accrual_id).first()


def mdf_roi(partner: Partner) -> dict[str, Any]:
    """MDF ROI of a partner: what its executed activities' campaigns produced (leads, opportunities,
    bookings in the reporting currency) against what was reimbursed."""
    from m2c.leads.selectors import campaign_lead_outcomes
    from m2c.opportunities.selectors.reports import campaign_outcomes

    apps = list(MdfApplication.objects.filter(partner=partner, campaign__isnull=False,
                                              status__in=[MdfStatus.EXECUTED, MdfStatus.CLAIMED,
                                                          MdfStatus.REIMBURSED]).select_related("campaign"))
    leads = opportunities = 0
    bookings = Decimal(0)
    rows = []
    for campaign in {a.campaign_id: a.campaign for a in apps}.values():
        lead_out = campaign_lead_outcomes(campaign=campaign)
        opp_out = campaign_outcomes(campaign=campaign)
        n_leads = int(lead_out.get("valid") or 0)
        n_opps = sum(int(opp_out.get(k) or 0) for k in ("open", "won", "lost", "abandoned", "on_hold"))
        won = Decimal(str(opp_out.get("bookings") or 0))
        leads, opportunities, bookings = leads + n_leads, opportunities + n_opps, bookings + won
        rows.append({"campaign": campaign, "leads": n_leads, "opportunities": n_opps, "bookings": won})
    reimbursed = MdfApplication.objects.filter(partner=partner, status=MdfStatus.REIMBURSED).aggregate(
        s=Sum("reimbursed_amount"))["s"] or Decimal(0)
    committed = MdfApplication.objects.filter(partner=partner, status__in=COMMITS_QUOTA).aggregate(
        s=Sum("approved_amount"))["s"] or Decimal(0)
    ratio = (bookings / reimbursed).quantize(Decimal("0.01")) if reimbursed else None
    return {"leads": leads, "opportunities": opportunities, "bookings": bookings, "reimbursed": reimbursed,
            "committed": committed, "bookings_per_yuan": ratio, "campaigns": rows}
