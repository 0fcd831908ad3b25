"""Core commands: users and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .errors import DuplicateRecord, NotFound, PermissionDenied, ValidationFailed
from .models import ApiToken, OrgUnit, Role, User
from .roles import Actor
from .tokens import token_user

TOKEN_PREFIX = "m2c_"


def hash_token(clear: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe; a slow KDF would cost every API call.
    return hashlib.sha256(clear.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    roles: list[str] | tuple[str, ...] = (),
    org_unit: OrgUnit | None = None,
    is_superuser: bool = False,
    actor: Actor = None,
) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A username is required."), field="username")
    if User.objects.filter(username=username).exists():
        raise DuplicateRecord(_("The username “%(name)s” is taken.") % {"name": username}, field="username")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown role(s): %(roles)s.") % {"roles": ", ".join(unknown)}, field="roles"
        )
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        org_unit=org_unit,
        is_superuser=is_superuser,
        is_staff=is_superuser or Role.ADMINISTRATOR in roles,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if roles:
        groups = [Group.objects.get_or_create(name=r)[0] for r in roles]
        user.groups.set(groups)
    events.record(events.USER_CREATED, user, actor=actor, payload={"username": username, "roles": list(roles)})
    return user


@transaction.atomic
def token_create(*, user: User, name: str, actor: Actor = None) -> tuple[ApiToken, str]:
    """Create a personal token; returns the row and the clear token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name so you can recognise it later."), field="name")
    if len(name) > 100:
        raise ValidationFailed(_("The name is longer than 100 characters."), field="name")
    if actor is not None and actor != user and not actor.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied(_("You can only create tokens for yourself."))
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=clear[: len(TOKEN_PREFIX) + 6], key_hash=hash_token(clear))
    events.record(events.TOKEN_CREATED, token, actor=actor or user, payload={"name": name, "user": user.username})
    return token, clear


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor = None) -> ApiToken:
    if actor is not None and actor != token.user and not actor.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.record(events.TOKEN_REVOKED, token, actor=actor, payload={"name": token.name})
    return token


@transaction.atomic
def token_revoke_all(*, user: User, actor: Any = None, reason: str = "") -> int:
    """Revoke every active token of ``user`` (after a password change, or ``m2c token revoke --all``).

    Each revoked token gets its own event, with the reason. Returns how many were revoked.
    """
    if actor is not None and actor != user and not actor.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        events.record(events.TOKEN_REVOKED, token, actor=actor, payload={"name": token.name, "user": user.username},
                      reason=reason)
    return len(tokens)


def token_find(*, user: User, ref: str) -> ApiToken:
    """A token of ``user`` by id, prefix or name (for the CLI)."""
    tokens = ApiToken.objects.filter(user=user)
    for lookup in ("prefix", "name"):
        found = list(tokens.filter(**{lookup: ref})[:2])
        if len(found) == 1:
            return found[0]
    try:
        return tokens.get(pk=ref)
    except (ApiToken.DoesNotExist, ValueError, DjangoValidationError):
        raise NotFound(_("No token “%(ref)s” for %(user)s.") % {"ref": ref, "user": user.username}) from None


def token_authenticate(clear: str) -> User | None:
    if not clear or not clear.startswith(TOKEN_PREFIX):
        return None
    found = token_user(hash_token(clear))  # one statement: the token, its user and the user's roles
    if found is None:
        return None
    token_id, last_used_at, user = found
    if not user.is_active:
        return None
    now = timezone.now()
    # Write last_used_at at most once a minute: a token used 300 times a second must not write 300 rows.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        _touch_token(token_id, now)
    return user


def _touch_token(token_id: Any, now: Any) -> None:
    """Best effort: a read must never fail or wait because the token's last use could not be written.

    Outside the request's transaction (after it commits when there is one), with SQLite's busy wait cut
    to a few milliseconds; a busy database skips the write, and the next use a minute later tries again.
    """
    def write() -> None:
        try:
            with _short_busy_wait():
                ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        except OperationalError:
            pass

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(write)
    else:
        write()


@contextmanager
def _short_busy_wait(milliseconds: int = 50) -> Iterator[None]:
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        previous = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout={int(previous)}")


# --- shared helpers of every app's services ----------------------------------------------------------


def diff_value(value: Any) -> Any:
    """A value as an event payload keeps it: records by their name, amounts and dates as text."""
    if value is None:
        return None
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal | dt.date | dt.datetime | uuid.UUID):
        return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return value


def model_update(
    instance: Model,
    fields: Iterable[str],
    data: dict[str, Any],
    *,
    before_save: Callable[[dict[str, list[Any]]], None] | None = None,
    held: bool = False,
) -> dict[str, list[Any]]:
    """Apply ``data`` to the row of ``instance`` and return the diff ``{field: [old, new]}`` for the event.

    The row is locked (``select_for_update``) and re-read, so the old values are those being replaced
    and two concurrent edits apply one after the other. A field outside ``fields`` is refused, naming
    it, and nothing changes. Unchanged values are left out of the diff; with no change nothing is
    written. ``before_save(diff)`` may refuse the change (a permission that depends on which fields
    changed). A ``version`` column is bumped, ``updated_at`` kept current, and ``instance`` gets the
    new values. Call it inside the service's transaction, after validating the values.

    ``held=True`` says ``instance`` is the row the caller's transaction already locked and read: it is
    compared and written as it is, not locked and read again.
    """
    allowed = frozenset(fields)
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise ValidationFailed(
            "; ".join(f"{key}: {_('This field cannot be changed here.')}" for key in unknown),
            errors=[{"field": key, "reason": _("This field cannot be changed here.")} for key in unknown],
        )
    model = type(instance)
    if held and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("held=True needs the caller's transaction holding the row lock")
    row = model._default_manager.select_for_update().get(pk=instance.pk) if instance.pk and not held else instance
    diff: dict[str, list[Any]] = {}
    changed: list[str] = []
    for key, value in data.items():
        old = getattr(row, key)
        if old != value:
            diff[key] = [diff_value(old), diff_value(value)]
            changed.append(key)
    if not diff:
        return diff
    if before_save is not None:
        before_save(diff)
    for key in changed:
        setattr(row, key, data[key])
    names = {f.name for f in model._meta.concrete_fields}
    if "version" in names:
        row.version += 1
        changed.append("version")
    if "updated_at" in names:
        changed.append("updated_at")
    row.save(update_fields=changed)
    if row is not instance:
        for key in changed:
            setattr(instance, key, getattr(row, key))
    return diff


def rows_update(model: type[Model], objects: list[Model], fields: list[str]) -> int:
    """Write ``fields`` of many rows (already locked by the caller) with one prepared ``UPDATE … WHERE pk``
    sent for every row at once (``executemany``), instead of Django's ``bulk_update``, whose ``CASE WHEN``
    per row and field costs more to build than the database spends running it. Returns how many rows."""
    from django.db import connections, router

    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - quoted names of the model, values bound
        connection.ops.quote_name(meta.db_table),
        ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns),
        connection.ops.quote_name(meta.pk.column))
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
              + [meta.pk.get_db_prep_value(obj.pk, connection)] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objects)
