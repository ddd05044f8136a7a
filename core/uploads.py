"""Reading uploaded spreadsheets safely, for every import (users, manuals, call data).

What a file is comes from its bytes, never from its name or the browser: PDFs, images, old Office
and HWP documents, archives, programs and binary junk are refused with a message that says what the
file is and what to upload instead, and a name that disagrees with the content (a text file renamed
.xlsx) is refused too. XLSX zips are checked from their directory before anything is inflated (zip
bombs); text is read as UTF-8 (with or without BOM), UTF-16 with a BOM, or CP949/EUC-KR. Rows are
streamed one at a time, and `RowLimit` stops reading as soon as a file has more rows than allowed,
so a huge file costs the rows up to the limit, not the whole file.

Two refusals: `FileRejected` (the file as a whole, one message) and `ImportRejected` (a list of
`RowError`s, one per bad line). Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.utils.translation import gettext as _

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
SNIFF_BYTES = 256 * 1024
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")

Source = Path | bytes


class FileRejected(Exception):
    """The file cannot be imported at all; the message says why, for the person who uploaded it.
    `line` is where reading stopped, when the problem has a place (None: the file as a whole)."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(message)


class TooManyRows(FileRejected):
    """More rows than the import allows; raised while reading, at the first row over the limit."""

    def __init__(self, limit: int, *, line: int | None = None):
        self.limit = limit
        super().__init__(
            _(
                "The file has more than %(limit)s rows, the most one import takes. Split it and upload the parts."
            )
            % {"limit": f"{limit:,}"},
            line=line,
        )


