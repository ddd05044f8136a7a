"""core.uploads, through the three imports that use it (users, manuals, call data): every upload is
judged by its content, refused with a message saying what it is, and nothing is stored; every
import stops reading at its row limit instead of parsing the whole file first."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts import services as accounts_services
from accounts.models import User
from core import uploads
from core.uploads import FileRejected, ImportRejected, RowError
from knowledge.calls import services as calls_services
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus
from knowledge.manuals import importing
from knowledge.manuals import services as knowledge_services
from knowledge.models import Article

pytestmark = pytest.mark.django_db
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_inline(rows, *, header=("client", "title", "answer"), dimension: bool = True) -> bytes:
    """A minimal workbook written straight as XML (inline strings): fast for very many rows."""

    def cells(values):
        return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)

    body = [f"<row>{cells(header)}</row>", *(f"<row>{cells(r)}</row>" for r in rows)]
    dim = f'<dimension ref="A1:C{len(body)}"/>' if dimension else ""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
                'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                'Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0"?><worksheet xmlns="{ns}">{dim}<sheetData>'
                + "".join(body)
                + "</sheetData></worksheet>"
            ),
        }
    )


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    return buffer.getvalue()


CSV_TEXT = "상담번호,상담일시,문의내용\nC-1,2026-10-03 10:00,분실 신고\n".encode()
HOSTILE = [
    ("pdf", "export.csv", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", "a PDF document"),
    ("png", "export.csv", _png(), "an image (PNG)"),
    ("jpeg", "export.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x01" * 200, "an image (JPEG)"),
    ("docx", "export.xlsx", _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), ".docx"),
    ("hwp", "export.xlsx", OLE + b"\x00" * 504 + "HwpSummaryInformation".encode("utf-16-le"), "HWP"),
    ("xls", "export.xlsx", OLE + b"\x00" * 600, ".xls"),
    ("text renamed .xlsx", "export.xlsx", CSV_TEXT, "holds plain text"),
    ("junk", "export.csv", random.Random(7).randbytes(4096), "binary file"),
    ("control bytes", "export.csv", bytes(range(1, 32)) * 40, "binary file"),
]
IDS = [case[0] for case in HOSTILE]


@pytest.mark.parametrize(("label", "name", "data", "expected"), HOSTILE, ids=IDS)
def test_call_data_upload_refuses_by_content(as_user, org, label, name, data, expected):
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:calls_upload", args=[org["client_a"].slug]),
        {"file": SimpleUploadedFile(name, data)},
    )
    errors = " ".join(response.context["form"].errors["file"])
    assert expected in errors, errors
    assert not ImportJob.objects.exists() and not CallRecord.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "calls" / "uploads").glob("*"))


@pytest.mark.parametrize(("label", "name", "data", "expected"), HOSTILE, ids=IDS)
def test_manual_import_refuses_by_content(org, label, name, data, expected):
    with pytest.raises(ImportRejected) as exc:
        knowledge_services.articles_import(name=name, data=data, by=org["manager_a"])
    assert [e.line for e in exc.value.errors] == [1]
    assert expected in str(exc.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize(("label", "name", "data", "expected"), HOSTILE, ids=IDS)
def test_users_import_refuses_by_content(org, label, name, data, expected):
    before = User.objects.count()
    with pytest.raises(ImportRejected) as exc:
        accounts_services.users_import_csv(data=data, name=name)
    assert expected in str(exc.value)
    assert User.objects.count() == before


def test_the_refusal_is_in_korean_for_korean_users():
    with translation.override("ko"), pytest.raises(FileRejected) as exc:
        uploads.identify(
            b"%PDF-1.7\n", name="a.csv", max_bytes=1024, zip_limits=uploads.ZipLimits(max_total=1024)
        )
    assert "PDF" in str(exc.value) and any("가" <= ch <= "힣" for ch in str(exc.value))


def test_a_csv_and_a_workbook_under_their_own_names_are_accepted():
    limits = uploads.ZipLimits(max_total=10**8)
    assert uploads.identify(CSV_TEXT, name="x.csv", max_bytes=10**6, zip_limits=limits).encoding == "utf-8"
    cp949 = "이름,내용\n홍길동,분실\n".encode("cp949")
    assert uploads.identify(cp949, name="x.csv", max_bytes=10**6, zip_limits=limits).encoding == "cp949"
    book = xlsx_inline([("a", "b", "c")])
    assert uploads.identify(book, name="x.xlsx", max_bytes=10**6, zip_limits=limits).kind == "xlsx"


def test_row_errors_read_as_line_field_message():
    assert str(RowError(3, "required", field="title")) == "line 3: title: required"
    assert str(RowError(1, "the file is empty")) == "line 1: the file is empty"


# --- Streaming row limits ------------------------------------------------------------------------
@pytest.fixture
def rows_read(monkeypatch):
    """Counts the rows the parsers really hand out (openpyxl's XML rows, the csv module's records)."""
    count = {"n": 0}

    def counting(original):
        def wrapper(*args, **kwargs):
            for row in original(*args, **kwargs):
                count["n"] += 1
                yield row

        return wrapper

    monkeypatch.setattr(uploads, "iter_xlsx", counting(uploads.iter_xlsx))
    monkeypatch.setattr(uploads, "iter_csv", counting(uploads.iter_csv))
    return count


def test_a_huge_manual_workbook_is_refused_at_the_limit_without_reading_the_rest(org, rows_read):
    """The red-team file had 466k rows; this one has 3 × the limit. Reading stops at limit + 1."""
    total = importing.MAX_ROWS * 3
    data = xlsx_inline([("hanbit-card", f"제목 {i}", "답") for i in range(total)])
    with pytest.raises(ImportRejected) as exc:
        knowledge_services.articles_import(name="big.xlsx", data=data, by=org["manager_a"])
    assert "more than 20,000 rows" in str(exc.value)
    assert rows_read["n"] <= importing.MAX_ROWS + 2  # header + the rows up to the first one over
    assert not Article.objects.exists()


def test_a_huge_manual_csv_stops_at_the_limit(org, rows_read, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 50)
    data = ("client,title,answer\n" + "hanbit-card,제목,답\n" * 5000).encode()
    with pytest.raises(ImportRejected, match="more than 50 rows"):
        knowledge_services.articles_import(name="big.csv", data=data, by=org["manager_a"])
    assert rows_read["n"] <= 52


def test_a_huge_users_file_stops_at_the_limit(org, rows_read, monkeypatch):
    monkeypatch.setattr(accounts_services, "USERS_IMPORT_MAX_ROWS", 10)
    data = ("email,name,role\n" + "".join(f"u{i}@dasan.test,이름{i},agent\n" for i in range(3000))).encode()
    before = User.objects.count()
    with pytest.raises(ImportRejected, match="more than 10 rows"):
        accounts_services.users_import_csv(data=data)
    assert rows_read["n"] <= 12
    assert User.objects.count() == before


def test_a_huge_call_export_stops_at_the_limit_and_stores_nothing(client_a, tmp_path, settings, rows_read):
    settings.CALLS_IMPORT_MAX_ROWS = 100
    path = tmp_path / "calls.csv"
    path.write_text(
        "상담번호,상담일시,문의내용\n"
        + "".join(f"C-{i},2026-10-03 10:00,분실 신고 접수\n" for i in range(5000)),
        encoding="utf-8",
    )
    job = calls_services.import_file(client=client_a, path=path)
    assert job.status == ImportStatus.FAILED and "more than 100 rows" in job.message
    assert rows_read["n"] <= 100 + 3  # the header read by inspect and by the import, and one over
    assert not CallRecord.objects.exists()


def test_a_call_workbook_declaring_too_many_rows_is_refused_at_upload(as_user, org, settings):
    settings.CALLS_IMPORT_MAX_ROWS = 100
    header = ("상담번호", "상담일시", "문의내용")
    data = xlsx_inline([(f"C-{i}", "2026-10-03 10:00", "분실") for i in range(300)], header=header)
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:calls_upload", args=[org["client_a"].slug]),
        {"file": SimpleUploadedFile("calls.xlsx", data)},
    )
    assert "more than 100 rows" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_call_workbook_hiding_its_size_still_stops_at_the_limit(client_a, tmp_path, settings, rows_read):
    settings.CALLS_IMPORT_MAX_ROWS = 100
    header = ("상담번호", "상담일시", "문의내용")
    path = tmp_path / "calls.xlsx"
    rows = [(f"C-{i}", "2026-10-03 10:00", "분실") for i in range(3000)]
    path.write_bytes(xlsx_inline(rows, header=header, dimension=False))
    job = calls_services.import_file(client=client_a, path=path)
    assert job.status == ImportStatus.FAILED and "more than 100 rows" in job.message
    assert rows_read["n"] <= 100 + 3
    assert not CallRecord.objects.exists()


def test_the_stored_upload_has_a_name_the_server_chose(as_user, org):
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:calls_upload", args=[org["client_a"].slug]),
        {"file": SimpleUploadedFile("../../evil name.html.csv", CSV_TEXT)},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    stored = Path(job.file_path)
    assert stored.parent == Path(settings.MEDIA_ROOT) / "calls" / "uploads"
    assert len(stored.name) == 32 and stored.suffix == ""  # a random hex name, no user extension
    assert job.original_name.endswith(".csv")  # shown to the manager, never used on disk
