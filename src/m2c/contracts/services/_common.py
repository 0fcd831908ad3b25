"""What every contracts service shares: who may change a contract, and checking uploaded evidence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.roles import Actor

from ..models import Contract
from ..selectors import contract_queryset

# Roles that work on the contracts they can see; owners and project managers always may.
WORKING_ROLES = (Role.AR, Role.FR, Role.FINANCE, Role.ADMINISTRATOR)
MAX_EVIDENCE_BYTES = getattr(settings, "M2C_CONTRACT_FILE_MAX_BYTES", 20 * 1024 * 1024)
# Evidence and PO scans: PDF, images, OFD and Office files, recognised by their first bytes as well.
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "ofd": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


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


def check_upload(upload: UploadedFile | None, *, field: str) -> None:
    """Refuse a file that is too large or is not a PDF, image, OFD or Office document (by name and content)."""
    if upload is None:
        return
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(_("Files are limited to %(mb)d MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)},
                               field=field, code="file_too_large")
    name = (upload.name or "").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationFailed(_("Upload a PDF, JPG, PNG, OFD, DOCX or XLSX file."), field=field, code="file_type")
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[extension]):
        raise ValidationFailed(_("The file's content is not a %(ext)s file.") % {"ext": extension.upper()},
                               field=field, code="file_type")


def clean_name(upload: UploadedFile) -> str:
    return (upload.name or "upload").rsplit("/", 1)[-1][-120:]
