"""Attachment checks: the type is decided by the file's content, not by its name or the browser."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", ("pdf",))
PNG = FileKind("PNG", "image/png", ("png",))
JPEG = FileKind("JPEG", "image/jpeg", ("jpg", "jpeg"))
GIF = FileKind("GIF", "image/gif", ("gif",))
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
PPTX = FileKind(
    "PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
)
OLE = FileKind("HWP/DOC/XLS", "application/octet-stream", ("hwp", "doc", "xls", "ppt"))
TEXT = FileKind("TXT", "text/plain", ("txt", "csv"))

IMAGES = (PNG, JPEG, GIF)

ALLOWED_EXTENSIONS = sorted(
    {e for k in (PDF, PNG, JPEG, GIF, XLSX, DOCX, PPTX, OLE, TEXT) for e in k.extensions}
)


def max_bytes() -> int:
    return getattr(settings, "KNOWLEDGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def _sniff(head: bytes, upload) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
        return None
    # Plain text: valid UTF-8 (or CP949), no NUL bytes, and nothing a browser would treat as markup.
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "cp949"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            # The head may cut a multi-byte character in half.
            try:
                text = head[:-3].decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    else:
        return None
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script")) or "<script" in lowered:
        return None
    return TEXT


def check_upload(upload) -> FileKind:
    """Raise ValidationError naming the problem; return the detected kind for a good file."""
    name = upload.name or ""
    if upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": round(upload.size / 1048576, 1),
                "limit": round(max_bytes() / 1048576, 1),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(4096)
    kind = _sniff(head, upload)
    upload.seek(0)
    if kind is None or extension not in kind.extensions:
        raise ValidationError(
            _("%(name)s: this type of file is not allowed (allowed: %(types)s).")
            % {"name": name, "types": ", ".join(ALLOWED_EXTENSIONS)}
        )
    return kind
