"""What every contracts service shares: who may change a contract, and checking uploaded evidence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from m2c.core.errors import Conflict, PermissionDenied
from m2c.core.evidence import check_upload, clean_name  # noqa: F401  (the contracts services' evidence check)
from m2c.core.models import Role
from m2c.core.roles import Actor

from ..models import Contract
from ..selectors import contract_queryset

# Roles that work on the contracts they can see; owners and project managers always may.
WORKING_ROLES = (Role.AR, Role.FR, Role.FINANCE, Role.ADMINISTRATOR)
# Who may be named the delivery project's PM: someone who can open the contract page (not a partner's portal
# user nor a marketing user, who have no contract pages).
PM_ROLES = (Role.AR, Role.SR, Role.FR, Role.FINANCE, Role.DECISION_TEAM, Role.CHANNEL_MANAGER, Role.ADMINISTRATOR,
            Role.EXECUTIVE)


def may_manage_delivery(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*PM_ROLES))


def can_work_on(contract: Contract, user: Any) -> bool:
    if user is None:  # system processes: the won-deal reaction, demo data
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR):
        return True
    if user.pk in (contract.owner_id, getattr(getattr(contract, "delivery_project", None), "pm_id", None)):
        return True
    return user.has_role(*WORKING_ROLES) and contract_queryset(user).filter(pk=contract.pk).exists()


def require_work(contract: Contract, actor: Actor) -> None:
    if not contract_queryset(actor).filter(pk=contract.pk).exists() and actor is not None:
        from m2c.core.errors import NotFound

        raise NotFound()
    if not can_work_on(contract, actor):
        raise PermissionDenied(_("Only the contract's owner, its project manager, finance or an administrator can "
                                 "change it."))


def require_status(contract: Contract, allowed: tuple[str, ...], what: str) -> None:
    if contract.status not in allowed:
        raise Conflict(
            _("%(what)s is not possible while the contract is %(status)s.")
            % {"what": what, "status": contract.get_status_display()},
            code="contract_status",
        )
