"""HTTP details every app gets the same way."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def attachment_disposition(filename: str, *, ascii_name: str | None = None) -> str:
    """`Content-Disposition: attachment` that keeps a Korean file name (RFC 6266, RFC 5987).

    Browsers use `filename*` (UTF-8, percent-encoded); `filename` is the plain-ASCII fallback for
    the few clients that do not read it.
    """
    filename = unicodedata.normalize("NFC", filename).replace("/", "-").replace("\\", "-")
    fallback = ascii_name or _ascii_fallback(filename)
    fallback = fallback.replace('"', "").replace("\\", "")
    if filename == fallback:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_fallback(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "download"
    return f"{ascii_stem}.{ext}" if ext else ascii_stem
