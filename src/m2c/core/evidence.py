"""Evidence files (PO scans, acceptance certificates, expense receipts): one check for every app.

A file is refused before it is stored when it is too large or is not a PDF, image, OFD or Office
document, by its name and by its first bytes. Stored through Django's storage API by the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ValidationFailed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

MAX_EVIDENCE_BYTES = getattr(settings, "M2C_CONTRACT_FILE_MAX_BYTES", 20 * 1024 * 1024)
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "ofd": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


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
    """The uploaded file's own name without any path, at most 120 characters."""
    return (upload.name or "upload").rsplit("/", 1)[-1][-120:]
