"""The call-data pages and API: who may use each URL, the upload → mapping → import flow, bad files."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification
from knowledge.calls import services
from knowledge.calls.models import CallRecord, ImportJob, ImportMapping, ImportStatus, MiningRun, TopicArticle

from .conftest import HEADER, rows_fixture, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def mined(org, client_a, card_calls):
    """client_a's October calls mined, one import job and a call record to point at."""
    run = services.mining_run_now(client=client_a, since=date(2026, 10, 1), until=date(2026, 10, 30))
    job = ImportJob.objects.create(
        client=client_a, created_by=org["manager_a"], original_name="x.csv", file_kind="csv"
    )
    return {"run": run, "topic": run.topics.first(), "job": job, "record": CallRecord.objects.first()}


def _urls(m, slug):
    """(url name, args, who may use it: 'agent' = anyone who sees the client, 'manager' = its managers)."""
    return [
        ("knowledge:calls_home", [slug], "agent"),
        ("knowledge:calls_topics", [slug], "agent"),
        ("knowledge:calls_records", [slug], "agent"),
        ("knowledge:calls_topic", [m["topic"].pk], "agent"),
        ("knowledge:calls_record", [m["record"].pk], "agent"),
        ("knowledge:calls_run_status", [m["run"].pk], "agent"),
        ("knowledge:calls_upload", [slug], "manager"),
        ("knowledge:calls_job", [m["job"].pk], "manager"),
        ("knowledge:calls_job_progress", [m["job"].pk], "manager"),
    ]


def test_anonymous_visitors_are_sent_to_login(client, mined, client_a):
    for name, args, _who in _urls(mined, client_a.slug):
        response = client.get(reverse(name, args=args))
        assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("who", ["agent_b", "manager_b"])
def test_people_of_another_client_or_team_get_404_everywhere(as_user, org, mined, client_a, who):
    c = as_user(org[who])
    for name, args, _who in _urls(mined, client_a.slug):
        assert c.get(reverse(name, args=args)).status_code == HTTPStatus.NOT_FOUND, name
    for name, args in [
        ("knowledge:calls_mine", [client_a.slug]),
        ("knowledge:calls_topic_draft", [mined["topic"].pk]),
    ]:
        assert c.post(reverse(name, args=args)).status_code == HTTPStatus.NOT_FOUND, name
    assert client_a.name not in c.get(reverse("knowledge:calls_index")).content.decode()


def test_an_agent_reads_their_clients_data_but_may_not_import_mine_or_draft(as_user, org, mined, client_a):
    c = as_user(org["agent_a"])
    for name, args, who in _urls(mined, client_a.slug):
        status = c.get(reverse(name, args=args)).status_code
        if who == "agent":
            assert status == HTTPStatus.OK, name
        else:  # the upload page says no; an import job is not theirs to see at all
            assert status == (
                HTTPStatus.FORBIDDEN if name == "knowledge:calls_upload" else HTTPStatus.NOT_FOUND
            )
    assert (
        c.post(reverse("knowledge:calls_mine", args=[client_a.slug]), {}).status_code == HTTPStatus.FORBIDDEN
    )
    draft = c.post(reverse("knowledge:calls_topic_draft", args=[mined["topic"].pk]))
    assert draft.status_code == HTTPStatus.FORBIDDEN and not TopicArticle.objects.exists()
    upload = c.post(
        reverse("knowledge:calls_upload", args=[client_a.slug]),
        {"file": SimpleUploadedFile("calls.csv", b"a,b\n1,2\n")},
    )
    assert upload.status_code == HTTPStatus.FORBIDDEN and not ImportJob.objects.filter(
        original_name="calls.csv"
    )
    home = c.get(reverse("knowledge:calls_home", args=[client_a.slug])).content.decode()
    assert reverse("knowledge:calls_upload", args=[client_a.slug]) not in home


@pytest.mark.parametrize("who", ["manager_a", "admin_user"])
def test_managers_and_admins_use_every_page(as_user, org, mined, client_a, who):
    c = as_user(org[who])
    for name, args, _who in _urls(mined, client_a.slug):
        assert c.get(reverse(name, args=args)).status_code == HTTPStatus.OK, name


