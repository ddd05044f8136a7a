"""Reading manual files (JSONL, CSV in UTF-8 or CP949, XLSX) into rows with their line numbers.

Only parsing lives here; checking and storing is services.articles_import.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

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


def parse_xlsx(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

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


def parse_file(name: str, data: bytes) -> list[tuple[int, dict]]:
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
