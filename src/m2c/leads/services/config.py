"""Lead rules (settings) and saved list views."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.roles import require_role
from m2c.core.services import model_update

from .. import capture, events, scoring
from ..models import (
    LeadSettings,
    SavedView,
)
from ..states import WORKING
from .common import WORK_ROLES


@transaction.atomic
def settings_update(*, actor: User | None, **changes: Any) -> LeadSettings:
    require_role(actor, Role.ADMINISTRATOR)
    config = capture.load_settings()
    allowed = {f.name for f in LeadSettings._meta.get_fields() if f.name not in ("id", "updated_at")}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if "weights" in changes:
        weights = changes["weights"]
        if set(weights) - set(scoring.DEFAULT_WEIGHTS) or any(int(v) < 0 for v in weights.values()):
            raise ValidationFailed(_("Weights are non-negative numbers for: %(d)s.") % {"d": ", ".join(scoring.DEFAULT_WEIGHTS)}, field="weights")
        if sum(int(v) for v in {**scoring.DEFAULT_WEIGHTS, **weights}.values()) != 100:
            raise ValidationFailed(_("The weights must add up to 100."), field="weights")
    warm = changes.get("warm_threshold", config.warm_threshold)
    hot = changes.get("hot_threshold", config.hot_threshold)
    if not 0 < warm < hot <= 100:
        raise ValidationFailed(_("Thresholds must satisfy 0 < warm < hot ≤ 100."), field="hot_threshold")
    diff = model_update(config, allowed, changes)
    if diff:
        core_events.record(events.SETTINGS_CHANGED, config, actor=actor, payload={"changes": diff})
    return config


@transaction.atomic
def saved_view_create(*, actor: User | None, name: str, query: str, shared: bool = False) -> SavedView:
    require_role(actor, *WORK_ROLES, Role.EXECUTIVE)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Give the view a name of at most 80 characters."), field="name")
    if len(query) > 1000:
        raise ValidationFailed(_("Too many filters."), field="query")
    view, _created = SavedView.objects.update_or_create(user=actor, name=name, defaults={"query": query, "shared": shared})
    return view


@transaction.atomic
def saved_view_delete(*, actor: User | None, view: SavedView) -> None:
    if view.user_id != actor.pk and not actor.sees_everything:
        raise PermissionDenied(_("You can only delete your own views."))
    view.delete()


WORKING_STATES = WORKING
