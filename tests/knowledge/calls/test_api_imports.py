"""The import API for telephony systems: upload → 202 → the job's state; mining → topics; bad files
refused with their reasons and lines and nothing kept; managers of the client and admins only."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge.calls import samples, tasks
from knowledge.calls.models import CallRecord, ImportJob, MiningRun

from .conftest import KST

pytestmark = pytest.mark.django_db
IMPORTS = "/api/v1/knowledge/calls/imports/"
RUNS = "/api/v1/knowledge/calls/mining-runs/"


def sample_export(count: int = 240, *, seed: int = 3) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(samples.CSV_HEADER)
    calls = samples.generate(
        kind="card",
        count=count,
        start=datetime(2026, 10, 1, tzinfo=KST),
        end=datetime(2026, 10, 28, tzinfo=KST),
        seed=seed,
    )
    writer.writerows(samples.as_row(c) for c in calls)
    return buffer.getvalue().encode("cp949")


def post_file(api, client_slug, data: bytes, name="nightly.csv", **extra):
    return api.post(IMPORTS, {"client": client_slug, "file": SimpleUploadedFile(name, data), **extra})


def uploads_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "calls" / "uploads"


def test_a_nightly_export_is_imported_then_mined_into_topics(
    as_user, org, client_a, django_capture_on_commit_callbacks
):
    api = as_user(org["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, client_a.slug, sample_export())
    assert response.status_code == HTTPStatus.ACCEPTED
    body = response.json()
    assert set(body) == {"id", "status", "url"} and body["status"] == "queued"
    assert body["url"].endswith(reverse("api-calls-import", args=[body["id"]]))

    job = api.get(body["url"]).json()
    assert job == job | {"id": body["id"], "client": client_a.slug, "status": "done", "rows_total": 240}
    assert job["rows_imported"] == 240 and job["rows_unchanged"] == 0 and job["rows_rejected"] == 0
    assert job["errors"] == []
    assert CallRecord.objects.filter(client=client_a).count() == 240
    assert not list(uploads_dir().glob("*"))  # the upload (phone numbers) is gone once imported

    with django_capture_on_commit_callbacks(execute=True):
        run = api.post(RUNS, {"client": client_a.slug})
    assert run.status_code == HTTPStatus.ACCEPTED and set(run.json()) == {"id", "status", "url"}
    state = api.get(run.json()["url"]).json()
    assert state["status"] == "done" and state["topics"] > 2
    assert state["topics"] == MiningRun.objects.get(pk=run.json()["id"]).topics.count()


def test_the_same_file_again_changes_nothing(as_user, org, client_a, django_capture_on_commit_callbacks):
    api = as_user(org["manager_a"])
    data = sample_export(30)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(api, client_a.slug, data)
    with django_capture_on_commit_callbacks(execute=True):
        again = post_file(api, client_a.slug, data)
    job = api.get(again.json()["url"]).json()
    assert (job["status"], job["rows_imported"], job["rows_unchanged"]) == ("done", 0, 30)


def test_bad_rows_fail_the_whole_file_and_are_listed_by_line(
    as_user, org, client_a, django_capture_on_commit_callbacks
):
    data = "상담번호,상담일시,문의내용\nB-1,2026-10-03 10:00,분실\nB-2,어제,환불\nB-3,2026-10-03 11:00,\n"
    api = as_user(org["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, client_a.slug, data.encode())
    job = api.get(response.json()["url"]).json()
    assert job["status"] == "failed" and job["rows_rejected"] == 2 and job["rows_imported"] == 0
    assert [(e["line"], e["field"]) for e in job["errors"]] == [(3, "Date and time"), (4, "Inquiry")]
    assert not CallRecord.objects.exists()  # all or nothing

    with django_capture_on_commit_callbacks(execute=True):
        partial = post_file(api, client_a.slug, data.encode(), valid_only="true")
    assert api.get(partial.json()["url"]).json()["rows_imported"] == 1


@pytest.mark.parametrize(
    ("name", "data", "line", "reason"),
    [
        ("nightly.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None, "PDF document"),
        ("nightly.xlsx", "상담번호,상담일시,문의내용\n".encode(), None, "holds plain text"),
        ("nightly.csv", b"\n\n", 1, "no header row"),
        ("nightly.csv", "번호,내용\n1,분실\n".encode(), 1, "Choose the column"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_kept(
    as_user, org, client_a, name, data, line, reason
):
    with mock.patch.object(tasks.import_calls_task, "delay_on_commit") as send:
        response = post_file(as_user(org["manager_a"]), client_a.slug, data, name=name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["detail"] and any(e["line"] == line and reason in e["message"] for e in body["errors"]), body
    assert not ImportJob.objects.exists() and not send.called
    assert not list(uploads_dir().glob("*"))


def test_a_mapping_names_the_columns(as_user, org, client_a, django_capture_on_commit_callbacks):
    data = "번호,언제,내용\nX-1,2026-10-03 10:00,카드 분실 신고\n".encode()
    mapping = {"external_id": "번호", "started_at": "언제", "inquiry": "내용"}
    api = as_user(org["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, client_a.slug, data, mapping=json.dumps(mapping, ensure_ascii=False))
    assert api.get(response.json()["url"]).json()["status"] == "done"
    assert CallRecord.objects.get().inquiry == "카드 분실 신고"

    wrong = post_file(
        api, client_a.slug, data, mapping=json.dumps({"inquiry": "없는 열"}, ensure_ascii=False)
    )
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert any("없는 열" in e["message"] and e["line"] == 1 for e in wrong.json()["errors"])
    # a partial mapping: the fields it leaves out are found by their column names
    partial = "상담번호,상담일시,고객이 한 말\nX-2,2026-10-03 11:00,포인트 소멸 문의\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, client_a.slug, partial, mapping=json.dumps({"inquiry": "고객이 한 말"}))
    assert api.get(response.json()["url"]).json()["status"] == "done"
    assert CallRecord.objects.get(external_id="X-2").inquiry == "포인트 소멸 문의"
    not_json = post_file(api, client_a.slug, data, mapping="{inquiry")
    assert not_json.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in not_json.json()["errors"]] == ["mapping"]
    missing = api.post(IMPORTS, {"client": client_a.slug})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert missing.json()["errors"][0]["field"] == "file"
    assert ImportJob.objects.count() == 2


def test_the_tasks_are_sent_on_commit(as_user, org, client_a):
    api = as_user(org["manager_a"])
    with mock.patch.object(tasks.import_calls_task, "delay_on_commit") as send:
        response = post_file(api, client_a.slug, sample_export(5))
    send.assert_called_once_with(response.json()["id"])
    CallRecord.objects.create(
        client=client_a, external_id="X", started_at=datetime(2026, 10, 3, tzinfo=KST), inquiry="분실"
    )
    with mock.patch.object(tasks.mine_topics_task, "delay_on_commit") as send:
        run = api.post(RUNS, {"client": client_a.slug}).json()
    send.assert_called_once_with(run["id"])


def test_who_may_use_it(as_user, org, client_a):
    data = sample_export(5)
    assert post_file(as_user(org["agent_a"]), client_a.slug, data).status_code == HTTPStatus.FORBIDDEN
    assert post_file(as_user(org["agent_b"]), client_a.slug, data).status_code == HTTPStatus.NOT_FOUND
    assert post_file(as_user(org["manager_b"]), client_a.slug, data).status_code == HTTPStatus.NOT_FOUND
    assert post_file(as_user(org["manager_a"]), "no-such", data).status_code == HTTPStatus.NOT_FOUND
    assert as_user(org["agent_a"]).post(RUNS, {"client": client_a.slug}).status_code == HTTPStatus.FORBIDDEN
    assert not ImportJob.objects.exists() and not MiningRun.objects.exists()
    job = post_file(as_user(org["admin_user"]), client_a.slug, data).json()
    for user, expected in [("agent_a", 404), ("manager_b", 404), ("manager_a", 200), ("admin_user", 200)]:
        assert as_user(org[user]).get(f"{IMPORTS}{job['id']}/").status_code == expected, user


def test_the_api_is_in_the_openapi_schema(as_user, org):
    schema = as_user(org["agent_a"]).get("/api/schema/?format=json").json()
    post = schema["paths"][IMPORTS]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"202", "400", "403", "404"} <= set(post["responses"])
    assert "get" in schema["paths"][IMPORTS + "{id}/"]
    assert {"202", "403"} <= set(schema["paths"][RUNS]["post"]["responses"])
    assert "topics" in json.dumps(schema["paths"][RUNS + "{id}/"])
