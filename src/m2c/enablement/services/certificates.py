"""Certificates: issued on passing an exam (or by an enablement manager for partner staff), renewed,
revoked, and moved to EXPIRING / EXPIRED by the worker's daily sweep; the SR-certification rule.

Validity: a certificate issued on day D for V days is valid from D to D + V − 1 inclusive. It is
EXPIRING from ``valid_to − notice days`` (the settings record, 90 by default, domain.md 12) and EXPIRED
from the day after ``valid_to``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, User
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor

from .. import events
from ..models import Attempt, Certificate, Exam
from ..selectors import config, has_valid_certificate, is_enablement_manager
from ..states import CERTIFICATE_MACHINE, LIVE, CertificateStatus, Level, SrRule, Track


def _url() -> str:
    try:
        return reverse("enablement:certificates")
    except NoReverseMatch:
        return ""


def _next_number(day: dt.date) -> str:
    prefix = f"CERT-{day.year}-"
    last = (Certificate.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    n = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def _moved(certificate: Certificate) -> dict[str, str]:
    return {"number": certificate.number, "valid_to": certificate.valid_to.isoformat()}


@transaction.atomic
def certificate_issue(
    *,
    actor: Actor,
    offering_line: OfferingLine,
    track: str,
    level: str,
    holder_user: User | None = None,
    holder_name: str = "",
    holder_email: str = "",
    partner_id: uuid.UUID | None = None,
    valid_from: dt.date | None = None,
    validity_days: int = 730,
    org_unit: OrgUnit | None = None,
    exam: Exam | None = None,
    attempt: Attempt | None = None,
    system: bool = False,
) -> Certificate:
    """Issue a certificate. A live one of the same holder, line, track and level becomes RENEWED.

    ``system=True`` is the exam path (the pass is the authority); otherwise only enablement managers issue.
    """
    if not system and not is_enablement_manager(actor):
        raise PermissionDenied(_("Only enablement managers issue certificates."))
    errors = FieldErrors()
    name = errors.text("holder_name", holder_name, max_length=120)
    if holder_user is None and not name:
        errors.add("holder_name", _("Name the holder: a user, or an external person of a partner."))
    if holder_user is None and partner_id is None:
        errors.add("partner_id", _("An external holder belongs to a partner."))
    if track not in Track.values:
        errors.add("track", _("Choose one of: %(v)s.") % {"v": ", ".join(Track.values)})
    if level not in Level.values:
        errors.add("level", _("Choose one of: %(v)s.") % {"v": ", ".join(Level.values)})
    if not 1 <= validity_days <= 3650:
        errors.add("validity_days", _("Between 1 and 3650 days."))
    errors.raise_if_any()
    start = valid_from or timezone.localdate()
    end = start + dt.timedelta(days=validity_days - 1)
    if partner_id is None and holder_user is not None:
        partner_id = getattr(holder_user, "partner_id", None)
    same = Certificate.objects.select_for_update().filter(offering_line=offering_line, track=track, level=level,
                                                          status__in=LIVE)
    same = same.filter(holder_user=holder_user) if holder_user is not None else same.filter(
        holder_user=None, partner_id=partner_id, holder_name=name)
    for attempt_no in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    number=_next_number(start), holder_user=holder_user, holder_name=name if holder_user is None else "",
                    holder_email=holder_email.strip()[:254], partner_id=partner_id,
                    org_unit=org_unit or (holder_user.org_unit if holder_user is not None else None),
                    offering_line=offering_line, track=track, level=level, valid_from=start, valid_to=end,
                    exam=exam, attempt=attempt, created_by=actor if getattr(actor, "is_authenticated", False) else None)
            break
        except IntegrityError:
            if attempt_no == 4:
                raise
    replaced = None
    for old in same.exclude(pk=certificate.pk):
        CERTIFICATE_MACHINE.apply(old, CertificateStatus.RENEWED, actor=actor, payload=_moved(old),
                                  reason=certificate.number)
        replaced = old.number
    core_events.record(events.CERTIFICATE_ISSUED, certificate, actor=actor, to_state=certificate.status, payload={
        "number": certificate.number, "holder": certificate.holder_label, "offering_line": offering_line.code,
        "track": track, "level": level, "valid_from": start.isoformat(), "valid_to": end.isoformat(),
        "attempt": str(attempt.pk) if attempt is not None else None, "replaces": replaced})
    if holder_user is not None:
        notify(holder_user, title=message(gettext_noop("Certificate %(number)s issued: %(line)s, %(level)s"),
                                          number=certificate.number, line=offering_line.name,
                                          level=Level(level).label),
               body=message(gettext_noop("Valid until %(date)s."), date=end.isoformat()),
               url=_url(), kind="enablement", subject=certificate)
    _refresh(certificate, timezone.localdate())
    return certificate


def certificate_issue_for_attempt(*, attempt: Attempt, actor: Actor) -> Certificate:
    """The certificate a passed attempt earns (called by ``attempt_submit``)."""
    exam = attempt.exam
    return certificate_issue(actor=actor, offering_line=exam.offering_line, track=exam.track, level=exam.level,
                             holder_user=attempt.user, validity_days=exam.validity_days, exam=exam, attempt=attempt,
                             valid_from=timezone.localdate(attempt.submitted_at or timezone.now()), system=True)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: Actor, reason: str) -> Certificate:
    """VALID | EXPIRING → REVOKED, with a reason (enablement managers). Valid until the day before today."""
    if not is_enablement_manager(actor):
        raise PermissionDenied(_("Only enablement managers revoke certificates."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the certificate is revoked."), field="reason")
    return CERTIFICATE_MACHINE.apply(certificate, CertificateStatus.REVOKED, actor=actor, reason=reason.strip(),
                                     payload=_moved(certificate),
                                     changes={"revoked_on": timezone.localdate(), "revoke_reason": reason.strip()})


def _refresh(certificate: Certificate, today: dt.date, notice_days: int | None = None) -> str | None:
    """Move one live certificate to where ``today`` puts it; returns the new status, if it moved."""
    days = config().expiry_notice_days if notice_days is None else notice_days
    if certificate.status not in LIVE:
        return None
    if today > certificate.valid_to:
        CERTIFICATE_MACHINE.apply(certificate, CertificateStatus.EXPIRED, payload=_moved(certificate))
        if certificate.holder_user_id:
            notify(certificate.holder_user, title=message(gettext_noop("Certificate %(number)s has expired"),
                                                          number=certificate.number),
                   url=_url(), kind="enablement", subject=certificate)
        return CertificateStatus.EXPIRED
    if certificate.status == CertificateStatus.VALID and today >= certificate.valid_to - dt.timedelta(days=days):
        CERTIFICATE_MACHINE.apply(certificate, CertificateStatus.EXPIRING, payload=_moved(certificate),
                                  changes={"reminded_at": timezone.now()})
        if certificate.holder_user_id:
            left = (certificate.valid_to - today).days
            notify(certificate.holder_user,
                   title=message(gettext_noop("Certificate %(number)s expires in %(days)s days"),
                                 number=certificate.number, days=left),
                   body=message(gettext_noop("Last valid day: %(date)s. Retake the exam to renew it."),
                                date=certificate.valid_to.isoformat()),
                   url=_url(), kind="enablement", subject=certificate)
        return CertificateStatus.EXPIRING
    return None


SWEEP_CHUNK = 200


def certificates_sweep(today: dt.date | None = None) -> dict[str, int]:
    """The daily sweep: live certificates past ``valid_to`` → EXPIRED; VALID ones inside the notice window
    → EXPIRING, their holders told. Idempotent: a certificate moves once per state."""
    day = today or timezone.localdate()
    notice = config().expiry_notice_days
    counts = {CertificateStatus.EXPIRED: 0, CertificateStatus.EXPIRING: 0}
    # Only what moves today: VALID ones inside the window, and live ones past their last day.
    due = list(Certificate.objects.filter(
        Q(status=CertificateStatus.VALID, valid_to__lte=day + dt.timedelta(days=notice))
        | Q(status__in=LIVE, valid_to__lt=day)).select_related("holder_user").order_by("valid_to", "pk"))
    # A few hundred per transaction: each move still locks its row and writes its event, but the commit (the
    # expensive part on SQLite) is shared; a failure rolls back only its chunk, which the next run retries.
    for start in range(0, len(due), SWEEP_CHUNK):
        with transaction.atomic():
            for certificate in due[start:start + SWEEP_CHUNK]:
                moved = _refresh(certificate, day, notice)
                if moved:
                    counts[moved] += 1
    return {"expired": counts[CertificateStatus.EXPIRED], "expiring": counts[CertificateStatus.EXPIRING]}


def sr_assignment_check(*, user: User, offering_line: Any, on_date: dt.date | None = None) -> str | None:
    """The SR-certification rule of domain.md 7.5, called by the opportunity team service.

    No offering line, rule off, or a certificate for the line valid on ``on_date`` (any track or level):
    ``None``. Otherwise, in warning mode the warning text; in hard-block mode 422 ``sr_not_certified``.
    """
    if offering_line is None:
        return None
    rule = config().sr_rule
    if rule == SrRule.OFF or has_valid_certificate(user, offering_line, on_date):
        return None
    text = _("%(user)s holds no valid certificate for %(line)s.") % {
        "user": user, "line": getattr(offering_line, "label", offering_line)}
    if rule == SrRule.BLOCK:
        raise ValidationFailed(text + " " + _("An SR needs one for the deal's offering line."),
                               code="sr_not_certified", field="user")
    return text
