"""The phone-friendly check-in page: a scanner (or the camera) types the registration code and submits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import DomainError

from .. import selectors
from ..forms_responses import CheckInForm
from ..models import RegistrationStatus
from ..services import registrations


@login_required
def checkin(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    if not registrations.can_check_in(request.user, campaign):
        raise Forbidden(_("Your role cannot check people in."))
    form = CheckInForm(request.POST or None)
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            registration, first = registrations.check_in(campaign=campaign, code=form.cleaned_data["code"],
                                                         actor=request.user)
        except DomainError as exc:
            result = {"ok": False, "message": exc.detail}
            status = exc.status if exc.status in (404, 409, 422) else 422
        else:
            at = timezone.localtime(registration.checked_in_at).strftime("%H:%M")
            result = {"ok": first, "registration": registration, "message": (
                _("Welcome, %(name)s (%(company)s): checked in at %(at)s.") if first
                else _("%(name)s (%(company)s) is already checked in at %(at)s.")) % {
                    "name": registration.name, "company": registration.company, "at": at}}
        form = CheckInForm()  # an empty box for the next scan
    elif request.method == "POST":
        status = 422
    attended = campaign.registrations.filter(status=RegistrationStatus.ATTENDED).count()
    return render(request, "campaigns/checkin.html", {
        "campaign": campaign, "form": form, "result": result, "attended": attended,
        "registered": campaign.registrations.count()}, status=status)
