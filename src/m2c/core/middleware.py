"""Request-scoped context: a request id that every event written during the request carries."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .events import request_id_var


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
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        detail = _("Text cannot contain a NUL character.")
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"type": "https://m2c.dev/problems/bad_request", "title": _("Bad request"), "status": 400,
                 "detail": detail, "code": "nul_character", "instance": request.path},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Content-Type"] = "application/problem+json"
            return response
        return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
