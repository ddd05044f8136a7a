"""Importing call exports: encodings, aliases, bad rows, all-or-nothing, idempotency, unsafe files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from knowledge.calls import services
from knowledge.calls.importers.files import FileRejected
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus

from .conftest import HEADER, rows_fixture


def _import(client, path, **kwargs):
    return services.import_file(client=client, path=path, **kwargs)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_csv_in_every_korean_encoding_is_read(client_a, export, encoding):
    job = _import(client_a, export(encoding=encoding))
    assert job.status == ImportStatus.DONE
    assert job.rows_created == 3
    inquiries = set(CallRecord.objects.values_list("inquiry", flat=True))
    assert "해외 결제가 안 돼요" in inquiries


def test_tab_separated_and_xlsx_exports(client_a, export):
    assert _import(client_a, export(delimiter="\t")).rows_created == 3
    CallRecord.objects.all().delete()
    job = _import(client_a, export(kind="xlsx"))
    assert job.status == ImportStatus.DONE and job.rows_created == 3


def test_values_are_parsed_and_customers_are_only_hashed(client_a, agent_a, export):
    rows = rows_fixture()
    rows[0][6] = agent_a.employee_number
    rows[1][6] = "someone@elsewhere.example"
    _import(client_a, export(rows))
    first = CallRecord.objects.get(external_id="C-1")
    assert first.agent == agent_a and first.duration_seconds == 185 and first.category == "분실"
    assert first.started_at.isoformat() == "2026-10-03T05:05:00+00:00"
    second = CallRecord.objects.get(external_id="C-2")
    assert second.agent is None and second.agent_label == "someone@elsewhere.example"
    # no phone number in clear text anywhere in the row
    for record in CallRecord.objects.all():
        assert "5678" not in record.customer_key and "010" not in record.customer_key
        assert len(record.customer_key) == 40
    # the same customer called again the next day: a repeat contact, computed
    assert CallRecord.objects.get(external_id="C-3").repeat_contact is True
    assert first.repeat_contact is False


def test_english_headers_and_no_call_id_column(client_a, export):
    header = ["started_at", "inquiry", "resolution", "duration"]
    rows = [
        ["2026-10-03 10:00", "로그인이 안 돼요", "비밀번호 재설정", "60"],
        ["2026-10-03 11:00", "환불 문의", "", "1:00"],
    ]
    job = _import(client_a, export(rows, header=header))
    assert job.rows_created == 2
    assert all(r.startswith("h-") for r in CallRecord.objects.values_list("external_id", flat=True))
    # the ids are stable: the same file again changes nothing
    again = _import(client_a, export(rows, header=header))
    assert (again.rows_created, again.rows_unchanged) == (0, 2)


BAD_ROWS = [
    (["X-1", "2026-13-40 10:00", "", "문의", "", "10", "", ""], "Date and time"),
    (["X-2", "", "", "문의", "", "10", "", ""], "Date and time"),
    (["X-3", "2026-10-03 10:00", "", "", "", "10", "", ""], "Inquiry"),
    (["X-4", "2026-10-03 10:00", "", "문의", "", "세 시간", "", ""], "Handle time"),
    (["", "2026-10-03 10:00", "", "문의", "", "10", "", ""], "Call id"),
    (["C-1", "2026-10-05 10:00", "", "같은 번호 두 번", "", "10", "", ""], "Call id"),
]


@pytest.mark.parametrize(("row", "column"), BAD_ROWS)
def test_each_kind_of_bad_row_rejects_the_whole_file(client_a, export, row, column):
    job = _import(client_a, export([*rows_fixture(), row]))
    assert job.status == ImportStatus.REJECTED
    assert CallRecord.objects.count() == 0
    assert job.rows_bad == 1
    [error] = job.error_sample
    assert error["line"] == 5 and error["field"] == column and error["message"]


def test_bad_flag_channel_and_client_columns(client_a, export):
    header = [*HEADER, "이관여부", "채널", "고객사"]
    rows = [
        [*rows_fixture()[0], "Y", "전화", "한빛카드"],
        [*rows_fixture()[1], "아마도", "전화", "한빛카드"],
        [*rows_fixture()[2], "N", "팩스", "누리텔레콤"],
    ]
    job = _import(client_a, export(rows, header=header))
    assert job.status == ImportStatus.REJECTED
    messages = {(e["line"], e["field"]) for e in job.error_sample}
    assert messages == {
        (3, "Transferred"),
        (4, "Channel"),
        (4, "Client (checked against the chosen client)"),
    }
    assert "누리텔레콤" in " ".join(e["message"] for e in job.error_sample)
    assert CallRecord.objects.count() == 0


def test_valid_only_stores_the_good_rows_and_lists_the_bad(client_a, export):
    job = _import(client_a, export([*rows_fixture(), BAD_ROWS[0][0], BAD_ROWS[2][0]]), valid_only=True)
    assert job.status == ImportStatus.DONE
    assert (job.rows_created, job.rows_bad) == (3, 2)
    assert [e["line"] for e in job.error_sample] == [5, 6]
    content = Path(job.errors_file).read_text(encoding="utf-8-sig")
    assert "5," in content and "6," in content


def test_reimport_changes_nothing_and_a_changed_row_is_updated(client_a, export):
    path = export()
    _import(client_a, path)
    before = {r.pk: r.updated_at for r in CallRecord.objects.all()}
    again = _import(client_a, path)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert {r.pk: r.updated_at for r in CallRecord.objects.all()} == before
    rows = rows_fixture()
    rows[1][4] = "해외 결제 차단 해제 후 재결제 안내"
    changed = _import(client_a, export(rows))
    assert (changed.rows_created, changed.rows_updated, changed.rows_unchanged) == (0, 1, 2)
    assert CallRecord.objects.get(external_id="C-2").resolution == "해외 결제 차단 해제 후 재결제 안내"


def test_dry_run_counts_without_storing(client_a, export):
    job = _import(client_a, export(), dry_run=True)
    assert job.status == ImportStatus.DONE and job.rows_created == 3
    assert CallRecord.objects.count() == 0


def test_the_same_call_id_in_another_client_is_another_call(client_a, client_b, export):
    _import(client_a, export())
    _import(client_b, export())
    assert CallRecord.objects.filter(external_id="C-1").count() == 2


# --- Files we refuse --------------------------------------------------------------------------
def _refused(client, path) -> str:
    with pytest.raises(FileRejected) as exc:
        _import(client, path)
    assert CallRecord.objects.count() == 0
    return str(exc.value)


def test_not_a_spreadsheet(client_a, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary")
    assert "not a spreadsheet" in _refused(client_a, pdf)


def test_a_zip_that_is_not_a_workbook(client_a, tmp_path):
    path = tmp_path / "calls.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in _refused(client_a, path)


def test_an_encrypted_workbook(client_a, tmp_path):
    path = tmp_path / "secret.xlsx"
    # An encrypted .xlsx is an OLE2 compound file holding an "EncryptedPackage" stream.
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "password-protected" in _refused(client_a, path)


def test_an_old_xls_file(client_a, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".xls" in _refused(client_a, path)


def test_a_zip_bomb_is_refused_before_it_is_opened(client_a, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert "zip bomb" in _refused(client_a, path)


def test_over_the_size_limit(client_a, export, settings):
    settings.CALLS_IMPORT_MAX_BYTES = 100
    assert "the limit is" in _refused(client_a, export())


def test_cp949_with_a_broken_byte_names_the_line(client_a, tmp_path):
    path = tmp_path / "broken.csv"
    # past the part read to detect the encoding, a byte that is not CP949
    good = "상담번호,상담일시,문의내용\n" + "".join(
        f"C-{i},2026-10-03 10:00,분실 신고 접수\n" for i in range(8000)
    )
    path.write_bytes(good.encode("cp949") + b"C-X,2026-10-03 11:00,\xff\xfe\xff\n")
    job = services.import_file(client=client_a, path=path)
    assert job.status == ImportStatus.REJECTED
    assert job.error_sample == [{"line": 8002, "field": "—", "message": "the text is not valid CP949"}]
    assert CallRecord.objects.count() == 0


def test_missing_required_columns_are_named(client_a, export):
    with pytest.raises(Exception) as exc:
        _import(client_a, export(header=["번호", "날짜?", "메모"], rows=[["1", "x", "y"]]))
    assert "Inquiry" in str(exc.value) and "Date and time" in str(exc.value)
    assert ImportJob.objects.filter(status=ImportStatus.DONE).count() == 0


# --- The command ------------------------------------------------------------------------------
def test_import_calls_command(client_a, export):
    out = io.StringIO()
    call_command("import_calls", str(export(encoding="cp949")), "--client", client_a.slug, stdout=out)
    assert "3 new" in out.getvalue()
    out = io.StringIO()
    call_command("import_calls", str(export(encoding="cp949")), "--client", client_a.slug, stdout=out)
    assert "0 new, 0 updated, 3 unchanged" in out.getvalue()


def test_import_calls_command_reports_bad_rows_and_stores_nothing(client_a, export):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing stored"):
        call_command(
            "import_calls",
            str(export([*rows_fixture(), BAD_ROWS[0][0]])),
            "--client",
            client_a.slug,
            stderr=err,
        )
    assert "line 5: Date and time" in err.getvalue()
    assert CallRecord.objects.count() == 0


def test_import_calls_command_dry_run_and_unknown_client(client_a, export):
    out = io.StringIO()
    call_command("import_calls", str(export()), "--client", client_a.slug, "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and CallRecord.objects.count() == 0
    with pytest.raises(CommandError, match="no client company"):
        call_command("import_calls", str(export()), "--client", "nope")


# --- Repeat contacts, customer keys ---------------------------------------------------------
def _calls(*rows):
    """(call id, when, phone) rows as export rows."""
    return [[ext, when, "", f"문의 {ext}", "", "60", "", phone] for ext, when, phone in rows]


def test_repeat_contact_means_the_same_customer_within_seven_days(client_a, export):
    _import(
        client_a,
        export(
            _calls(
                ("R-1", "2026-10-01 10:00", "010-1111-2222"),
                ("R-2", "2026-10-07 09:00", "010 1111 2222"),  # 6 days later, spaced differently
                ("R-3", "2026-10-20 10:00", "01011112222"),  # 13 days after R-2
                ("R-4", "2026-10-01 10:00", "010-9999-0000"),  # another customer, same moment
                ("R-5", "2026-10-02 10:00", ""),  # no customer: never a repeat
                ("R-6", "2026-10-02 11:00", ""),
            )
        ),
    )
    repeat = dict(CallRecord.objects.values_list("external_id", "repeat_contact"))
    assert repeat == {"R-1": False, "R-2": True, "R-3": False, "R-4": False, "R-5": False, "R-6": False}


def test_an_earlier_call_imported_later_makes_the_next_call_a_repeat(client_a, export):
    _import(client_a, export(_calls(("L-2", "2026-10-10 10:00", "010-1111-2222"))))
    assert CallRecord.objects.get(external_id="L-2").repeat_contact is False
    _import(client_a, export(_calls(("L-1", "2026-10-05 10:00", "010-1111-2222"))))
    assert CallRecord.objects.get(external_id="L-2").repeat_contact is True
    assert CallRecord.objects.get(external_id="L-1").repeat_contact is False


def test_a_repeat_flag_in_the_export_wins_over_the_computed_one(client_a, export):
    header = [*HEADER, "재문의여부"]
    rows = [
        [*r, flag]
        for r, flag in zip(
            _calls(
                ("F-1", "2026-10-01 10:00", "010-1111-2222"), ("F-2", "2026-10-02 10:00", "010-1111-2222")
            ),
            ["Y", "N"],
            strict=True,
        )
    ]
    _import(client_a, export(rows, header=header))
    assert dict(CallRecord.objects.values_list("external_id", "repeat_contact")) == {
        "F-1": True,
        "F-2": False,
    }


def test_customers_are_stored_only_as_a_salted_hash(client_a, export, settings):
    from django.db import connection

    from knowledge.calls.importers.fields import customer_key

    header = [*HEADER, "고객명"]
    rows = [[*r, "홍길동"] for r in rows_fixture()]
    _import(client_a, export(rows, header=header))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {CallRecord._meta.db_table}")  # noqa: S608 (our table name)
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    for secret in ("010-1234-5678", "01012345678", "1234-5678", "홍길동"):
        assert secret not in stored
    key = CallRecord.objects.get(external_id="C-1").customer_key
    salt = str(settings.CALLS_CUSTOMER_KEY_SALT).encode()
    assert key == customer_key("010-1234-5678", salt) == customer_key("01012345678", salt)
    assert key != customer_key("010-1234-5678", b"another salt")


# --- More bad input --------------------------------------------------------------------------
def test_a_call_id_twice_in_valid_only_mode_keeps_the_first(client_a, export):
    rows = [*rows_fixture(), ["C-2", "2026-10-09 10:00", "", "두 번째 C-2", "", "10", "", ""]]
    job = _import(client_a, export(rows), valid_only=True)
    assert (job.rows_created, job.rows_bad) == (3, 1)
    assert job.error_sample == [
        {"line": 5, "field": "Call id", "message": "C-2 appears twice (first on line 3)"}
    ]
    assert CallRecord.objects.get(external_id="C-2").inquiry == "해외 결제가 안 돼요"


def test_every_bad_row_is_in_the_csv_and_the_page_gets_a_sample(client_a, export):
    rows = [[f"B-{i}", "어제쯤", "", "문의", "", "10", "", ""] for i in range(450)]
    job = _import(client_a, export([*rows_fixture(), *rows]))
    assert job.status == ImportStatus.REJECTED and job.rows_bad == 450
    assert len(job.error_sample) == services.ERROR_SAMPLE
    lines = Path(job.errors_file).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,column,problem" and len(lines) == 451
    assert lines[1].startswith("5,Date and time,") and lines[-1].startswith("454,")
    assert CallRecord.objects.count() == 0


def test_xlsx_cells_typed_by_excel(client_a, export):
    from datetime import datetime, time

    rows = [
        ["X-1", datetime(2026, 10, 3, 14, 5), "분실", "카드 분실", "접수", time(0, 3, 5), "", 1012345678],
        ["X-2", 46298.5, "해외", "해외 결제", "해제", 185, "", None],  # a serial date, seconds
    ]
    job = _import(client_a, export(rows, kind="xlsx"))
    assert job.status == ImportStatus.DONE, job.error_sample
    one, two = CallRecord.objects.order_by("external_id")
    assert one.duration_seconds == 185 and one.started_at.isoformat() == "2026-10-03T05:05:00+00:00"
    assert two.duration_seconds == 185 and two.customer_key == ""


# --- The task, the command's progress bar, leftovers ---------------------------------------
def test_a_redelivered_import_task_does_nothing_twice(client_a, manager_a, tmp_path):
    from knowledge.calls.tasks import import_calls_task

    from .conftest import write_csv

    path = write_csv(tmp_path / "a.csv", rows_fixture())
    job = services.import_file(client=client_a, path=path, by=manager_a, mine=False)
    assert import_calls_task.run(job.pk) == ImportStatus.DONE
    job.refresh_from_db()
    assert job.rows_created == 3 and CallRecord.objects.count() == 3


def test_the_command_draws_a_progress_bar():
    from knowledge.management.commands.import_calls import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream, enabled=True)
    bar(0.5, 12345)
    bar(1.0, 24690)
    bar.done()
    out = stream.getvalue()
    assert "\r[" + "#" * 15 + "." * 15 + "] 50.0%  12,345 rows" in out
    assert "[" + "#" * 30 + "] 100.0%  24,690 rows" in out and out.endswith("\n")
    quiet = io.StringIO()
    ProgressBar(quiet, enabled=False)(0.5, 1)
    assert quiet.getvalue() == ""


def test_progress_is_reported_while_reading(client_a, export, monkeypatch):
    from knowledge.calls.importers import pipeline

    monkeypatch.setattr(pipeline.clock, "monotonic", iter(range(0, 10**6, 10)).__next__)
    rows = [[f"P-{i}", "2026-10-03 10:00", "", "문의", "", "10", "", ""] for i in range(4500)]
    seen = []
    services.import_file(
        client=client_a, path=export(rows), on_progress=lambda f, n: seen.append((f, n)), mine=False
    )
    assert [n for _f, n in seen] == [2000, 4000]
    assert 0 < seen[0][0] < seen[1][0] < 1


def test_uploads_never_imported_are_purged(client_a, manager_a, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    upload = Path(settings.MEDIA_ROOT, "calls", "uploads", "left.csv")
    upload.parent.mkdir(parents=True)
    upload.write_text("x")
    job = ImportJob.objects.create(
        client=client_a, original_name="left.csv", file_kind="csv", file_path=str(upload)
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert services.purge_stale_uploads() == 1
    assert not upload.exists()
    job.refresh_from_db()
    assert job.file_path == ""


# --- Committed transactions: on PostgreSQL, parsing and storing overlap on two connections ----
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_imports_are_all_or_nothing_and_idempotent(monkeypatch, tmp_path):
    from knowledge.calls.importers import pipeline
    from tests.accounts.factories import ClientCompanyFactory

    from .conftest import write_csv

    monkeypatch.setattr(pipeline, "CHUNK", 2)  # several chunks even for a small file
    client = ClientCompanyFactory(slug="overlap-card", name="오버랩카드")
    rows = [
        [f"O-{i}", f"2026-10-{1 + i % 9:02d} 10:00", "", f"문의 {i}", "", "60", "", "010-1111-2222"]
        for i in range(9)
    ]
    good = write_csv(tmp_path / "good.csv", rows)
    job = services.import_file(client=client, path=good, mine=False)
    assert (job.status, job.rows_created, job.rows_bad) == (ImportStatus.DONE, 9, 0)
    assert CallRecord.objects.filter(client=client, repeat_contact=True).count() == 8
    again = services.import_file(client=client, path=good, mine=False)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 9)
    # a bad row in the last chunk: nothing of the earlier chunks stays
    fresh = ClientCompanyFactory(slug="overlap-two", name="오버랩투")
    bad = write_csv(tmp_path / "bad.csv", [*rows, ["O-X", "언젠가", "", "문의", "", "60", "", ""]])
    rejected = services.import_file(client=fresh, path=bad, mine=False)
    assert rejected.status == ImportStatus.REJECTED and rejected.rows_bad == 1
    assert not CallRecord.objects.filter(client=fresh).exists()
    valid = services.import_file(client=fresh, path=bad, valid_only=True, mine=False)
    assert (valid.status, valid.rows_created, valid.rows_bad) == (ImportStatus.DONE, 9, 1)
    # a call id repeated in a later chunk, valid rows only: the first occurrence is the one kept
    third = ClientCompanyFactory(slug="overlap-three", name="오버랩쓰리")
    dup = write_csv(
        tmp_path / "dup.csv", [*rows, ["O-0", "2026-10-09 11:00", "", "나중 것", "", "60", "", ""]]
    )
    kept = services.import_file(client=third, path=dup, valid_only=True, mine=False)
    assert (kept.rows_created, kept.rows_bad) == (9, 1)
    assert CallRecord.objects.get(client=third, external_id="O-0").inquiry == "문의 0"
    assert kept.error_sample[0]["message"] == "O-0 appears twice (first on line 2)"
