"""Notification emails leave through an outbox: written with the command, sent by the worker."""

from django.core import mail
from django.db import transaction
from django.test import override_settings

from m2c.core import tasks
from m2c.core.notifications import Notification, message, notify, notify_many, send_pending_emails

from ..factories import UserFactory

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=QUEUED)
def test_with_a_worker_the_request_queues_and_the_sweep_sends_once(db, django_capture_on_commit_callbacks):
    user = UserFactory(email="ar@example.com")
    silent = UserFactory(email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(user, title="Lead assigned", body="申江大学", url="/leads/mine/")
        notify(silent, title="No address")
        notify(user, title="In the app only", email=False)
    assert mail.outbox == []
    assert list(Notification.objects.filter(email_pending=True).values_list("pk", flat=True)) == [note.pk]

    assert tasks.email_sweep() == 1
    assert [m.to for m in mail.outbox] == [["ar@example.com"]]
    assert mail.outbox[0].subject == "[m2c] Lead assigned" and "申江大学" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.emailed_at is not None and not note.email_pending
    assert send_pending_emails() == 0 and len(mail.outbox) == 1


@override_settings(TASKS=QUEUED)
def test_a_rolled_back_command_mails_nobody(db):
    user = UserFactory(email="ar@example.com")
    mail.outbox.clear()
    try:
        with transaction.atomic():
            notify(user, title="never")
            raise RuntimeError("the command failed")
    except RuntimeError:
        pass
    assert send_pending_emails() == 0 and mail.outbox == []


@override_settings(TASKS=QUEUED, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                   EMAIL_PORT=9, EMAIL_TIMEOUT=2)
def test_a_mail_outage_keeps_the_email_pending_for_the_next_sweep(db):
    user = UserFactory(email="ar@example.com")
    note = notify(user, title="Lead assigned")
    assert send_pending_emails() == 0  # port 9 on 127.0.0.1 refuses the connection
    note.refresh_from_db()
    assert note.email_pending and note.emailed_at is None


def test_notify_many_writes_what_notify_writes_one_by_one(db):
    people = [UserFactory(username=f"nm.{i}", email=f"nm{i}@example.com" if i else "") for i in range(3)]
    people.append(UserFactory(username="nm.gone", is_active=False))
    title = message("Won: %(name)s", name="申江大学")

    def rows(notes):
        return [(n.recipient_id, n.title, n.body, n.url, n.kind, n.subject_type, n.subject_id, n.email_pending)
                for n in notes]

    one_by_one = [n for n in (notify(p, title=title, body="正文", url="/x/", kind="k", subject=people[0])
                              for p in [*people, None]) if n is not None]
    Notification.objects.all().delete()
    many = notify_many([*people, None], title=title, body="正文", url="/x/", kind="k", subject=people[0])
    assert rows(many) == rows(one_by_one) and len(many) == 3
    stored = list(Notification.objects.order_by("id"))
    assert rows(stored) == rows(one_by_one) and all(n.pk for n in many)
    assert [n.email_pending for n in stored] == [False, True, True]
