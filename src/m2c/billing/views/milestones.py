"""The payment terms of a contract on the web: add a billing milestone, or edit one not yet billed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from m2c.contracts import selectors as contract_selectors
from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import MilestoneForm
from ._common import allowed


def _initial(m: Any) -> dict[str, Any]:
    return {"name": m.name, "percent": m.percent, "amount": None if m.percent is not None else m.amount,
            "trigger": m.trigger, "trigger_event": m.trigger_event, "offset_days": m.offset_days, "scope": m.scope,
            "payment_days": m.payment_days, "period": m.period, "periods": m.periods, "starts_on": m.starts_on}


@login_required
def milestone_edit(request: HttpRequest, contract_id: Any, milestone_id: Any = None) -> HttpResponse:
    """Add a milestone (no ``milestone_id``) or edit one; the service checks the terms and the guards."""
    allowed(request)
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    milestone = None
    if milestone_id is not None:
        milestone = selectors.milestones_of(contract).filter(pk=milestone_id).first()
        if milestone is None:
            raise Http404
    initial = _initial(milestone) if milestone else {"payment_days": 30, "offset_days": 0, "scope": "CONTRACT"}
    form = MilestoneForm(request.POST or None, initial=initial, currency=contract.currency)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(contract=contract, actor=request.user, row=form.row(), milestone=milestone)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Billing milestone saved."))
            return redirect("billing:contract", contract.pk)
    return render(request, "billing/milestone_form.html", {"contract": contract, "milestone": milestone,
                                                           "form": form},
                  status=400 if request.method == "POST" else 200)
