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