def test_the_topics_page_reads_stored_topics_and_never_mines(as_user, org, mined, client_a, monkeypatch):
    from knowledge.calls import mining

    monkeypatch.setattr(mining, "cluster", lambda *a, **k: pytest.fail("mined while viewing"))
    c = as_user(org["agent_a"])
    page = c.get(reverse("knowledge:calls_topics", args=[client_a.slug])).content.decode()
    for topic in mined["run"].topics.all():
        assert topic.label in page
    gaps = c.get(reverse("knowledge:calls_topics", args=[client_a.slug]) + "?show=gaps").content.decode()
    assert "Gap" in gaps
    topic_page = c.get(reverse("knowledge:calls_topic", args=[mined["topic"].pk])).content.decode()
    assert mined["topic"].representative_inquiries[0]["text"] in topic_page


# --- The upload flow --------------------------------------------------------------------------
def _cp949_upload(rows=None, header=None) -> SimpleUploadedFile:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows if rows is not None else rows_fixture())
    return SimpleUploadedFile("10월_상담이력.csv", buffer.getvalue().encode("cp949"), content_type="text/csv")


def _mapping_post(job, **overrides) -> dict:
    data = {f"map_{k}": v for k, v in job.mapping.items()}
    data.update({"valid_only": "0", "save_mapping": "on"})
    data.update(overrides)
    return data


