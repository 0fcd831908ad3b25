"""Change requests and closure from the contract page: draft, edit, submit, approve, reject, withdraw a change;
write the evaluation before ATCC. Thin: every write is a service, refusals are shown beside the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import ChangeForm, EvaluationForm, ReasonForm
from ..models import Contract, ContractEvaluation
from ..services._common import can_work_on
from ..states import ChangeStatus, ContractStatus
from .pages import _contract, _page

CHANGE_COMMANDS = ("submit", "approve", "reject", "withdraw")


def panels(request: HttpRequest, contract: Contract, forms: dict[str, Any]) -> dict[str, Any]:
    """What the change and closure panels of the contract page show."""
    evaluation = ContractEvaluation.objects.filter(contract=contract).first()
    initial = {"actual_cost": evaluation.actual_cost, "post_mortem": evaluation.post_mortem} if evaluation else None
    return {
        "changes": selectors.change_list(contract=contract),
        "change_form": forms.get("change_form") or ChangeForm(initial={"kind": "SCOPE"}),
        "may_approve_change": selectors.may_approve_change(contract, request.user),
        "closure_checks": selectors.closure_checks(contract)
        if contract.status in (ContractStatus.FULFILLED, ContractStatus.CLOSED) else [],
        "evaluation": evaluation,
        "evaluation_form": forms.get("evaluation_form") or EvaluationForm(initial=initial),
    }


@login_required
@require_POST
def change_add(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    form = ChangeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            change = services.change_request(contract=c, actor=request.user, kind=d["kind"], reason=d["reason"],
                                             lines=form.lines(), schedule_days=d.get("schedule_days") or 0,
                                             effective_on=d.get("effective_on"))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Change request %(number)s drafted: submit it when ready.")
                             % {"number": change.number})
            return redirect("contracts:detail", c.pk)
    return _page(request, c, change_form=form)


def _change(contract: Contract, change_id: Any) -> Any:
    change = contract.changes.filter(pk=change_id).first()
    if change is None:
        raise Http404
    return change


@login_required
def change_edit(request: HttpRequest, contract_id: Any, change_id: Any) -> HttpResponse:
    """A change request's page: its draft form (editable while DRAFT) and its decision."""
    c = _contract(request, contract_id)
    change = _change(c, change_id)
    editable = change.status == ChangeStatus.DRAFT and can_work_on(c, request.user)
    form = ChangeForm(request.POST or None, initial=ChangeForm.initial_of(change))
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Only a draft change can be edited."))
            return redirect("contracts:change-edit", c.pk, change.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.change_update(change=change, actor=request.user, kind=d["kind"], reason=d["reason"],
                                       lines=form.lines(), schedule_days=d.get("schedule_days") or 0,
                                       effective_on=d.get("effective_on"))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Change request saved."))
                return redirect("contracts:change-edit", c.pk, change.pk)
    return render(request, "contracts/change_form.html",
                  {"contract": c, "change": change, "form": form, "editable": editable,
                   "lines": (change.proposal or {}).get("lines", []), "reason_form": ReasonForm()},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def change_command(request: HttpRequest, contract_id: Any, change_id: Any, command: str) -> HttpResponse:
    c = _contract(request, contract_id)
    change = _change(c, change_id)
    if command not in CHANGE_COMMANDS:
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        if command == "submit":
            change = services.change_submit(change=change, actor=request.user)
        elif command == "approve":
            services.change_approve(change=change, actor=request.user, note=reason)
        elif command == "reject":
            services.change_reject(change=change, actor=request.user, reason=reason)
        else:
            services.change_withdraw(change=change, actor=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("contracts:detail", c.pk)
    if command == "submit" and change.review_id:
        messages.success(request, _("Submitted. The change is above the ATAC threshold: answer and submit its ATAC "
                                    "review."))
        return redirect("opportunities:review", change.review_id)
    messages.success(request, _("Change request updated."))
    return redirect("contracts:detail", c.pk)


@login_required
@require_POST
def evaluation_save(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.contract_evaluation_save(contract=c, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect("contracts:detail", c.pk)
    return _page(request, c, evaluation_form=form)
