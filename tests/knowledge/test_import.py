"""Importing manuals from JSONL, CSV (UTF-8 / CP949) and XLSX: bad rows by line, all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from knowledge.manuals import services
from knowledge.manuals.importing import ImportRejected
from knowledge.models import Article, ArticleStatus, ArticleSuggestion, Category

pytestmark = pytest.mark.django_db

HEADER = "client,category,title,question,answer,tags,external_id\n"


def csv_bytes(rows: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + rows).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["client", "category", "title", "question", "answer", "tags", "external_id"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_csv_import_creates_drafts_with_categories(org):
    data = csv_bytes(
        'hanbit-card,카드 > 분실,해외 분실 신고,해외에서 분실,"고객님, 바로 정지해 드리겠습니다.","분실, 해외",HC-1\n'
        "hanbit-card,카드 > 분실,국내 분실 신고,,고객님 안내드립니다.,분실,HC-2\n"
    )
    result = services.articles_import(name="m.csv", data=data, by=org["manager_a"])
    assert (result.created, result.published) == (2, 0)
    article = Article.objects.get(external_id="HC-1")
    assert article.status == ArticleStatus.DRAFT and article.category.path == "카드 > 분실"
    assert article.tags == "분실, 해외" and article.created_by == org["manager_a"]
    assert Category.objects.filter(client=org["client_a"]).count() == 2


def test_cp949_csv_is_read(org):
    data = csv_bytes("hanbit-card,결제,결제일 변경,,고객님 결제일은 ...,결제일,\n", encoding="cp949")
    services.articles_import(name="m.csv", data=data, by=org["manager_a"], publish=True)
    article = Article.objects.get(title="결제일 변경")
    assert article.status == ArticleStatus.PUBLISHED and article.revisions.get().kind == "import"


def test_jsonl_and_xlsx_import(org):
    lines = [
        {"client": "hanbit-card", "title": "연회비", "answer": "연회비 안내", "tags": ["연회비", "환불"]},
        {"client": "hanbit-card", "title": "포인트", "answer": "포인트 안내", "category": "혜택"},
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    assert services.articles_import(name="m.jsonl", data=data, by=org["manager_a"]).created == 2
    assert Article.objects.get(title="연회비").tags == "연회비, 환불"
    data = xlsx_bytes([["hanbit-card", "카드", "재발급", "훼손", "재발급 안내", "재발급", 1001]])
    assert services.articles_import(name="m.xlsx", data=data, by=org["manager_a"]).created == 1
    assert Article.objects.get(title="재발급").external_id == "1001"


def test_update_by_external_id_then_by_title(org):
    services.articles_import(
        name="a.csv",
        data=csv_bytes("hanbit-card,,옛 제목,,옛 답변,,X-1\nhanbit-card,,제목만,,답,,\n"),
        by=org["manager_a"],
    )
    result = services.articles_import(
        name="b.csv",
        data=csv_bytes("hanbit-card,,새 제목,,새 답변,,X-1\nhanbit-card,,제목만,,바뀐 답,,\n"),
        by=org["manager_a"],
    )
    assert (result.created, result.updated) == (0, 2)
    assert Article.objects.get(external_id="X-1").title == "새 제목"
    assert Article.objects.get(title="제목만").answer == "바뀐 답"


def test_changes_to_published_articles_become_suggestions_unless_publish(org):
    services.articles_import(
        name="a.csv", data=csv_bytes("hanbit-card,,분실,,처음 답,,P-1\n"), by=org["manager_a"], publish=True
    )
    result = services.articles_import(
        name="b.csv", data=csv_bytes("hanbit-card,,분실,,바뀐 답,,P-1\n"), by=org["manager_a"]
    )
    article = Article.objects.get(external_id="P-1")
    assert result.suggested == 1 and article.answer == "처음 답"
    assert ArticleSuggestion.objects.get().answer == "바뀐 답"
    result = services.articles_import(
        name="c.csv", data=csv_bytes("hanbit-card,,분실,,최종 답,,P-1\n"), by=org["manager_a"], publish=True
    )
    article.refresh_from_db()
    assert result.published == 1 and article.answer == "최종 답" and article.revisions.count() == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("nope-client,,제목,,답,,\n", "line 2: client: unknown client 'nope-client'"),
        (",,제목,,답,,\n", "line 2: client: required"),
        ("nuri-telecom,,제목,,답,,\n", "line 2: client: you may not import into 'nuri-telecom'"),
        ("hanbit-card,,,,답,,\n", "line 2: title: required"),
        ("hanbit-card,,제목,,,,\n", "line 2: answer: required"),
        ("hanbit-card,," + "가" * 201 + ",,답,,\n", "line 2: title: longer than 200 characters"),
        ("hanbit-card,카드 >> 분실,제목,,답,,\n", "line 2: category: '카드 >> 분실' has an empty part"),
        ("hanbit-card,,제목,,답,," + "x" * 101 + "\n", "line 2: external_id: longer than 100 characters"),
        ("hanbit-card,,같은 제목,,답,,\nhanbit-card,,같은 제목,,답2,,\n", "line 3: duplicate of line 2"),
    ],
)
def test_each_bad_row_kind_is_reported_and_nothing_is_stored(org, rows, expected):
    good = "hanbit-card,카드,좋은 행,,좋은 답,,\n"
    with pytest.raises(ImportRejected) as exc:
        services.articles_import(name="bad.csv", data=csv_bytes(rows + good), by=org["manager_a"])
    assert expected in [str(e) for e in exc.value.errors]
    assert not Article.objects.exists() and not Category.objects.exists()


def test_file_level_problems(org):
    cases = [
        ("m.csv", b"client,title\nhanbit-card,x\n", "line 1: missing columns: answer"),
        ("m.csv", HEADER.encode(), "line 2: the file has no rows"),
        ("m.csv", b"\xff\xfe\x00\x00garbage", "line 1: The text is neither UTF-8 nor CP949"),
        (
            "m.jsonl",
            b'{"client": "hanbit-card", "title": "a", "answer": "b"}\n{broken\n',
            "line 2: not valid JSON",
        ),
        ("m.jsonl", b"[1, 2]\n", "line 1: each line must be a JSON object"),
        ("m.xlsx", b"not a workbook", "line 1: The file is named .xlsx but holds plain text"),
        ("m.csv", b"%PDF-1.7\n%binary", "line 1: This is a PDF document, not a spreadsheet"),
        ("m.pdf", b"%PDF-", "line 1: unknown file type: use .jsonl, .csv or .xlsx"),
    ]
    for name, data, expected in cases:
        with pytest.raises(ImportRejected) as exc:
            services.articles_import(name=name, data=data, by=org["manager_a"])
        assert any(str(e).startswith(expected) for e in exc.value.errors), (name, exc.value.errors)
    assert not Article.objects.exists()


def test_command_imports_and_publishes(org, tmp_path):
    path = tmp_path / "manual.csv"
    path.write_bytes(csv_bytes("hanbit-card,카드,명령 가져오기,,답변,,C-1\n", encoding="cp949"))
    out = io.StringIO()
    call_command("import_articles", str(path), "--publish", stdout=out)
    assert "created 1" in out.getvalue()
    assert Article.objects.get(external_id="C-1").status == ArticleStatus.PUBLISHED


def test_command_reports_bad_lines_and_fails(org, tmp_path):
    path = tmp_path / "manual.csv"
    path.write_bytes(csv_bytes("hanbit-card,,좋은 행,,답,,\nhanbit-card,,,,답,,\n"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(path), stderr=err)
    assert "line 3: title: required" in err.getvalue()
    assert not Article.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path / "missing.csv"))


def test_web_upload_for_managers_with_line_errors(as_user, org):
    url = reverse("knowledge:import")
    assert as_user(org["agent_a"]).get(url).status_code == 403
    c = as_user(org["manager_a"])
    bad = SimpleUploadedFile("m.csv", csv_bytes("hanbit-card,,제목,,답,,\nnuri-telecom,,남의 고객사,,답,,\n"))
    response = c.post(url, {"file": bad})
    assert "line 3: client: you may not import into &#x27;nuri-telecom&#x27;" in response.content.decode()
    assert not Article.objects.exists()
    good = SimpleUploadedFile("m.csv", csv_bytes("hanbit-card,,제목,,답,,\n"))
    response = c.post(url, {"file": good, "publish": "on"})
    assert response.context["result"].published == 1
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


def test_admin_may_import_anywhere(as_user, org):
    upload = SimpleUploadedFile("m.csv", csv_bytes("nuri-telecom,,관리자 가져오기,,답,,\n"))
    as_user(org["admin_user"]).post(reverse("knowledge:import"), {"file": upload})
    assert Article.objects.get().client == org["client_b"]
