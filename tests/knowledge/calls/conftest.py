"""Helpers for the call-data tests: write exports in any encoding or as XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

HEADER = ["상담번호", "상담일시", "상담유형", "문의내용", "처리내용", "통화시간", "상담원", "전화번호"]


def rows_fixture() -> list[list[str]]:
    return [
        [
            "C-1",
            "2026-10-03 14:05",
            "분실",
            "카드를 잃어버렸어요 분실 신고 해주세요",
            "분실 신고 접수",
            "185",
            "",
            "010-1234-5678",
        ],
        [
            "C-2",
            "2026.10.03 14:05:22",
            "해외",
            "해외 결제가 안 돼요",
            "해외 결제 차단 해제",
            "3:05",
            "",
            "010-2222-3333",
        ],
        [
            "C-3",
            "20261004 1405",
            "포인트",
            "포인트 소멸 예정이라는데 어떻게 써요",
            "포인트 사용 안내",
            "00:02:10",
            "",
            "010-1234-5678",
        ],
    ]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8", delimiter=",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows, header=HEADER) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def export(tmp_path):
    """`export(rows, encoding=..., header=..., kind="csv"|"xlsx")` writes a file and returns its path."""
    counter = {"n": 0}

    def make(rows=None, *, encoding="utf-8", header=HEADER, kind="csv", delimiter=","):
        counter["n"] += 1
        rows = rows_fixture() if rows is None else rows
        if kind == "xlsx":
            return write_xlsx(tmp_path / f"export{counter['n']}.xlsx", rows, header)
        return write_csv(tmp_path / f"export{counter['n']}.csv", rows, header, encoding, delimiter)

    return make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


KST = __import__("zoneinfo").ZoneInfo("Asia/Seoul")


def store_calls(client, calls) -> list:
    """Save generated sample calls (knowledge.calls.samples) as call records of `client`."""
    from knowledge.calls.importers.fields import customer_key
    from knowledge.calls.models import CallRecord

    records = [
        CallRecord(
            client=client,
            external_id=c.external_id,
            started_at=c.started_at,
            duration_seconds=c.duration,
            channel=c.channel,
            category=c.category,
            inquiry=c.inquiry,
            resolution=c.resolution,
            transferred=c.transferred,
            customer_key=customer_key(c.customer, b"test"),
        )
        for c in calls
    ]
    return CallRecord.objects.bulk_create(records)


@pytest.fixture
def card_calls(client_a):
    """600 generated card-company calls of client_a in October 2026 and 300 in September."""
    from datetime import datetime

    from knowledge.calls import samples

    october = list(
        samples.generate(
            kind="card",
            count=600,
            start=datetime(2026, 10, 1, tzinfo=KST),
            end=datetime(2026, 10, 30, 23, 0, tzinfo=KST),
            seed=5,
            prefix="OCT-",
        )
    )
    september = list(
        samples.generate(
            kind="card",
            count=300,
            start=datetime(2026, 9, 1, tzinfo=KST),
            end=datetime(2026, 9, 29, 23, 0, tzinfo=KST),
            seed=6,
            prefix="SEP-",
        )
    )
    store_calls(client_a, october + september)
    return october
