"""Signing in: failed attempts throttled per username and per client address, in the shared cache.

Every failed password check (the sign-in page, the admin's, any ``authenticate`` call) counts against the
username and the client's address for a fixed window (``M2C_LOGIN_WINDOW`` seconds). Past
``M2C_LOGIN_FAILURES_PER_USER`` or ``M2C_LOGIN_FAILURES_PER_IP`` failures, the password is not even checked
until the window ends, and the sign-in page says so. The counters live in the Django cache (Redis when
``M2C_REDIS_URL`` is set), so every app process of a cluster agrees. A successful sign-in clears the
username's counter, not the address's: one office behind one address must not unlock a guessed account.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import ratelimit


def _window() -> int:
    return int(getattr(settings, "M2C_LOGIN_WINDOW", 900))


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or behind ``M2C_TRUSTED_PROXIES`` proxies the address the
    outermost trusted proxy saw (counted from the right of X-Forwarded-For, which a client can forge)."""
    if request is None:
        return "unknown"
    proxies = int(getattr(settings, "M2C_TRUSTED_PROXIES", 0))
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _user_key(username: str) -> str:
    # Hashed: a username may hold spaces or any character, which cache keys must not.
    return "login-user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _keys(request: HttpRequest | None, username: str | None) -> list[tuple[str, int]]:
    keys = [(f"login-ip:{client_ip(request)}", int(getattr(settings, "M2C_LOGIN_FAILURES_PER_IP", 30)))]
    if username:
        keys.append((_user_key(username), int(getattr(settings, "M2C_LOGIN_FAILURES_PER_USER", 5))))
    return keys


def seconds_blocked(request: HttpRequest | None, username: str | None) -> int:
    """0 when a sign-in may be tried; else the seconds until the current window ends."""
    window = _window()
    if any(ratelimit.count(key, window=window) >= limit for key, limit in _keys(request, username)):
        return max(1, int(window - time.time() % window))
    return 0


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    for key, _limit in _keys(request, credentials.get("username")):
        ratelimit.hit(key, window=_window())


@receiver(user_logged_in)
def _clear_user(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    ratelimit.reset(_user_key(user.get_username()), window=_window())


class ThrottledModelBackend(ModelBackend):
    """The model backend, refusing without a password check while the username or address is throttled."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if seconds_blocked(request, username or kwargs.get("username")):
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-ins. For your security, try again in %(minutes)d minutes."),
    }

    def clean(self) -> dict[str, Any]:
        wait = seconds_blocked(self.request, self.data.get("username"))
        if wait:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled",
                                        params={"minutes": math.ceil(wait / 60)})
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's sign-in page with the throttle's message, answered with 429 while throttled."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


class RevokeTokensOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS for its ``password_changed`` hook, which Django calls whenever a
    user's new password is saved (the admin's forms, ``set_password`` + ``save`` anywhere): whoever
    changes a password, perhaps because it leaked, also wants the API tokens made with it gone."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from .services import token_revoke_all

        token_revoke_all(user=user, reason="password_changed")

    def get_help_text(self) -> str:
        return str(_("Changing the password also revokes the user's API tokens."))
