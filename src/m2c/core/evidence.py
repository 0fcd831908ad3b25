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


# Marketing materials (the asset library) also come as slide decks and videos. An MP4 names its box type
# ``ftyp`` after a 4-byte length, so its signature is read at offset 4.
MEDIA_SIGNATURES: dict[str, tuple[bytes | tuple[int, bytes], ...]] = {
    "pptx": (b"PK\x03\x04",),
    "mp4": ((4, b"ftyp"),),
}


def _matches(head: bytes, signature: bytes | tuple[int, bytes]) -> bool:
    if isinstance(signature, tuple):
        offset, magic = signature
        return head[offset:offset + len(magic)] == magic
    return head.startswith(signature)


def check_upload(upload: UploadedFile | None, *, field: str,
                 extra_types: dict[str, tuple[bytes | tuple[int, bytes], ...]] | None = None,
                 max_bytes: int | None = None) -> None:
    """Refuse a file that is too large or is not a PDF, image, OFD or Office document (by name and content).

    ``extra_types`` admits more extensions with their signatures (``MEDIA_SIGNATURES`` for slides and
    videos), ``max_bytes`` another size limit, for callers that store more than evidence."""
    if upload is None:
        return
    limit = max_bytes or MAX_EVIDENCE_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(_("Files are limited to %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                               field=field, code="file_too_large")
    signatures = {**SIGNATURES, **(extra_types or {})}
    name = (upload.name or "").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in signatures:
        if extra_types:
            raise ValidationFailed(_("Upload a file of one of these types: %(types)s.")
                                   % {"types": ", ".join(sorted(t.upper() for t in signatures))},
                                   field=field, code="file_type")
        raise ValidationFailed(_("Upload a PDF, JPG, PNG, OFD, DOCX or XLSX file."), field=field, code="file_type")
    head = upload.read(16)
    upload.seek(0)
    if not any(_matches(head, sig) for sig in signatures[extension]):
        raise ValidationFailed(_("The file's content is not a %(ext)s file.") % {"ext": extension.upper()},
                               field=field, code="file_type")


def clean_name(upload: UploadedFile) -> str:
    """The uploaded file's own name without any path, at most 120 characters."""
    return (upload.name or "upload").rsplit("/", 1)[-1][-120:]
