"""The single NinjaAPI under /api/v1: authentication, problem responses, one router per app."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from m2c.core.errors import DomainError
from m2c.core.services import token_authenticate

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger(__name__)


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods need the CSRF token as for any Django form."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: not authenticated (401), rather than a confusing CSRF failure (403).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class TokenAuth(HttpBearer):
    """``Authorization: Bearer m2c_…``: a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Renderer(JSONRenderer):
    # Chinese text as UTF-8, not \\uXXXX escapes: half the bytes and readable in logs.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Renderer(),
    title="m2c API",
    version="1",
    description="Market to cash: customers, leads, opportunities and the rest of the MTL/LTC chain.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def problem(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    body.setdefault("status", status)
    body.setdefault("instance", request.path)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_JSON
    return response


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem(request, exc.status, exc.as_problem())


def _field_of(loc: list[Any]) -> str:
    # ninja locations look like ["body", "payload", "legal_name"] or ["query", "page"].
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header", "form")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _field_of(list(e.get("loc", []))), "reason": str(e.get("msg", ""))} for e in exc.errors]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors) or _("The request is not valid.")
    return problem(
        request,
        422,
        {
            "type": "https://m2c.dev/problems/validation_failed",
            "title": _("Some fields are not valid"),
            "detail": detail,
            "code": "validation_failed",
            "errors": errors,
        },
    )


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The input passed validation but the database cannot hold it (a value out of range, an
    # encoding it refuses). Nothing was written: the request's transaction rolled back.
    logger.warning("database refused a value on %s: %s", request.path, exc)
    return problem(
        request,
        422,
        {
            "type": "https://m2c.dev/problems/value_not_storable",
            "title": _("Some fields are not valid"),
            "detail": _("A value in the request cannot be stored."),
            "code": "value_not_storable",
        },
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request,
        401,
        {
            "type": "https://m2c.dev/problems/not_authenticated",
            "title": _("Authentication required"),
            "detail": _("Send a session cookie or an Authorization: Bearer token."),
            "code": "not_authenticated",
        },
    )
    # RFC 6750: a 401 names the scheme; a token that was sent but is not valid (revoked, unknown) says so.
    sent = request.headers.get("Authorization", "").lower().startswith("bearer ")
    response["WWW-Authenticate"] = 'Bearer realm="m2c"' + (', error="invalid_token"' if sent else "")
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(
        request,
        404,
        {"type": "https://m2c.dev/problems/not_found", "title": _("Not found"), "detail": str(exc) or _("Not found"), "code": "not_found"},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(
        request,
        exc.status_code,
        {"type": "about:blank", "title": str(exc.message), "detail": str(exc.message), "code": f"http_{exc.status_code}"},
    )


def _register_routers() -> None:
    from m2c.billing.api import router as billing_router
    from m2c.campaigns.api import router as campaigns_router
    from m2c.campaigns.api_responses import router as responses_router
    from m2c.contracts.api import router as contracts_router
    from m2c.core.api import router as core_router
    from m2c.customers.api import router as customers_router
    from m2c.enablement.api import router as enablement_router
    from m2c.insight.api import router as insight_router
    from m2c.leads.api import router as leads_router
    from m2c.opportunities.api import router as opportunities_router
    from m2c.partners.api import router as partners_router

    api.add_router("/", core_router)
    api.add_router("/", customers_router)
    api.add_router("/", insight_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", responses_router)
    api.add_router("/", leads_router)
    api.add_router("/", opportunities_router)
    api.add_router("/", contracts_router)
    api.add_router("/", billing_router)
    api.add_router("/", enablement_router)
    from m2c.enablement.api_authoring import router as enablement_authoring_router

    api.add_router("/", enablement_authoring_router)
    api.add_router("/", partners_router)
    from m2c.partners.api_channel import router as channel_router

    api.add_router("/", channel_router)


_register_routers()
