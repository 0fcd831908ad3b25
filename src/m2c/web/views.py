"""Shell pages: home and the account page with personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core import selectors as core_selectors
from m2c.core import services as core_services
from m2c.core.errors import DomainError
from m2c.core.notifications import Notification, mark_read

from . import homes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user has to do today, in panels that follow their roles (see homes.py)."""
    return render(request, "web/home.html", homes.build(request.user))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(recipient=request.user)[:100])
    if request.method == "POST":
        mark_read(request.user)
        return redirect("notifications")
    return render(request, "web/notifications.html", {"items": items})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/account.html",
        {"tokens": core_selectors.token_list(user=request.user), "new_token": request.session.pop("new_token", None),
         "role_labels": homes.roles_of(request.user)},
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        token, clear = core_services.token_create(user=request.user, name=request.POST.get("name", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        # Shown once on the next page, then gone: only the hash is stored.
        request.session["new_token"] = {"name": token.name, "token": clear}
        messages.success(request, _("Token “%(name)s” created. Copy it now: it will not be shown again.") % {"name": token.name})
    return redirect("account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(core_selectors.token_list(user=request.user), pk=token_id)
    core_services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("account")
