"""Pages of MDF, special-price requests and incentives: the partner portal shows its own partner's (apply,
claim with proof, ask special prices, read accruals with why they are not payable yet, download statements);
the channel manager reviews all of them with the commands."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from m2c.campaigns import selectors as campaign_selectors
from m2c.core.errors import DomainError

from .. import selectors, services
from .. import selectors_channel as sel
from ..forms_channel import CLAIM_ROWS, ClaimLineForm, MdfForm, SpqForm, StatementForm
from ..states_channel import AccrualStatus, MdfStatus, SpqStatus
from .partners import reader


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.detail if hasattr(exc, "detail") else exc))


def _own_partner(request: HttpRequest) -> Any:
    return selectors.partner_of(request.user) if selectors.is_partner_user(request.user) else None


# --- MDF ---------------------------------------------------------------------------------------------------------


@login_required
def mdf_list(request: HttpRequest) -> HttpResponse:
    reader(request)
    own = _own_partner(request)
    manager = selectors.is_channel_manager(request.user)
    may_apply = own is not None or manager
    choices = None if own is not None else selectors.partner_queryset(request.user)
    form = MdfForm(request.POST or None, partner_choices=choices) if may_apply else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            partner = own or data.pop("partner")
            data.pop("partner", None)
            try:
                app = services.mdf_apply(actor=request.user, partner=partner, **data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("MDF application %(n)s submitted.") % {"n": app.number})
                return redirect("partners:mdf-detail", app.pk)
    apps = sel.mdf_queryset(request.user)
    status = request.GET.get("status", "")
    if status in MdfStatus.values:
        apps = apps.filter(status=status)
    quotas = []
    for quota in sel.quota_queryset(request.user)[:50]:
        left = services.mdf.quota_left(quota)
        quotas.append({"quota": quota, "left": left, "used": quota.amount - left})
    roi = sel.mdf_roi(own) if own is not None else None
    context = {"apps": apps[:200], "form": form, "status": status, "statuses": MdfStatus.choices,
               "quotas": quotas, "manager": manager, "portal": own is not None, "roi": roi,
               "charts": {"chart-mdf-quota": {
                   "kind": "bar", "stacked": True, "labels": [q["quota"].partner.legal_name for q in quotas],
                   "series": [{"name": pgettext("quota", "Committed"), "data": [float(q["used"]) for q in quotas]},
                              {"name": _("Left"), "data": [float(q["left"]) for q in quotas]}]}} if quotas else {}}
    return render(request, "partners/mdf_list.html", context, status=422 if form is not None and form.errors else 200)


def _mdf(request: HttpRequest, mdf_id: Any) -> Any:
    reader(request)
    app = sel.mdf_get(user=request.user, mdf_id=mdf_id)
    if app is None:
        raise Http404
    return app


@login_required
def mdf_detail(request: HttpRequest, mdf_id: Any) -> HttpResponse:
    app = _mdf(request, mdf_id)
    manager = selectors.is_channel_manager(request.user)
    mine = selectors.is_partner_user(request.user) and request.user.partner_id == app.partner_id
    rows = [ClaimLineForm(request.POST or None, request.FILES or None, prefix=f"line{i}") for i in range(CLAIM_ROWS)]
    if request.method == "POST":
        if not (mine or manager):
            raise DjangoPermissionDenied
        lines = []
        if all(f.is_valid() for f in rows):
            for f in rows:
                d = f.cleaned_data
                if d.get("expense_type") or d.get("amount"):
                    lines.append({"expense_type": d.get("expense_type") or "", "description": d.get("description"),
                                  "amount": d.get("amount"), "persons": d.get("persons"),
                                  "evidence": d.get("evidence")})
            try:
                services.mdf_claim(actor=request.user, application=app, lines=lines)
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("Claim submitted; each expense was checked."))
                return redirect("partners:mdf-detail", app.pk)
    context = {"app": app, "manager": manager, "mine": mine, "rows": rows,
               "campaigns": campaign_selectors.campaign_options() if app.status == MdfStatus.APPROVED else [],
               "timeline": None}
    return render(request, "partners/mdf_detail.html", context)


MDF_COMMANDS = {
    "approve": lambda r, a: services.mdf_approve(actor=r.user, application=a, amount=r.POST.get("amount") or None,
                                                 note=r.POST.get("note", "")),
    "reject": lambda r, a: services.mdf_reject(actor=r.user, application=a, reason=r.POST.get("reason", "")),
    "execute": lambda r, a: services.mdf_execute(
        actor=r.user, application=a,
        campaign=campaign_selectors.campaign_list().filter(pk=r.POST.get("campaign") or None).first()),
    "reimburse": lambda r, a: services.mdf_reimburse(actor=r.user, application=a, amount=r.POST.get("amount") or None),
    "reject-claim": lambda r, a: services.mdf_reject_claim(actor=r.user, application=a,
                                                           reason=r.POST.get("reason", "")),
}


@login_required
@require_POST
def mdf_command(request: HttpRequest, mdf_id: Any, command: str) -> HttpResponse:
    app = _mdf(request, mdf_id)
    if command not in MDF_COMMANDS:
        raise Http404
    try:
        MDF_COMMANDS[command](request, app)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("partners:mdf-detail", app.pk)


# --- special-price requests -------------------------------------------------------------------------------------


@login_required
def spq_list(request: HttpRequest) -> HttpResponse:
    reader(request)
    registrations = selectors.registration_queryset(request.user).filter(status__in=["APPROVED", "CONVERTED"],
                                                                         opportunity__isnull=False)
    form = SpqForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spq = services.spq_submit(actor=request.user, registration=data["registration"],
                                      discounts=data["discounts"], justification=data["justification"],
                                      override_reason=data["override_reason"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Special price request %(n)s: %(s)s.")
                             % {"n": spq.number, "s": spq.get_status_display()})
            return redirect("partners:spq")
    context = {"requests": sel.spq_queryset(request.user)[:200], "form": form,
               "manager": selectors.is_channel_manager(request.user), "portal": selectors.is_partner_user(request.user)}
    return render(request, "partners/spq_list.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def spq_command(request: HttpRequest, spq_id: Any, command: str) -> HttpResponse:
    reader(request)
    spq = sel.spq_get(user=request.user, spq_id=spq_id)
    if spq is None or command not in ("approve", "reject") or spq.status != SpqStatus.PENDING:
        raise Http404
    try:
        if command == "approve":
            services.spq_approve(spq=spq, actor=request.user, note=request.POST.get("note", ""))
        else:
            services.spq_reject(spq=spq, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("partners:spq")


# --- incentives --------------------------------------------------------------------------------------------------


@login_required
def incentives(request: HttpRequest) -> HttpResponse:
    reader(request)
    accruals = sel.accrual_queryset(request.user)
    status = request.GET.get("status", "")
    if status in AccrualStatus.values:
        accruals = accruals.filter(status=status)
    totals: dict[str, float] = {}
    labels = dict(AccrualStatus.choices)
    for row in sel.accrual_queryset(request.user).values("status").annotate(s=Sum("amount")).order_by("status"):
        totals[str(labels.get(row["status"], row["status"]))] = float(row["s"] or 0)
    context = {"accruals": accruals[:300], "status": status, "statuses": AccrualStatus.choices,
               "policies": sel.policy_queryset(request.user)[:50], "manager": selectors.is_channel_manager(request.user),
               "portal": selectors.is_partner_user(request.user), "statement": StatementForm(),
               "partners": selectors.partner_queryset(request.user) if not selectors.is_partner_user(request.user) else [],
               "charts": {"chart-accruals": {"kind": "donut", "data": [{"name": k, "value": round(v, 2)}
                                                                          for k, v in totals.items()]}}
               if totals else {}}
    return render(request, "partners/incentives.html", context)


@login_required
def incentive_statement(request: HttpRequest) -> HttpResponse:
    from ..api_channel import statement_response

    reader(request)
    form = StatementForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose the period of the statement."))
        return redirect("partners:incentives")
    own = _own_partner(request)
    partner = own or selectors.partner_get(user=request.user, partner_id=request.GET.get("partner") or None)
    if partner is None:
        raise Http404
    try:
        return statement_response(partner, form.cleaned_data["start"], form.cleaned_data["end"],
                                  request.GET.get("format", "pdf"), request.LANGUAGE_CODE or "zh-hans")
    except DomainError as exc:
        _fail(request, exc)
        return redirect("partners:incentives")


@login_required
@require_POST
def accrual_command(request: HttpRequest, accrual_id: Any, command: str) -> HttpResponse:
    reader(request)
    accrual = sel.accrual_get(user=request.user, accrual_id=accrual_id)
    if accrual is None or command not in ("pay", "evaluate"):
        raise Http404
    try:
        if command == "pay":
            services.accrual_pay(actor=request.user, accrual=accrual, reference=request.POST.get("reference", ""))
        else:
            services.require_channel(request.user)
            services.accrual_evaluate(accrual)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("partners:incentives")
