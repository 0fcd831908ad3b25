"""Domain errors with stable codes.

A service raises one of these; the API turns it into an RFC 9457 problem response and the web shows it
beside the form. The ``code`` is part of the public contract: clients branch on it, so never rename one.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every business-rule refusal. Subclasses fix the HTTP status and a default code."""

    status: int = 400
    code: str = "domain_error"
    title: Any = _("The request could not be carried out")

    def __init__(
        self,
        detail: Any = None,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = str(detail if detail is not None else self.title)
        if code:
            self.code = code
        self.field = field
        self.errors = list(errors or [])
        if field and not self.errors:
            self.errors = [{"field": field, "reason": self.detail}]
        self.extra = dict(extra or {})
        super().__init__(self.detail)

    def as_problem(self) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://m2c.dev/problems/{self.code}",
            "title": str(self.title),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors:
            problem["errors"] = [{k: str(v) for k, v in e.items()} for e in self.errors]
        problem.update(self.extra)
        return problem


class ValidationFailed(DomainError):
    """Input is well-formed but breaks a rule (422). Name the field and the reason."""

    status = 422
    code = "validation_failed"
    title = _("Some fields are not valid")


class FieldErrors:
    """Collects field errors so one response names every bad field at once, not only the first.

    ``add`` a reason per field, ``run`` a normaliser that may raise ``ValidationFailed`` (its errors are
    collected and ``None`` returned), then ``raise_if_any`` once all fields were looked at.
    """

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, reason: Any) -> None:
        self.items.append({"field": field, "reason": str(reason)})

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            self.items.extend(exc.errors or [{"field": exc.field or "", "reason": exc.detail}])
            return None

    def text(self, field: str, value: Any, *, required: Any = None, max_length: int | None = None) -> str:
        """``value`` as stripped text. ``required`` is the reason given when it is empty (None: may be
        empty); past ``max_length`` characters the field gets "At most N characters"."""
        text = str(value or "").strip()
        if required is not None and not text:
            self.add(field, required)
        elif max_length is not None and len(text) > max_length:
            self.add(field, _("At most %(n)s characters.") % {"n": max_length})
        return text

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            detail = "; ".join(f"{e['field']}: {e['reason']}" for e in self.items)
            raise ValidationFailed(detail, errors=self.items)


class BadRequest(DomainError):
    status = 400
    code = "bad_request"
    title = _("Bad request")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = _("Not found")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    title = _("You are not allowed to do this")


class Conflict(DomainError):
    """The request clashes with the current state of the data (409)."""

    status = 409
    code = "conflict"
    title = _("Conflict with the current state")


class InvalidTransition(Conflict):
    """A state change that the entity's transition table does not declare, or whose guard fails."""

    code = "invalid_transition"
    title = _("This status change is not allowed")


class DuplicateRecord(Conflict):
    code = "duplicate"
    title = _("This record already exists")


class CurrencyMismatch(ValidationFailed):
    code = "currency_mismatch"
    title = _("Amounts in different currencies cannot be combined")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    title = _("Too many requests")
