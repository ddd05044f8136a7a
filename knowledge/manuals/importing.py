"""Reading manual files (JSONL, CSV in UTF-8 or CP949, XLSX) into rows with their line numbers.

Only parsing lives here; checking and storing is services.articles_import. The file checks (size,
type from the content, zip bombs, encodings) and the row errors are core.uploads; rows are read as
a stream and reading stops at the first row over MAX_ROWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from core import uploads
from core.uploads import FileRejected, ImportRejected, RowError, RowLimit

__all__ = ["COLUMNS", "MAX_ROWS", "ImportRejected", "RowError", "check_size", "parse_file"]

COLUMNS = ["client", "category", "title", "question", "answer", "steps", "cautions", "tags", "external_id"]
REQUIRED_COLUMNS = ["client", "title", "answer"]
MAX_ROWS = 20_000
JSON_EXTENSIONS = (".jsonl", ".ndjson", ".json")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportRejected([RowError(1, _("missing columns: %(cols)s") % {"cols": ", ".join(missing)})])


def _rejected(exc: FileRejected) -> ImportRejected:
    return ImportRejected.from_file(exc)


def _limited(rows: Iterator[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """The rows, read only up to the first one over MAX_ROWS."""
    limit = RowLimit(MAX_ROWS)
    out = []
    for row in rows:
        limit.take(row[0])
        out.append(row)
    return out


def _csv_rows(data: bytes, encoding: str) -> Iterator[tuple[int, dict]]:
    records = uploads.iter_csv(data, encoding)
    first = next(records, None)
    if first is None:
        raise ImportRejected([RowError(1, _("the file is empty"))])
    header = [h.strip().lower().lstrip("\ufeff") for h in first[1]]
    _check_header(header)
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        yield line, {header[i]: _cell(v) for i, v in enumerate(record) if i < len(header)}


def parse_csv(data: bytes, encoding: str = "") -> list[tuple[int, dict]]:
    try:
        return _limited(_csv_rows(data, encoding or uploads.detect_encoding(data, complete=True)))
    except FileRejected as exc:
        raise _rejected(exc) from None


def _jsonl_rows(data: bytes, encoding: str, errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    text = data.decode(encoding)
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(RowError(line, _("not valid JSON (%(error)s)") % {"error": exc.msg}))
            continue
        if not isinstance(obj, dict):
            errors.append(RowError(line, _("each line must be a JSON object")))
            continue
        yield (
            line,
            {
                str(k).strip().lower(): _cell(v) if not isinstance(v, list) else ", ".join(map(str, v))
                for k, v in obj.items()
            },
        )


def parse_jsonl(data: bytes, encoding: str = "") -> list[tuple[int, dict]]:
    errors: list[RowError] = []
    try:
        rows = _limited(_jsonl_rows(data, encoding or uploads.detect_encoding(data, complete=True), errors))
    except FileRejected as exc:
        raise _rejected(exc) from None
    except UnicodeDecodeError:
        raise ImportRejected([RowError(1, _("the file is neither UTF-8 nor CP949 text"))]) from None
    if errors:
        raise ImportRejected(errors)
    return rows


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, dict]]:
    rows = uploads.iter_xlsx(data)
    try:
        header = [_cell(h).lower() for h in next(rows)]
    except StopIteration:
        raise ImportRejected([RowError(1, _("the file is empty"))]) from None
    _check_header(header)
    for line, record in enumerate(rows, start=2):
        if not any(_cell(v) for v in record):
            continue
        yield line, {header[i]: _cell(v) for i, v in enumerate(record) if i < len(header) and header[i]}


def parse_xlsx(data: bytes) -> list[tuple[int, dict]]:
    try:
        uploads.check_workbook_zip(data, _zip_limits())
        return _limited(_xlsx_rows(data))
    except FileRejected as exc:
        raise _rejected(exc) from None


def _zip_limits() -> uploads.ZipLimits:
    return uploads.ZipLimits(max_total=settings.KNOWLEDGE_IMPORT_MAX_UNCOMPRESSED)


def check_size(size: int) -> None:
    try:
        uploads.check_size(size, limit=settings.KNOWLEDGE_IMPORT_MAX_BYTES)
    except FileRejected as exc:
        raise _rejected(exc) from None


def parse_file(name: str, data: bytes) -> list[tuple[int, dict]]:
    """Numbered rows of a manual file; ImportRejected for a file that is not one (decided by its
    content: a PDF named .csv or a text file named .xlsx is refused) or has more than MAX_ROWS rows."""
    suffix = PurePath((name or "").lower()).suffix
    if suffix not in (*JSON_EXTENSIONS, ".csv", ".xlsx"):
        raise ImportRejected([RowError(1, _("unknown file type: use .jsonl, .csv or .xlsx"))])
    try:
        found = uploads.identify(
            data,
            name=name,
            max_bytes=settings.KNOWLEDGE_IMPORT_MAX_BYTES,
            zip_limits=_zip_limits(),
            text_extensions=(".csv", *JSON_EXTENSIONS),
        )
    except FileRejected as exc:
        raise _rejected(exc) from None
    if found.kind == "xlsx":
        rows = parse_xlsx(data)
    elif suffix in JSON_EXTENSIONS:
        rows = parse_jsonl(data, found.encoding)
    else:
        rows = parse_csv(data, found.encoding)
    if not rows:
        raise ImportRejected([RowError(2, _("the file has no rows"))])
    return rows
