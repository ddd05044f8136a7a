"""A call export on disk: what it is, its header row, and its rows as a stream.

The checks themselves (size, type from the content, zip bombs, encodings, row limit) are
core.uploads, shared by every import; this module applies the call-data limits and keeps the
facts a job needs (kind, encoding, delimiter, headers, declared rows).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core import uploads
from core.uploads import FileRejected, RowLimit, TooManyRows

__all__ = ["FileInfo", "FileRejected", "check_size", "inspect", "iter_rows", "preview"]


@dataclass
class FileInfo:
    kind: str  # csv | xlsx
    encoding: str = ""
    delimiter: str = ","
    size: int = 0
    headers: list[str] = field(default_factory=list)
    estimated_rows: int = 0


def max_bytes() -> int:
    return int(getattr(settings, "CALLS_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "CALLS_IMPORT_MAX_ROWS", 2_000_000))


def zip_limits() -> uploads.ZipLimits:
    return uploads.ZipLimits(
        max_total=int(getattr(settings, "CALLS_XLSX_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)),
        max_ratio=int(getattr(settings, "CALLS_XLSX_MAX_RATIO", 200)),
    )


def check_size(size: int) -> None:
    uploads.check_size(size, limit=max_bytes())


def inspect(path: Path, *, name: str | None = None) -> FileInfo:
    """What the file is and its header row. `name` is the name it was uploaded under (it must agree
    with the content); raises FileRejected for anything we will not read."""
    found = uploads.identify(
        path,
        name=path.name if name is None else name,
        max_bytes=max_bytes(),
        zip_limits=zip_limits(),
    )
    size = path.stat().st_size
    if found.kind == "xlsx":
        info = FileInfo(kind="xlsx", size=size)
        rows = uploads.iter_xlsx(path, max_row=1)
        info.headers = _header(next(rows, None))
        rows.close()
        info.estimated_rows = max(uploads.xlsx_declared_rows(path) - 1, 0)
        if info.estimated_rows > max_rows():
            raise TooManyRows(max_rows())
        return info
    with path.open("rb") as fh:
        head = fh.read(uploads.SNIFF_BYTES)
    text = head.decode(found.encoding, errors="ignore")
    first_line = text.splitlines()[0] if text else ""
    info = FileInfo(
        kind="csv", encoding=found.encoding, delimiter=uploads.sniff_delimiter(first_line), size=size
    )
    rows = iter_csv(path, info)
    first = next(rows, None)
    rows.close()
    info.headers = _header(first[1] if first else None)
    return info


def _header(row) -> list[str]:
    if not row:
        raise FileRejected(_("The file has no header row."), line=1)
    headers = ["" if v is None else str(v).strip().lstrip("\ufeff") for v in row]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileRejected(_("The first row is empty: it must hold the column names."), line=1)
    return headers


def iter_csv(path: Path, info: FileInfo, progress=None) -> Generator[tuple[int, list[str]], None, None]:
    # Undecodable bytes become surrogates; the row parser reports them as a bad row with its line.
    return uploads.iter_csv(path, info.encoding, info.delimiter, progress=progress, lenient=True)


def iter_rows(path: Path, info: FileInfo, progress=None) -> Iterator[tuple[int, list]]:
    """(line, cells) for every row after the header, whatever the file kind. Stops with
    TooManyRows at the first row over CALLS_IMPORT_MAX_ROWS (blank rows do not count)."""
    limit = RowLimit(max_rows())
    if info.kind == "xlsx":
        rows = uploads.iter_xlsx(path)
        next(rows, None)
        for index, row in enumerate(rows, start=2):
            if progress is not None:
                progress.rows_read = index - 1
            cells = list(row)
            if any(c is not None and c != "" for c in cells):
                limit.take(index)
            yield index, cells
    else:
        rows = iter_csv(path, info, progress)
        next(rows, None)
        for line, cells in rows:
            if any(cells):
                limit.take(line)
            yield line, cells


def preview(path: Path, info: FileInfo, limit: int = 8) -> list[list]:
    out = []
    for _line, row in iter_rows(path, info):
        if any(v not in (None, "") for v in row):
            out.append(row)
        if len(out) >= limit:
            break
    return out
