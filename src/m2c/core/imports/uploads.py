"""Receiving an upload: role, size and content checked before anything is written; files kept private.

``receive`` refuses (with :class:`FileRefused` or ``PermissionDenied``) before storing: the caller's
role, the size cap of the upload type (``M2C_IMPORT_MAX_BYTES``), the kind read from the first bytes
(CSV text, XLSX, XLS; never the name), and for a workbook its zip directory (zip bombs, fake zips).
The stored file is created 0600 in a 0700 folder and deleted by ``discard`` when the job is finished
or refused.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.roles import require_role

from .files import XLSX, FileRefused, check_workbook, sniff

DEFAULT_MAX_BYTES = {"leads": 100 * 1024 * 1024, "customers": 50 * 1024 * 1024,
                     "opportunities": 50 * 1024 * 1024, "org": 5 * 1024 * 1024}


def max_bytes(kind: str) -> int:
    """The size cap of an upload type; ``*`` is the largest of them (the cap of any multipart body)."""
    limits = {**DEFAULT_MAX_BYTES, **getattr(settings, "M2C_IMPORT_MAX_BYTES", {})}
    if kind == "*":
        return int(max(limits.values()))
    return int(limits.get(kind, 20 * 1024 * 1024))


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


@dataclass
class Stored:
    path: Path
    name: str
    sha256: str
    size: int
    kind: str


def check_stream(handle: IO[bytes], size: int, *, kind: str) -> str:
    """The checks that need no stored copy: size, kind by content, workbook directory. Returns the file kind."""
    limit = max_bytes(kind)
    if size > limit:
        raise FileRefused(_("The file is %(size)d MB; files of this kind may have at most %(max)d MB.")
                          % {"size": -(-size // (1024 * 1024)), "max": limit // (1024 * 1024)}, field="file")
    handle.seek(0)
    head = handle.read(64 * 1024)
    file_kind = sniff(head)
    if file_kind == XLSX:
        handle.seek(0)
        check_workbook(handle)
    handle.seek(0)
    return file_kind


def receive(upload: Any, *, kind: str, actor: Any, roles: tuple[str, ...]) -> Stored:
    """Check and store a Django ``UploadedFile`` for an import of ``kind``."""
    require_role(actor, *roles)
    file_kind = check_stream(upload, upload.size, kind=kind)
    safe = "".join(ch for ch in Path(upload.name or "").name if ch.isalnum() or ch in "._-") or "upload"
    owner = getattr(getattr(actor, "pk", None), "hex", "system")[:8]
    path = folder() / f"{timezone.now():%Y%m%d%H%M%S%f}-{owner}-{safe[-80:]}"
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > max_bytes(kind):
                    raise FileRefused(_("The file is larger than allowed."), field="file")
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        discard(path)
        raise
    return Stored(path, Path(upload.name or "upload").name[:255], digest.hexdigest(), size, file_kind)


def check_path(path: Path, *, kind: str) -> str:
    """The same checks for a file given on the command line."""
    with open(path, "rb") as handle:
        return check_stream(handle, path.stat().st_size, kind=kind)


def discard(path: str | Path | None) -> None:
    """Delete a stored upload (refused, or its job finished); only files inside the imports folder."""
    if not path:
        return
    target = Path(path)
    try:
        if target.resolve().parent == folder().resolve():
            target.unlink(missing_ok=True)
    except OSError:
        pass


class LimitedUpload:
    """An upload handler put first on ``request.upload_handlers``: a file over the cap is skipped while it
    streams in (nothing of it is kept), and ``request.upload_refused`` says why."""

    def __new__(cls, request: Any, *, kind: str) -> Any:
        from django.core.files.uploadhandler import FileUploadHandler, SkipFile

        limit = max_bytes(kind)

        class _Handler(FileUploadHandler):
            received = 0

            def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,  # noqa: N803
                                 encoding: Any = None) -> None:
                if content_length and content_length > limit + 64 * 1024:
                    request.upload_refused = True

            def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
                self.received = start + len(raw_data)
                if getattr(request, "upload_refused", False) or self.received > limit:
                    request.upload_refused = True
                    raise SkipFile
                return raw_data

            def file_complete(self, file_size: int) -> None:
                return None

        return _Handler(request)


def guard_request(request: Any, *, kind: str) -> None:
    """Before the request body is read: install the size-capped handler (call in a csrf_exempt view).

    When a middleware has already read the body, ``UploadLimitMiddleware`` capped it; the view's own
    check of ``upload.size`` then applies the cap of this kind.
    """
    if hasattr(request, "_files"):
        return
    request.upload_refused = False
    request.upload_handlers.insert(0, LimitedUpload(request, kind=kind))


class UploadLimitMiddleware:
    """Caps every multipart body at the largest import cap while it streams in (before any middleware
    reads the form), so an oversized upload is dropped instead of being spooled to disk."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.method == "POST" and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            request.upload_refused = False
            request.upload_handlers.insert(0, LimitedUpload(request, kind="*"))
        return self.get_response(request)


def refusal_message(kind: str) -> str:
    return _("The file is larger than %(max)d MB, the limit for this import.") % {"max": max_bytes(kind) // (1024 * 1024)}