def test_a_manager_uploads_fixes_the_mapping_and_imports(
    as_user, org, client_a, django_capture_on_commit_callbacks
):
    c = as_user(org["manager_a"])
    # the inquiry column has a name no alias knows: the manager picks it by hand
    header = [
        "상담번호",
        "상담일시",
        "상담유형",
        "고객이 한 말",
        "처리내용",
        "통화시간",
        "상담원",
        "전화번호",
    ]
    response = c.post(
        reverse("knowledge:calls_upload", args=[client_a.slug]), {"file": _cp949_upload(header=header)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == job.get_absolute_url()
    assert job.encoding == "cp949" and job.status == ImportStatus.UPLOADED
    assert "inquiry" not in job.mapping and job.mapping["started_at"] == "상담일시"
    page = c.get(job.get_absolute_url()).content.decode()
    assert "카드를 잃어버렸어요" in page  # the preview of the first rows
    assert "5678" not in page  # customer numbers are masked in the preview
    # importing without the required inquiry column is refused, naming it
    refused = c.post(job.get_absolute_url(), _mapping_post(job))
    assert refused.status_code == HTTPStatus.OK and "Inquiry" in refused.content.decode()
    assert CallRecord.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(job.get_absolute_url(), _mapping_post(job, map_inquiry="고객이 한 말"))
    assert done.status_code == HTTPStatus.FOUND
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.rows_created == 3 and job.file_path == ""
    assert CallRecord.objects.filter(client=client_a).count() == 3
    result = c.get(job.get_absolute_url()).content.decode()
    assert "All rows were imported." in result
    # a notification, the mapping remembered for the client, and the period mined
    assert Notification.objects.filter(recipient=org["manager_a"], verb__contains="Call import done").exists()
    assert ImportMapping.objects.get(client=client_a).mapping["inquiry"] == "고객이 한 말"
    assert MiningRun.objects.filter(client=client_a).exists()
    # the next upload of the same export is mapped as saved
    c.post(reverse("knowledge:calls_upload", args=[client_a.slug]), {"file": _cp949_upload(header=header)})
    assert ImportJob.objects.latest("pk").mapping["inquiry"] == "고객이 한 말"


def test_a_file_with_bad_rows_is_rejected_then_the_valid_rows_are_imported(
    as_user, org, client_a, django_capture_on_commit_callbacks
):
    c = as_user(org["manager_a"])
    bad = ["X-1", "2026-13-40 10:00", "", "문의", "", "10", "", ""]
    c.post(
        reverse("knowledge:calls_upload", args=[client_a.slug]),
        {"file": _cp949_upload([*rows_fixture(), bad])},
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(job.get_absolute_url(), _mapping_post(job))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED and CallRecord.objects.count() == 0
    page = c.get(job.get_absolute_url()).content.decode()
    assert "Nothing was stored." in page and "Import the valid rows" in page
    csv_response = c.get(reverse("knowledge:calls_job_errors", args=[job.pk]))
    assert csv_response.status_code == HTTPStatus.OK
    content = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[1].startswith("5,Date and time,")
    # another client's agent or manager cannot download the bad rows
    for who in ("agent_a", "manager_b"):
        other = as_user(org[who]).get(reverse("knowledge:calls_job_errors", args=[job.pk]))
        assert other.status_code == HTTPStatus.NOT_FOUND
    c = as_user(org["manager_a"])
    with django_capture_on_commit_callbacks(execute=True):
        c.post(job.get_absolute_url(), _mapping_post(job, valid_only="1", save_mapping=""))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and (job.rows_created, job.rows_bad) == (3, 1)
    # a finished import cannot be run again
    again = c.post(job.get_absolute_url(), _mapping_post(job, valid_only="1"), follow=True)
    assert "already run" in again.content.decode() and CallRecord.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.7\n\x00\x01binary", "not a spreadsheet"),
        ("empty.csv", b"", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    ],
)
def test_a_file_we_cannot_read_gets_a_clear_error_and_nothing_is_kept(
    as_user, org, client_a, settings, name, content, message
):
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:calls_upload", args=[client_a.slug]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == HTTPStatus.OK and message in response.content.decode()
    assert not ImportJob.objects.exists()
    uploads = Path(settings.MEDIA_ROOT, "calls", "uploads")
    assert not uploads.exists() or not any(uploads.iterdir())


def test_an_oversized_upload_is_refused_before_it_is_stored(as_user, org, client_a, settings):
    settings.CALLS_IMPORT_MAX_BYTES = 50
    response = as_user(org["manager_a"]).post(
        reverse("knowledge:calls_upload", args=[client_a.slug]), {"file": _cp949_upload()}
    )
    assert "the limit is" in response.content.decode() and not ImportJob.objects.exists()


def test_the_progress_fragment_and_its_redirect_when_done(as_user, org, client_a, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows_fixture())
    job = services.import_file(client=client_a, path=path, by=org["manager_a"], mine=False)
    running = ImportJob.objects.create(
        client=client_a,
        created_by=org["manager_a"],
        original_name="big.csv",
        file_kind="csv",
        status=ImportStatus.RUNNING,
        progress=0.42,
        rows_processed=42000,
    )
    c = as_user(org["manager_a"])
    page = c.get(running.get_absolute_url()).content.decode()
    assert "42%" in page and "42,000" in page and 'value="42"' in page
    fragment = c.get(reverse("knowledge:calls_job_progress", args=[running.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" in fragment.content.decode() and "HX-Redirect" not in fragment
    finished = c.get(reverse("knowledge:calls_job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished["HX-Redirect"] == job.get_absolute_url()


def test_mining_on_demand_from_the_overview(
    as_user, org, client_a, card_calls, django_capture_on_commit_callbacks
):
    c = as_user(org["manager_a"])
    url = reverse("knowledge:calls_mine", args=[client_a.slug])
    bad = c.post(url, {"since": "2026-10-30", "until": "2026-10-01"}, follow=True)
    assert "before the start date" in bad.content.decode() and not MiningRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(url, {"since": "2026-10-01", "until": "2026-10-30"})
    run = MiningRun.objects.get()
    assert response["Location"].endswith(f"?run={run.pk}")
    run.refresh_from_db()
    assert run.topic_count > 0


def test_drafting_from_the_topic_page_opens_the_draft(as_user, org, mined):
    c = as_user(org["manager_a"])
    response = c.post(reverse("knowledge:calls_topic_draft", args=[mined["topic"].pk]))
    link = TopicArticle.objects.get()
    assert response["Location"] == link.article.get_absolute_url()
    page = c.get(reverse("knowledge:calls_topic", args=[mined["topic"].pk])).content.decode()
    assert link.article.get_absolute_url() in page and 'data-testid="draft-button"' not in page


# --- API ------------------------------------------------------------------------------------
def test_the_api_follows_the_same_rule(as_user, org, mined, client_a):
    records = reverse("api-calls-records") + f"?client={client_a.slug}"
    topics = reverse("api-calls-topics") + f"?client={client_a.slug}"
    agent = as_user(org["agent_a"])
    assert agent.get(records).json()["count"] == CallRecord.objects.filter(client=client_a).count()
    assert len(agent.get(topics).json()) == mined["run"].topic_count
    other = as_user(org["agent_b"])
    assert other.get(records).status_code == HTTPStatus.NOT_FOUND
    assert other.get(topics).status_code == HTTPStatus.NOT_FOUND
    bad = as_user(org["agent_a"]).get(records + "&since=2026-13-01")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "since" in bad.json()


def test_handle_times_read_as_minutes_and_seconds(as_user, org, mined, client_a):
    record = CallRecord.objects.filter(client=client_a).first()
    CallRecord.objects.filter(pk=record.pk).update(duration_seconds=311)
    page = as_user(org["agent_a"]).get(reverse("knowledge:calls_record", args=[record.pk])).content.decode()
    assert "5 min 11 s" in page and "311s" not in page
