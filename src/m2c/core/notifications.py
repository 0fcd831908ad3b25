"""In-app notifications, also sent by email when the recipient has an address.

Email leaves only after the transaction commits, so a rolled-back command never mails anyone.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
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

    class Meta:
        app_label = "core"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

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
    note = Notification.objects.create(
        recipient=recipient,
        title=str(title)[:200],
        body=str(body),
        url=url,
        kind=kind,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
    )
    if email and recipient.email:
        transaction.on_commit(lambda: _send_email(note.pk))
    return note


def _send_email(notification_id: int) -> None:
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at:
        return
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
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
