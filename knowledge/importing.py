"""Reading manual files (JSONL, CSV in UTF-8 or CP949, XLSX) into rows with their line numbers.

Only parsing lives here; checking and storing is services.articles_import.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

COLUMNS = ["client", "category", "title", "question", "answer", "steps", "cautions", "tags", "external_id"]
REQUIRED_COLUMNS = ["client", "title", "answer"]
MAX_ROWS = 20_000


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The file had bad rows; nothing was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


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


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([RowError(1, _("the file is neither UTF-8 nor CP949 text"))])


def parse_csv(data: bytes) -> list[tuple[int, dict]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([RowError(1, _("the file is empty"))]) from None
    _check_header(header)
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows.append((line, {header[i]: _cell(v) for i, v in enumerate(record) if i < len(header)}))
    return rows


def parse_jsonl(data: bytes) -> list[tuple[int, dict]]:
    text = _decode(data)
    rows, errors = [], []
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
        row = {
            str(k).strip().lower(): _cell(v) if not isinstance(v, list) else ", ".join(map(str, v))
            for k, v in obj.items()
        }
        rows.append((line, row))
    if errors:
        raise ImportRejected(errors)
    return rows


def _check_workbook_zip(data: bytes) -> None:
    """Refuse zip bombs from the zip directory alone, before openpyxl inflates anything."""
    limit = settings.KNOWLEDGE_IMPORT_MAX_UNCOMPRESSED
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportRejected([RowError(1, _("the file is not a readable XLSX workbook"))]) from None
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > 1024 * 1024 and m.file_size / max(m.compress_size, 1) > 200 for m in members)
    if bomb or total > limit:
        raise ImportRejected(
            [RowError(1, _("the workbook expands too much when opened (a zip bomb?); it was not opened"))]
        )


def parse_xlsx(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    _check_workbook_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportRejected([RowError(1, _("the file is not a readable XLSX workbook"))]) from None
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        try:
            header = [_cell(h).lower() for h in next(iterator)]
        except StopIteration:
            raise ImportRejected([RowError(1, _("the file is empty"))]) from None
        _check_header(header)
        rows = []
        for line, record in enumerate(iterator, start=2):
            if not any(_cell(v) for v in record):
                continue
            rows.append(
                (line, {header[i]: _cell(v) for i, v in enumerate(record) if i < len(header) and header[i]})
            )
        return rows
    finally:
        workbook.close()


def check_size(size: int) -> None:
    limit = settings.KNOWLEDGE_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRejected(
            [
                RowError(
                    1,
                    _("the file is %(size)s MB; the limit is %(limit)s MB")
                    % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)},
                )
            ]
        )


def parse_file(name: str, data: bytes) -> list[tuple[int, dict]]:
    check_size(len(data))
    lowered = (name or "").lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        rows = parse_jsonl(data)
    elif lowered.endswith(".csv"):
        rows = parse_csv(data)
    elif lowered.endswith(".xlsx"):
        rows = parse_xlsx(data)
    else:
        raise ImportRejected([RowError(1, _("unknown file type: use .jsonl, .csv or .xlsx"))])
    if not rows:
        raise ImportRejected([RowError(2, _("the file has no rows"))])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([RowError(1, _("too many rows (the limit is %(n)s)") % {"n": MAX_ROWS})])
    return rows
