"""The nurture list (issue 11 item 3): each customer in nurture with its buyer-journey stage and the next
stage's campaign to invite it to, so marketing runs one journey rather than fragmented events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors_journey import NURTURE_ROWS, nurture_list
from .campaigns import _reader


@login_required
def nurture(request: HttpRequest) -> HttpResponse:
    _reader(request)
    rows = nurture_list(user=request.user)
    return render(request, "campaigns/nurture.html", {"rows": rows, "limit": NURTURE_ROWS})
