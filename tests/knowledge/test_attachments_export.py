"""Attachments (type by content, served only as downloads to those who may read) and exports."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from knowledge.manuals.exporting import safe_cell
from knowledge.models import Attachment
from tests.knowledge.factories import ArticleFactory, DraftArticleFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%...\n"


def upload(as_user, user, article, name, data):
    return as_user(user).post(
        reverse("knowledge:attachment_upload", args=[article.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_manager_uploads_a_pdf_and_agents_download_it_as_attachment(as_user, org, article_a):
    upload(as_user, org["manager_a"], article_a, "해외분실_절차.pdf", PDF)
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert "해외분실" not in attachment.file.name  # stored under a random name
    response = as_user(org["agent_a"]).get(attachment.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("picture.png", b"MZ\x90\x00 this is an exe"),
        ("report.pdf", PNG),  # the name says PDF, the content is PNG
        ("tool.exe", b"MZ\x90\x00"),
        ("empty.txt", b""),  # refused by the form: "The submitted file is empty."
    ],
)
def test_bad_uploads_are_refused_with_a_message(as_user, org, article_a, name, data):
    response = upload(as_user, org["manager_a"], article_a, name, data)
    body = response.content.decode()
    assert name in body or "The submitted file is empty" in body
    assert not Attachment.objects.exists()


@override_settings(KNOWLEDGE_ATTACHMENT_MAX_BYTES=100)
def test_too_large_upload_is_refused(as_user, org, article_a):
    response = upload(as_user, org["manager_a"], article_a, "big.png", PNG + b"\x00" * 200)
    assert "too large" in response.content.decode()
    assert not Attachment.objects.exists()


def test_office_and_text_files_are_accepted(as_user, org, article_a):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    upload(as_user, org["manager_a"], article_a, "요금표.xlsx", buffer.getvalue())
    upload(as_user, org["manager_a"], article_a, "메모.txt", "분실 신고 메모".encode())
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/plain",
    ]


def test_attachment_permissions(as_user, org, article_a):
    upload(as_user, org["manager_a"], article_a, "a.png", PNG)
    attachment = Attachment.objects.get()
    for who in ("agent_b", "manager_b"):
        assert as_user(org[who]).get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert as_user(org["admin_user"]).get(attachment.get_absolute_url()).status_code == HTTPStatus.OK
    # Agents may not upload or delete; managers of other teams do not even see the article.
    assert upload(as_user, org["agent_a"], article_a, "b.png", PNG).status_code == HTTPStatus.FORBIDDEN
    assert upload(as_user, org["manager_b"], article_a, "b.png", PNG).status_code == HTTPStatus.NOT_FOUND
    delete = reverse("knowledge:attachment_delete", args=[attachment.pk])
    assert as_user(org["agent_a"]).post(delete).status_code == HTTPStatus.FORBIDDEN
    assert Attachment.objects.count() == 1
    as_user(org["manager_a"]).post(delete)
    assert not Attachment.objects.exists()


def test_attachment_of_a_draft_is_hidden_from_agents(as_user, org):
    draft = DraftArticleFactory(client=org["client_a"])
    upload(as_user, org["manager_a"], draft, "a.png", PNG)
    attachment = Attachment.objects.get()
    assert as_user(org["agent_a"]).get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


# --- Export ------------------------------------------------------------------------------------
def test_safe_cell_neutralises_formulas():
    assert [safe_cell(v) for v in ("=1+1", "+82", "-x", "@SUM", "정상")] == [
        "'=1+1",
        "'+82",
        "'-x",
        "'@SUM",
        "정상",
    ]


def test_csv_export_of_the_managers_client(as_user, org, article_a):
    ArticleFactory(client=org["client_a"], title='=HYPERLINK("http://evil")', answer="@SUM(A1)")
    ArticleFactory(client=org["client_b"], title="다른 고객사 글")
    response = as_user(org["manager_a"]).get(reverse("knowledge:export", args=[org["client_a"].slug, "csv"]))
    assert response["Content-Disposition"].startswith('attachment; filename="manual-hanbit-card-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["client", "category", "title"]
    titles = {r[2] for r in rows[1:]}
    assert "해외에서 카드 분실 신고" in titles and "다른 고객사 글" not in titles
    assert '\'=HYPERLINK("http://evil")' in titles
    assert any(r[4] == "'@SUM(A1)" for r in rows[1:])


def test_xlsx_export(as_user, org, article_a):
    response = as_user(org["admin_user"]).get(
        reverse("knowledge:export", args=[org["client_a"].slug, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "해외에서 카드 분실 신고"


@pytest.mark.parametrize(("who", "expected"), [("agent_a", 403), ("agent_b", 404), ("manager_b", 404)])
def test_export_across_clients_or_by_agents_fails(as_user, org, article_a, who, expected):
    response = as_user(org[who]).get(reverse("knowledge:export", args=[org["client_a"].slug, "csv"]))
    assert response.status_code == expected


def test_export_unknown_format_is_404(as_user, org, article_a):
    assert (
        as_user(org["manager_a"])
        .get(reverse("knowledge:export", args=[org["client_a"].slug, "pdf"]))
        .status_code
        == 404
    )


def test_export_round_trips_through_import(as_user, org, article_a):
    from knowledge.manuals import services

    data = (
        as_user(org["manager_a"]).get(reverse("knowledge:export", args=[org["client_a"].slug, "csv"])).content
    )
    result = services.articles_import(name="back.csv", data=data, by=org["manager_a"], publish=True)
    assert result.created == 0 and result.unchanged == 1
