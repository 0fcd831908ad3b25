"""In-app notifications, also sent by email when the recipient has an address.

The email is an outbox row: ``email_pending`` is written with the notification, in the business
command's transaction, so a rolled-back command never mails anyone and a committed one is mailed even
if the app process dies a moment later. The worker's ``core.email_sweep`` sends what is pending; the
request that created it never waits for a mail server. When tasks run immediately (tests, a single
laptop process without a worker), the email is sent right after the commit instead.

A notification is read in the reader's language, not frozen in the sender's: callers pass
``message("New lead for you: %(title)s", title=lead.title)`` (the English source text as message id, and
its parameters) instead of a string already translated. The message id and parameters are stored and
translated each time the notification is shown (``display_title``/``display_body``) or mailed (in the
recipient's preferred language). Until the table has a column of its own for them, they travel in
``body`` behind a marker; ``title`` keeps the English text for the admin and for searches. Plain
strings are still accepted and shown as they were written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .bulk import insert_one
from .models import User

logger = logging.getLogger(__name__)

# Marks a body that holds the stored message ids and parameters (see the module docstring).
MESSAGE_MARK = "\x1em2c-message:"


@dataclass(frozen=True)
class Message:
    """A text kept as its message id and parameters, translated only when it is read."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {key: _render_param(value) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.render()

    def encode(self) -> dict[str, Any]:
        return {"m": self.msgid, "p": {key: _encode_param(value) for key, value in self.params.items()}}

    @classmethod
    def decode(cls, data: Any) -> Message | str:
        if isinstance(data, dict) and "m" in data:
            return cls(data["m"], {key: cls.decode(value) if isinstance(value, dict) else value
                                   for key, value in (data.get("p") or {}).items()})
        return data if isinstance(data, str) else str(data)


def message(msgid: Any, **params: Any) -> Message:
    """A notification text to translate when read.

    ``msgid`` is the English source text, marked so that makemessages extracts it:
    ``message(gettext_noop("New lead for you: %(title)s"), title=lead.title)`` (a ``gettext_lazy`` string
    works too). A parameter may be another message or a lazy label (``TeamRole(role).label``): it is
    translated in the reader's language as well.
    """
    if isinstance(msgid, Promise):
        args = getattr(msgid, "_args", ())
        msgid = args[0] if len(args) == 1 and isinstance(args[0], str) else str(msgid)
    return Message(gettext_noop(msgid), params)


def _encode_param(value: Any) -> Any:
    if isinstance(value, Message):
        return value.encode()
    if isinstance(value, Promise):
        # A lazy label such as a TextChoices label: keep its message id, not the sender's translation.
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"m": args[0], "p": {}}
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _render_param(value: Any) -> Any:
    return value.render() if isinstance(value, Message) else value


def _text(value: Any) -> str:
    """What a title or body says in the active language."""
    return value.render() if isinstance(value, Message) else str(value)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True, db_index=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_pending = models.BooleanField(_("email pending"), default=False)

    class Meta:
        app_label = "core"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["created_at"], name="notification_outbox_idx", condition=models.Q(email_pending=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def _stored(self) -> dict[str, Any] | None:
        if not self.body.startswith(MESSAGE_MARK):
            return None
        try:
            return json.loads(self.body[len(MESSAGE_MARK):])
        except ValueError:
            return None

    @property
    def display_title(self) -> str:
        """The title in the active language (the reader's, on a page; the recipient's, in an email)."""
        stored = self._stored()
        if stored is None or stored.get("title") is None:
            return self.title
        return _text(Message.decode(stored["title"]))[:200]

    @property
    def display_body(self) -> str:
        stored = self._stored()
        if stored is None:
            return self.body
        return _text(Message.decode(stored.get("body") or ""))


def _unsaved(recipient: User | None, *, title: str | Message, body: str | Message, url: str, kind: str,
             subject: models.Model | None, email: bool) -> Notification | None:
    """The notification row :func:`notify` writes for ``recipient`` (``None``: nobody to tell)."""
    if recipient is None or not recipient.is_active:
        return None
    mail = bool(email and recipient.email)
    # A lazy label (an abandon reason, a status) is a message id too: keep it, not its translation.
    title = message(title) if isinstance(title, Promise) else title
    body = message(body) if isinstance(body, Promise) else body
    stored_body = str(body)
    if isinstance(title, Message) or isinstance(body, Message):
        stored_body = MESSAGE_MARK + json.dumps(
            {"title": title.encode() if isinstance(title, Message) else str(title),
             "body": body.encode() if isinstance(body, Message) else str(body)}, ensure_ascii=False)
    with translation.override(settings.LANGUAGE_CODE):
        stored_title = _text(title)
    return Notification(
        recipient=recipient,
        title=stored_title[:200],
        body=stored_body,
        url=url,
        kind=kind,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        email_pending=mail,
    )


def _mail_after_commit(note: Notification) -> None:
    if note.email_pending and _send_inline():
        transaction.on_commit(lambda: _send_email(note.pk))


def notify(
    recipient: User | None,
    *,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    kind: str = "",
    subject: models.Model | None = None,
    email: bool = True,
) -> Notification | None:
    """Notify one user in the app and, after commit, by email. ``None`` recipients are ignored.

    ``title`` and ``body`` are best given as ``message(...)``: then each reader sees them in their own language.
    """
    note = _unsaved(recipient, title=title, body=body, url=url, kind=kind, subject=subject, email=email)
    if note is None:
        return None
    # The row ``note.save(force_insert=True)`` would write, through the prepared INSERT (a hot path:
    # every gate and stage command notifies someone).
    values = {f.attname: getattr(note, f.attname) for f in Notification._meta.concrete_fields if not f.primary_key}
    note = insert_one(Notification, values, recipient=recipient)
    _mail_after_commit(note)
    return note


def notify_many(
    recipients: Iterable[User | None],
    *,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    kind: str = "",
    subject: models.Model | None = None,
    email: bool = True,
) -> list[Notification]:
    """:func:`notify` for several users with one message: the same rows, in the same order, written with
    one INSERT (a stage move tells the whole team)."""
    notes = [n for n in (_unsaved(r, title=title, body=body, url=url, kind=kind, subject=subject, email=email)
                         for r in recipients) if n is not None]
    if notes:
        Notification.objects.bulk_create(notes)
        for note in notes:
            _mail_after_commit(note)
    return notes


def _send_inline() -> bool:
    return settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def send_pending_emails(limit: int = 500) -> int:
    """Send the pending emails, oldest first; returns how many were sent. Safe with several workers."""
    sent = 0
    with transaction.atomic():
        pending = Notification.objects.filter(email_pending=True).order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        for pk in list(pending.values_list("pk", flat=True)[:limit]):
            sent += _send_email(pk)
    return sent


def _send_email(notification_id: int) -> int:
    note = Notification.objects.select_related("recipient").filter(pk=notification_id, email_pending=True).first()
    if note is None:
        return 0
    language = note.recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text = note.display_title, note.display_body
    try:
        send_mail(
            subject=f"[m2c] {subject}",
            message=f"{text}\n\n{note.url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.recipient.email],
        )
    except OSError:
        # The in-app notification stands; a mail outage must not fail the business command.
        logger.warning("could not email notification %s", note.pk, exc_info=True)
        return 0
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now(), email_pending=False)
    return 1


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or those of ``ids``) read; returns how many.

    Only the recipient's own rows are touched. Reading a notification is not a business event, so no
    event is recorded: the read time on the row is its whole history.
    """
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notification_list(*, user: Any, unread: bool | None = None) -> models.QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another user's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs
