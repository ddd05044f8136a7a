"""Reading an uploaded call export safely: what kind of file it is, and its rows as a stream.

Every refusal is a FileRejected with a message a manager can act on. XLSX files are checked before
openpyxl opens them (encrypted workbooks, zip bombs); CSV encodings are detected (UTF-8, UTF-8
with BOM, CP949/EUC-KR). Readers yield rows one at a time so memory stays flat whatever the size.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
SNIFF_BYTES = 256 * 1024


class FileRejected(Exception):
    """The file cannot be imported at all; the message says why, for the manager."""


@dataclass
class FileInfo:
    kind: str  # csv | xlsx
    encoding: str = ""
    delimiter: str = ","
    size: int = 0
    headers: list[str] = field(default_factory=list)
    estimated_rows: int = 0


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_size(size: int) -> None:
    limit = _limit("CALLS_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
    if size > limit:
        raise FileRejected(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it by month and upload the parts.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )
    if size == 0:
        raise FileRejected(_("The file is empty."))


def inspect(path: Path) -> FileInfo:
    """What the file is and its header row. Raises FileRejected for anything we will not read."""
    size = path.stat().st_size
    check_size(size)
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(OLE2_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in head or b"EncryptedPackage" in head:
            raise FileRejected(
                _(
                    "This Excel file is password-protected (encrypted). Open it in Excel, remove the "
                    "password (File → Info → Protect workbook), save and upload it again."
                )
            )
        raise FileRejected(
            _("This is an old Excel 97–2003 file (.xls). Save it as .xlsx or CSV and upload it again.")
        )
    if head.startswith(ZIP_SIGNATURE):
        check_xlsx(path)
        info = FileInfo(kind="xlsx", size=size)
        header, info.estimated_rows = _xlsx_head(path)
        info.headers = _header(header)
        return info
    return _inspect_csv(path, head, size)


def check_xlsx(path: Path) -> None:
    """Refuse zips that are not workbooks and zip bombs, from the directory alone (nothing inflated)."""
    max_total = _limit("CALLS_XLSX_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)
    max_ratio = _limit("CALLS_XLSX_MAX_RATIO", 200)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRejected(_("The file looks like an Excel workbook but is damaged.")) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise FileRejected(_("This is a zip file, not an Excel workbook (.xlsx) or CSV file."))
    if len(members) > 10_000:
        raise FileRejected(_("The workbook has too many parts to be a call export."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > max_ratio:
            raise FileRejected(
                _(
                    "The workbook expands %(ratio)s times when opened (part %(name)s): it looks like a zip "
                    "bomb and was not opened."
                )
                % {"ratio": int(ratio), "name": member.filename}
            )
    if total > max_total:
        raise FileRejected(
            _("The workbook would take %(size)s MB once opened; the limit is %(limit)s MB.")
            % {"size": total // 1024 // 1024, "limit": max_total // 1024 // 1024}
        )


def _header(row) -> list[str]:
    if not row:
        raise FileRejected(_("The file has no header row."))
    headers = ["" if v is None else str(v).strip().lstrip("\ufeff") for v in row]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileRejected(_("The first row is empty: it must hold the column names."))
    return headers


def _detect_encoding(head: bytes, complete: bool) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise FileRejected(_("This is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file."))
    for encoding in ("utf-8", "cp949"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRejected(
        _("The text is neither UTF-8 nor CP949 (EUC-KR): this does not look like a CSV export.")
    )


def _inspect_csv(path: Path, head: bytes, size: int) -> FileInfo:
    encoding = _detect_encoding(head, complete=size <= len(head))
    text = head.decode(encoding, errors="ignore")
    first_line = text.splitlines()[0] if text else ""
    delimiter = max(",\t;|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    info = FileInfo(kind="csv", encoding=encoding, delimiter=delimiter, size=size)
    first = next(iter_csv(path, encoding, delimiter), None)
    info.headers = _header(first[1] if first else None)
    return info


_decode_errors = 0


def _count_and_escape(error: UnicodeDecodeError):
    # surrogateescape, and a count so the row parser only searches for surrogates once some exist
    global _decode_errors
    _decode_errors += 1
    return codecs.lookup_error("surrogateescape")(error)


codecs.register_error("calls_surrogateescape", _count_and_escape)


def decode_error_count() -> int:
    """How many undecodable byte runs this process has met so far (only changes matter)."""
    return _decode_errors


class _CountingReader(io.RawIOBase):
    """Counts the bytes read so progress can be reported for a streamed CSV."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


def iter_csv(path: Path, encoding: str, delimiter: str, progress=None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record. A decoding error names the line."""
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        # Undecodable bytes become surrogates; the row parser reports them as a bad row with its line.
        text = io.TextIOWrapper(
            io.BufferedReader(counter, 1024 * 1024),
            encoding=encoding,
            errors="calls_surrogateescape",
            newline="",
        )
        reader = csv.reader(text, delimiter=delimiter)
        line = 0
        try:
            for row in reader:
                line = reader.line_num
                if progress is not None:
                    progress.bytes_read = counter.count
                yield line, row
        except UnicodeDecodeError:
            raise FileRejected(
                _("Line %(line)s is not valid %(encoding)s text: the file mixes encodings or is damaged.")
                % {"line": line + 1, "encoding": encoding.upper().replace("-SIG", "")}
            ) from None
        except csv.Error as exc:
            raise FileRejected(
                _("Line %(line)s cannot be read as CSV (%(error)s).") % {"line": line + 1, "error": exc}
            ) from None


def _open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for damaged files
        raise FileRejected(
            _("The Excel workbook cannot be opened: it is damaged or not a workbook.")
        ) from None


def iter_xlsx(path: Path) -> Iterator[tuple]:
    """Rows of the first worksheet as tuples of cell values (openpyxl read-only: streamed)."""
    workbook = _open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _xlsx_head(path: Path) -> tuple[tuple | None, int]:
    """The header row and the number of data rows the sheet declares."""
    workbook = _open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(values_only=True, max_row=1), None)
        return header, max((sheet.max_row or 1) - 1, 0)
    finally:
        workbook.close()


def iter_rows(path: Path, info: FileInfo, progress=None) -> Iterator[tuple[int, list]]:
    """(line, cells) for every row after the header, whatever the file kind."""
    if info.kind == "xlsx":
        rows = iter_xlsx(path)
        next(rows, None)
        for index, row in enumerate(rows, start=2):
            if progress is not None:
                progress.rows_read = index - 1
            yield index, list(row)
    else:
        rows = iter_csv(path, info.encoding, info.delimiter, progress)
        next(rows, None)
        yield from rows


def preview(path: Path, info: FileInfo, limit: int = 8) -> list[list]:
    out = []
    for _line, row in iter_rows(path, info):
        if any(v not in (None, "") for v in row):
            out.append(row)
        if len(out) >= limit:
            break
    return out
