"""Business refusals that escape a page view are shown as the matching error page, never as a 500.

Views catch the errors they expect and show them beside the form; this is the net for the rest (a
permission check deep inside a service, a record that vanished meanwhile). The API has its own
handlers (problem+json), so API paths are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from m2c.core.errors import DomainError

TEMPLATES = {403: "403.html", 404: "404.html"}


class DomainErrorPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        status = exception.status if exception.status in TEMPLATES else 400
        response = TemplateResponse(request, TEMPLATES.get(status, "400.html"),
                                    {"exception": exception.detail, "status": exception.status},
                                    status=exception.status if exception.status < 500 else 400)
        return response.render()
