"""Hostile files across the apps: size caps, type from content, zip bombs, formula injection in
every export, uploads kept outside the web root and never rendered as HTML."""

from __future__ import annotations

import csv
import io
import zipfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from bookclub.models import Book
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus
from knowledge.models import Article, Attachment
from tests.knowledge.factories import published_article

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def zip_bomb(tmp_path: Path | None = None) -> bytes:
    """A workbook-shaped zip whose sheet inflates from ~20 KB to 20 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    return buffer.getvalue()


def png(size=(60, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- Manual import (knowledge:import) -------------------------------------------------------------
def test_manual_import_refuses_a_zip_bomb_and_stores_nothing(as_user, org):
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:import"), {"file": SimpleUploadedFile("manual.xlsx", zip_bomb())}
    )
    assert "zip bomb" in response.content.decode()
    assert not Article.objects.exists()


def test_manual_import_refuses_an_oversized_file_before_reading_it(as_user, org, settings):
    settings.KNOWLEDGE_IMPORT_MAX_BYTES = 1024
    rows = "client,title,answer\n" + "hanbit-card,제목,답변\n" * 200
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:import"), {"file": SimpleUploadedFile("manual.csv", rows.encode())}
    )
    assert "the limit is 0.0 MB" in response.content.decode()
    assert not Article.objects.exists()


# --- Call imports ---------------------------------------------------------------------------------
def _upload_calls(client, org, name, data):
    return client.post(
        reverse("knowledge:calls_upload", args=[org["client_a"].slug]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("calls.xlsx", zip_bomb(), "zip bomb"),
        ("calls.xlsx", b"MZ\x90\x00 not a workbook at all", ""),
        ("calls.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ""),
        ("calls.csv", b"", ""),
    ],
)
def test_call_import_refuses_hostile_files_and_stores_nothing(as_user, org, name, data, message):
    response = _upload_calls(as_user(org["manager_a"]), org, name, data)
    assert response.status_code == HTTPStatus.OK  # the form again, with the reason
    errors = " ".join(response.context["form"].errors["file"])
    assert errors and message in errors
    assert not ImportJob.objects.exists() and not CallRecord.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "calls" / "uploads").glob("*"))  # nothing left on disk


def test_call_import_size_cap(as_user, org, settings):
    settings.CALLS_IMPORT_MAX_BYTES = 50
    response = _upload_calls(as_user(org["manager_a"]), org, "calls.csv", "상담번호,상담일시\n".encode() * 20)
    assert "the limit is" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_bad_rows_file_neutralises_formulas(org, tmp_path):
    from knowledge.calls import services

    path = tmp_path / "calls.csv"
    rows = [["상담번호", "상담일시", "문의내용"]]
    for value in FORMULAS:  # each call id twice: the error message quotes it
        rows += [[value, "2026-10-03 14:05", "분실 문의"], [value, "2026-10-03 14:06", "분실 문의"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    job = services.import_file(client=org["client_a"], path=path, by=org["manager_a"])
    assert job.status == ImportStatus.REJECTED and not CallRecord.objects.exists()
    with open(job.errors_file, encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in list(csv.reader(fh))[1:] for cell in row]
    assert any("appears twice" in c for c in cells)
    assert all(not c or c[0] not in "=+-@" for c in cells), cells


# --- Exports --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_manual_exports_neutralise_formulas_in_every_column(as_user, org, fmt):
    for i, value in enumerate(FORMULAS):
        published_article(
            client=org["client_a"],
            by=org["manager_a"],
            title=f"{value} {i}",
            question=value,
            answer=value,
            steps=value,
            cautions=value,
            tags=value,
        )
    response = as_user(org["manager_a"]).get(reverse("knowledge:export", args=[org["client_a"].slug, fmt]))
    assert response["Content-Disposition"].startswith("attachment;")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = [[c or "" for c in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    cells = [str(c) for row in rows for c in row]
    assert len(rows) == len(FORMULAS)
    assert all(not c or c[0] not in "=+-@" for c in cells), cells
    assert '\'=HYPERLINK("http://evil.example","click")' in cells


# --- Attachments and covers: type from content, never HTML, outside the web root --------------
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("guide.pdf", b"<html><body><script>alert(1)</script></body></html>"),
        ("guide.txt", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("guide.png", b"<!doctype html><p>hi"),
    ],
)
def test_attachment_type_comes_from_the_content(as_user, org, name, data):
    article = published_article(client=org["client_a"], by=org["manager_a"], title="안내")
    as_user(org["manager_a"]).post(
        reverse("knowledge:attachment_upload", args=[article.pk]), {"file": SimpleUploadedFile(name, data)}
    )
    assert not Attachment.objects.exists()


def test_a_text_attachment_holding_html_is_downloaded_never_rendered(as_user, org):
    article = published_article(client=org["client_a"], by=org["manager_a"], title="안내")
    as_user(org["manager_a"]).post(
        reverse("knowledge:attachment_upload", args=[article.pk]),
        {"file": SimpleUploadedFile("memo.txt", "상담 메모 <b>굵게</b>".encode())},
    )
    attachment = Attachment.objects.get()
    response = as_user(org["agent_a"]).get(attachment.get_absolute_url())
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_cover_is_stored_and_served_as_the_image_it_really_is(as_user, org):
    from django.contrib.auth.models import Group

    from bookclub.models import LIBRARIAN_GROUP

    Group.objects.get_or_create(name=LIBRARIAN_GROUP)[0].user_set.add(org["agent_a"])
    response = as_user(org["agent_a"]).post(
        reverse("bookclub:book_create"),
        {
            "title": "아몬드",
            "authors": "손원평",
            "isbn": "9788936434267",
            "cover": SimpleUploadedFile("evil.jpg", png(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    book = Book.objects.get()
    assert book.cover.name.endswith(".png") and "evil" not in book.cover.name  # its real format
    image = as_user(org["agent_b"]).get(reverse("bookclub:book_cover", args=[book.pk]))
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cover.png", b"<html><script>alert(1)</script></html>", "valid image"),
        ("cover.html", "png", "extension “html” is not allowed"),
        ("cover.gif", None, "JPEG, PNG or WebP"),
        ("cover.png", "huge", "4000×4000"),
    ],
)
def test_bad_covers_are_refused_and_nothing_stored(as_user, org, name, data, message):
    from django.contrib.auth.models import Group

    from bookclub.models import LIBRARIAN_GROUP

    if data is None:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 60)).save(buffer, format="GIF")
        data = buffer.getvalue()
    elif data == "png":
        data = png()
    elif data == "huge":
        data = png((5000, 10))
    Group.objects.get_or_create(name=LIBRARIAN_GROUP)[0].user_set.add(org["agent_a"])
    response = as_user(org["agent_a"]).post(
        reverse("bookclub:book_create"),
        {
            "title": "아몬드",
            "authors": "손원평",
            "isbn": "9788936434267",
            "cover": SimpleUploadedFile(name, data),
        },
    )
    assert message in " ".join(response.context["form"].errors["cover"])
    assert not Book.objects.exists()


def test_uploads_live_outside_the_web_root_and_no_url_serves_them(as_user, org):
    from config import settings as real

    media = Path(real.MEDIA_ROOT).resolve()
    for web_root in [Path(real.STATIC_ROOT), *map(Path, real.STATICFILES_DIRS)]:
        assert not media.is_relative_to(web_root.resolve()), f"MEDIA_ROOT is inside {web_root}"
    article = published_article(client=org["client_a"], by=org["manager_a"], title="안내")
    as_user(org["manager_a"]).post(
        reverse("knowledge:attachment_upload", args=[article.pk]),
        {"file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    stored = Attachment.objects.get().file.name
    client = as_user(org["admin_user"])
    for url in (f"{settings.MEDIA_URL}{stored}", f"/static/{stored}", f"/{stored}"):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