@dataclass
class RowError:
    """One problem on one line of a file (line 1 is the header row; None: the file as a whole)."""

    line: int | None
    message: str
    field: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.field:
            return _("line %(line)s: %(field)s: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The file had bad rows (or could not be read); nothing was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    @classmethod
    def from_file(cls, exc: FileRejected) -> ImportRejected:
        return cls([RowError(exc.line or 1, str(exc))])


# --- Size -----------------------------------------------------------------------------------------
def check_size(size: int, *, limit: int) -> None:
    """Refuse an empty file or one over `limit` bytes, before anything is read."""
    if size > limit:
        raise FileRejected(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it and upload the parts.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )
    if size == 0:
        raise FileRejected(_("The file is empty."))


# --- What the file is -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ZipLimits:
    max_total: int  # bytes once every part is inflated
    max_ratio: int = 200  # per part larger than 1 MB
    max_parts: int = 10_000


@dataclass
class Sniffed:
    kind: str  # "xlsx" | "text"
    encoding: str = ""  # for text


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_BINARIES = (
    b"MZ",  # Windows programs
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
)


def _not_a_spreadsheet(what: str) -> FileRejected:
    return FileRejected(
        _("This is %(what)s, not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file.")
        % {"what": what}
    )


def _ole(head: bytes) -> FileRejected:
    """An OLE2 compound file: an encrypted workbook, an old .xls, a Word .doc or an HWP document."""

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in head or name.encode() in head

    if has("EncryptedPackage"):
        return FileRejected(
            _(
                "This Excel file is password-protected (encrypted). Open it in Excel, remove the "
                "password (File → Info → Protect workbook), save and upload it again."
            )
        )
    if has("HwpSummaryInformation") or head.find(b"HWP Document File") >= 0:
        return _not_a_spreadsheet(_("a Hangul (HWP) document"))
    if has("WordDocument"):
        return _not_a_spreadsheet(_("a Word document (.doc)"))
    if has("PowerPoint Document"):
        return _not_a_spreadsheet(_("a PowerPoint presentation (.ppt)"))
    return FileRejected(
        _(
            "This is an old Excel 97–2003 file (.xls) or another old Office or HWP document. "
            "Save it as .xlsx or CSV and upload it again."
        )
    )


def check_workbook_zip(source: Source, limits: ZipLimits) -> None:
    """Refuse zips that are not workbooks, and zip bombs, from the zip directory alone."""
    try:
        with zipfile.ZipFile(_binary(source)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(_("The file looks like an Excel workbook but is damaged.")) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        if any(n.startswith("word/") for n in names):
            raise _not_a_spreadsheet(_("a Word document (.docx)"))
        if any(n.startswith("ppt/") for n in names):
            raise _not_a_spreadsheet(_("a PowerPoint presentation (.pptx)"))
        if any(n.startswith("Contents/") for n in names) or "mimetype" in names:
            raise _not_a_spreadsheet(_("a Hangul (HWPX) or OpenDocument file"))
        raise FileRejected(_("This is a zip file, not an Excel workbook (.xlsx) or CSV file."))
    if len(members) > limits.max_parts:
        raise FileRejected(_("The workbook has too many parts to be an export."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise FileRejected(
                _(
                    "The workbook expands %(ratio)s times when opened (part %(name)s): it looks like a zip "
                    "bomb and was not opened."
                )
                % {"ratio": int(ratio), "name": member.filename}
            )
    if total > limits.max_total:
        raise FileRejected(
            _("The workbook would take %(size)s MB once opened; the limit is %(limit)s MB.")
            % {"size": total // 1024 // 1024, "limit": limits.max_total // 1024 // 1024}
        )


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """utf-8-sig, utf-16, utf-8 or cp949, from the first bytes (`complete`: they are the whole file)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise _not_a_spreadsheet(_("a binary file"))
    for encoding in ("utf-8", "cp949"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRejected(
        _("The text is neither UTF-8 nor CP949 (EUC-KR): this does not look like a CSV export.")
    )


def _looks_binary(text: str) -> bool:
    """Text decoding by luck: control characters a CSV never holds (random bytes have many)."""
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\x0c") or ch == "\x7f")
    return controls > max(2, len(text) // 100)


def _check_text(head: bytes, encoding: str, complete: bool) -> None:
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError:
        raise FileRejected(
            _("The text is neither UTF-8 nor CP949 (EUC-KR): this does not look like a CSV export.")
        ) from None
    if _looks_binary(text):
        raise _not_a_spreadsheet(_("a binary file"))
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<svg")):
        raise _not_a_spreadsheet(_("a web page or XML document"))


def sniff(head: bytes, *, source: Source, complete: bool, zip_limits: ZipLimits) -> Sniffed:
    """What the file is, from its first bytes (and, for a zip, its directory). Raises FileRejected."""
    if head.startswith(b"%PDF-"):
        raise _not_a_spreadsheet(_("a PDF document"))
    for signature, label in _IMAGES:
        if head.startswith(signature):
            raise _not_a_spreadsheet(_("an image (%(type)s)") % {"type": label})
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise _not_a_spreadsheet(_("an image (%(type)s)") % {"type": "WebP"})
    if head.startswith(OLE2_SIGNATURE):
        raise _ole(head)
    if head.startswith(ZIP_SIGNATURE):
        check_workbook_zip(source, zip_limits)
        return Sniffed("xlsx")
    if head.startswith(_BINARIES):
        raise _not_a_spreadsheet(_("a program or a compressed archive"))
    encoding = detect_encoding(head, complete=complete)
    _check_text(head, encoding, complete)
    return Sniffed("text", encoding)


def check_name(name: str, kind: str, *, text_extensions: tuple[str, ...] = TEXT_EXTENSIONS) -> None:
    """The file's name must agree with its content: a text file renamed .xlsx is refused."""
    suffix = PurePath(name or "").suffix.lower()
    if kind == "xlsx" and suffix not in (*XLSX_EXTENSIONS, ""):
        raise FileRejected(
            _("The file is named %(suffix)s but is an Excel workbook: name it .xlsx and upload it again.")
            % {"suffix": suffix}
        )
    if kind == "text" and suffix in XLSX_EXTENSIONS:
        raise FileRejected(
            _(
                "The file is named %(suffix)s but holds plain text, not an Excel workbook. If it is a CSV "
                "export, name it .csv; otherwise open it in Excel and save it as .xlsx."
            )
            % {"suffix": suffix}
        )
    if kind == "text" and suffix not in (*text_extensions, ""):
        raise FileRejected(
            _("Files named %(suffix)s are not imported: use %(allowed)s.")
            % {"suffix": suffix, "allowed": ", ".join([*XLSX_EXTENSIONS[:1], *text_extensions])}
        )


def identify(
    source: Source,
    *,
    name: str,
    max_bytes: int,
    zip_limits: ZipLimits,
    text_extensions: tuple[str, ...] = TEXT_EXTENSIONS,
) -> Sniffed:
    """Size, content and name checks in one call: what the file is, or FileRejected saying why not."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    check_size(size, limit=max_bytes)
    if isinstance(source, bytes):
        head = source[:SNIFF_BYTES]
    else:
        with source.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    found = sniff(head, source=source, complete=size <= len(head), zip_limits=zip_limits)
    if found.kind == "text" and isinstance(source, bytes) and size > len(head):
        # a file held in memory is small: its encoding is decided on all of it
        found.encoding = detect_encoding(source, complete=True)
    check_name(name, found.kind, text_extensions=text_extensions)
    return found


def decode(data: bytes) -> str:
    """The whole text of a small upload (UTF-8 with or without BOM, UTF-16 with BOM, CP949)."""
    encoding = detect_encoding(data, complete=True)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRejected(
            _("The text is neither UTF-8 nor CP949 (EUC-KR): this does not look like a CSV export.")
        ) from None


# --- Reading rows ---------------------------------------------------------------------------------
class RowLimit:
    """Counts data rows as they are read and stops the import at the first one over `limit`."""

    def __init__(self, limit: int, *, line: int | None = None):
        self.limit = limit
        self.count = 0

    def take(self, line: int | None = None) -> None:
        self.count += 1
        if self.count > self.limit:
            raise TooManyRows(self.limit, line=line)


def _binary(source: Source):
    return io.BytesIO(source) if isinstance(source, bytes) else source


_decode_errors = 0


def _count_and_escape(error: UnicodeError) -> tuple[str | bytes, int]:
    # surrogateescape, and a count so a row parser only searches for surrogates once some exist
    global _decode_errors
    _decode_errors += 1
    return codecs.lookup_error("surrogateescape")(error)


codecs.register_error("uploads_surrogateescape", _count_and_escape)


def decode_error_count() -> int:
    """How many undecodable byte runs this process has met in lenient reads (only changes matter)."""
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


def sniff_delimiter(first_line: str) -> str:
    delimiter = max(",\t;|", key=first_line.count)
    return delimiter if first_line.count(delimiter) else ","


def iter_csv(
    source: Source, encoding: str, delimiter: str = ",", *, progress=None, lenient: bool = False
) -> Generator[tuple[int, list[str]], None, None]:
    """(line number, cells) for each CSV record, streamed.

    `lenient`: undecodable bytes become surrogates (see decode_error_count) so the caller can report
    the row as bad; otherwise they refuse the file, naming the line. `progress.bytes_read` follows
    the bytes consumed."""
    raw = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    with raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(
            io.BufferedReader(counter, 1024 * 1024),
            encoding=encoding,
            errors="uploads_surrogateescape" if lenient else "strict",
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
                % {"line": line + 1, "encoding": encoding.upper().replace("-SIG", "")},
                line=line + 1,
            ) from None
        except csv.Error as exc:
            raise FileRejected(
                _("Line %(line)s cannot be read as CSV (%(error)s).") % {"line": line + 1, "error": exc},
                line=line + 1,
            ) from None


@contextmanager
def open_workbook(source: Source):
    """The workbook, read-only. Opened from a file object, so the name on disk (ours, without an
    extension) does not matter to openpyxl."""
    import openpyxl

    fh = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    try:
        try:
            workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for damaged files
            raise FileRejected(
                _("The Excel workbook cannot be opened: it is damaged or not a workbook.")
            ) from None
        try:
            yield workbook
        finally:
            workbook.close()
    finally:
        fh.close()


def iter_xlsx(source: Source, *, max_row: int | None = None) -> Generator[tuple[Any, ...], None, None]:
    """Rows of the first worksheet as tuples of cell values. openpyxl read-only parses the sheet's
    XML as it is iterated, so a caller that stops early never parses the rest."""
    with open_workbook(source) as workbook:
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_row=max_row)


def xlsx_declared_rows(source: Source) -> int:
    """The number of rows the first sheet declares (its dimension), 0 when it does not say."""
    with open_workbook(source) as workbook:
        return workbook.worksheets[0].max_row or 0
