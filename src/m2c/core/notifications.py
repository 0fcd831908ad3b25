"""In-app notifications, also sent by email when the recipient has an address.

The email is an outbox row: ``email_pending`` is written with the notification, in the business
command's transaction, so a rolled-back command never mails anyone and a committed one is mailed even
if the app process dies a moment later. The worker's ``core.email_sweep`` sends what is pending; the
request that created it never waits for a mail server. When tasks run immediately (tests, a single
laptop process without a worker), the email is sent right after the commit instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import User

logger = logging.getLogger(__name__)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(_("title"), max_length=200)
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


def notify(
    recipient: User | None,
    *,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    subject: models.Model | None = None,
    email: bool = True,
) -> Notification | None:
    """Notify one user in the app and, after commit, by email. ``None`` recipients are ignored."""
    if recipient is None or not recipient.is_active:
        return None
    mail = bool(email and recipient.email)
    note = Notification.objects.create(
        recipient=recipient,
        title=str(title)[:200],
        body=str(body),
        url=url,
        kind=kind,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        email_pending=mail,
    )
    if mail and _send_inline():
        transaction.on_commit(lambda: _send_email(note.pk))
    return note


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
    try:
        send_mail(
            subject=f"[m2c] {note.title}",
            message=f"{note.body}\n\n{note.url}".strip(),
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
