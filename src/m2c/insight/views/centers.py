"""The front-line centers: the list of the reader's centers and each center's home page with its queue."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors


@login_required
def center_list(request: HttpRequest) -> HttpResponse:
    centers = list(selectors.center_list(user=request.user)[:100])
    rows = [(c, selectors.center_queue(user=request.user, center=c)["count"]) for c in centers]
    return render(request, "insight/center_list.html", {"rows": rows})


@login_required
def center_home(request: HttpRequest, center_id: uuid.UUID) -> HttpResponse:
    center = selectors.center_get(user=request.user, center_id=center_id)
    queue = selectors.center_queue(user=request.user, center=center)
    return render(request, "insight/center_home.html", {"center": center, "today": timezone.localdate(), **queue})
