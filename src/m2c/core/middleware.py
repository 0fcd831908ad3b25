"""Request-scoped context and the answers given before or instead of a view.

- a request id that every event written during the request carries;
- NUL characters refused with 400;
- a busy database (SQLite's "database is locked" after the busy timeout) answered with 503 and
  ``Retry-After``: problem+json under /api/, a short page elsewhere, never a 500.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .events import request_id_var

PROBLEM_JSON = "application/problem+json"
# Seconds a client should wait before retrying when the database is busy: long writes (a bulk call, an
# import batch) are committed in short transactions, so the lock is free again within a few seconds.
BUSY_RETRY_AFTER = 5
logger = logging.getLogger(__name__)


def problem_response(
    request: HttpRequest, status: int, *, code: str, title: str, detail: str, kind: str | None = None
) -> HttpResponse:
    """An RFC 9457 problem response for answers given outside the API's own exception handlers."""
    response = JsonResponse(
        {"type": f"https://m2c.dev/problems/{kind or code}", "title": title, "status": status, "detail": detail,
         "code": code, "instance": request.path},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = PROBLEM_JSON
    return response


def is_database_busy(exc: BaseException | None) -> bool:
    """True for SQLite's lock errors (another connection holds the write lock past the busy timeout)."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the request changed nothing (its transaction rolled back) and may be retried."""
    if request.path.startswith("/api/"):
        response = problem_response(
            request, 503, code="database_busy", title=_("The service is busy"),
            detail=_("The database is busy with another change. Nothing was saved; try again in a few seconds."),
        )
    else:
        response = HttpResponse(render_to_string("core/busy.html", {"retry_after": BUSY_RETRY_AFTER}), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    """A view (or API handler) that meets a locked database answers 503 instead of an HTML 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
            return busy_response(request)
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or too many fields) is a 413, not a 400 page."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.views.defaults import bad_request as default_bad_request

    if isinstance(exception, RequestDataTooBig):
        status, code, title = 413, "request_too_large", _("Request too large")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        detail = _("The request body is larger than %(mb)s MB. Send less data per request (or upload a file).") % {
            "mb": f"{limit / 1024 / 1024:g}"}
    elif isinstance(exception, TooManyFieldsSent):
        status, code, title = 413, "too_many_fields", _("Request too large")
        detail = _("The request has too many fields.")
    elif request.path.startswith("/api/"):
        return problem_response(request, 400, code="bad_request", title=_("Bad request"),
                                detail=_("The request could not be read."))
    else:
        return default_bad_request(request, exception)
    if request.path.startswith("/api/"):
        return problem_response(request, status, code=code, title=title, detail=detail)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """handler500: a busy database met outside a view (saving the session, signing in) is a 503 too."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request)
    if request.path.startswith("/api/"):
        return problem_response(request, 500, code="server_error", title=_("Server error"),
                                detail=_("Something went wrong on our side. It has been logged."))
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming[:64] if incoming.isascii() and incoming else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-Id"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.M2C_CONTENT_SECURITY_POLICY`` to every response that has none (or only reports it,
    with ``M2C_CSP_REPORT_ONLY``). Scripts come only from our own static files (no inline code, no eval),
    so an injected ``<script>`` or ``onclick`` does not run. Pages that allow framing (the public lead
    form) drop ``frame-ancestors``, as they drop X-Frame-Options.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "M2C_CONTENT_SECURITY_POLICY", "")
        if not policy:
            return response
        header = "Content-Security-Policy-Report-Only" if getattr(settings, "M2C_CSP_REPORT_ONLY", False) \
            else "Content-Security-Policy"
        if header in response:
            return response
        if getattr(response, "xframe_options_exempt", False):
            policy = "; ".join(d for d in policy.split(";") if not d.strip().startswith("frame-ancestors"))
        response[header] = policy
        return response


class RefuseNulMiddleware:
    """A NUL character in the query string or a form field is refused with 400 before any view runs.

    PostgreSQL cannot store or compare text with NUL, so such a value would otherwise surface as a
    server error deep inside a query. JSON bodies are checked by the API's input schemas.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return self._refuse(request)
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
                return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        detail = _("Text cannot contain a NUL character.")
        if request.path.startswith("/api/"):
            return problem_response(request, 400, code="nul_character", kind="bad_request", title=_("Bad request"),
                                    detail=detail)
        return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
