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
