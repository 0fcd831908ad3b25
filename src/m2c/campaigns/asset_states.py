"""The marketing asset life cycle as data (issue 11 item 6): draft → in review → published → expired or
retired, every move through ``ASSET_MACHINE.apply`` (``core.state_machine``) with its event.

An asset goes to review only with a file; it is published only with a review-due date still ahead; the
worker expires a published asset whose review is overdue (``services.asset_expiry_sweep``), and a
re-review publishes it again with a new date. Retired is the end: the asset stays readable as history.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events
from .models.assets import AssetStatus

A = AssetStatus
EDITORS = (Role.MARKETING,)
TERMINAL = frozenset({A.RETIRED})
# Statuses a campaign may still start using an asset in.
LINKABLE = frozenset({A.DRAFT, A.IN_REVIEW, A.PUBLISHED})


def _has_file(asset: Any, context: dict[str, Any]) -> None:
    if not asset.current_version:
        raise ValidationFailed(_("Upload the asset's file first."), field="file", code="asset_without_file")


def _review_ahead(asset: Any, context: dict[str, Any]) -> None:
    today = context.get("today") or timezone.localdate()
    if asset.review_due <= today:
        raise ValidationFailed(_("The review-due date %(d)s has passed: set a later one to publish.")
                               % {"d": asset.review_due}, field="review_due", code="asset_review_due")


def _review_overdue(asset: Any, context: dict[str, Any]) -> None:
    today = context.get("today") or timezone.localdate()
    if asset.review_due >= today:
        raise ValidationFailed(_("The asset's review is due on %(d)s.") % {"d": asset.review_due},
                               field="review_due", code="asset_not_overdue")


def _reason(asset: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


ASSET_MACHINE = StateMachine(
    name=gettext_lazy("Marketing asset"),  # type: ignore[arg-type]
    transitions=[
        t([A.DRAFT, A.EXPIRED], A.IN_REVIEW, guards=[_has_file], roles=EDITORS, event=events.ASSET_SUBMITTED),
        t(A.IN_REVIEW, A.DRAFT, guards=[_reason], roles=EDITORS, event=events.ASSET_RETURNED),
        t([A.IN_REVIEW, A.EXPIRED], A.PUBLISHED, guards=[_has_file, _review_ahead], roles=EDITORS,
          event=events.ASSET_PUBLISHED),
        t(A.PUBLISHED, A.EXPIRED, guards=[_review_overdue], event=events.ASSET_EXPIRED),
        t([A.DRAFT, A.IN_REVIEW, A.PUBLISHED, A.EXPIRED], A.RETIRED, guards=[_reason], roles=EDITORS,
          event=events.ASSET_RETIRED),
    ],
    terminal=TERMINAL,
    labels=dict(A.choices),
)
