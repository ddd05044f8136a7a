"""Reading cells: Korean date formats, durations, yes/no flags, header aliases."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.calls.importers.fields import (
    customer_key,
    detect_mapping,
    parse_channel,
    parse_datetime,
    parse_duration,
    parse_flag,
)

KST = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-03 14:05", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
        ("2026.10.03 14:05:22", datetime(2026, 10, 3, 14, 5, 22, tzinfo=KST)),
        ("2026/10/03", datetime(2026, 10, 3, tzinfo=KST)),
        ("20261003 1405", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
        ("20261003140522", datetime(2026, 10, 3, 14, 5, 22, tzinfo=KST)),
        ("2026-10-03 오후 2:05", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
        ("2026. 10. 3. 오전 12:30:00", datetime(2026, 10, 3, 0, 30, tzinfo=KST)),
        ("2026년 10월 3일 14시 5분", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
        ("2026-10-03T14:05:00", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
        ("2026-10-03 2:05 PM", datetime(2026, 10, 3, 14, 5, tzinfo=KST)),
    ],
)
def test_common_korean_date_formats_are_read_as_seoul_time(text, expected):
    assert parse_datetime(text) == expected


def test_excel_cells_and_a_separate_time_column():
    assert parse_datetime(datetime(2026, 10, 3, 9, 0)) == datetime(2026, 10, 3, 9, 0, tzinfo=KST)
    assert parse_datetime("2026-10-03", "오후 3:10") == datetime(2026, 10, 3, 15, 10, tzinfo=KST)
    assert parse_datetime(46298.5).tzinfo is not None  # an Excel serial date


@pytest.mark.parametrize(
    "text", ["", "2026-13-03 10:00", "2026-02-30", "어제 오후", "2026-10-03 25:00", "14:05"]
)
def test_bad_dates_are_refused_with_a_reason(text):
    with pytest.raises(ValueError) as exc:
        parse_datetime(text)
    assert str(exc.value)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("185", 185),
        ("3:05", 185),
        ("00:03:05", 185),
        ("1:02:03", 3723),
        ("3분 5초", 185),
        (185.4, 185),
        (time(0, 3, 5), 185),
        (timedelta(minutes=2), 120),
        ("", 0),
        (None, 0),
        ("90초", 90),
    ],
)
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["세 시간", "3:75", "-5", "99999999"])
def test_bad_durations(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_flags_and_channels():
    assert [parse_flag(v) for v in ["Y", "n", "예", "아니오", "1", "0", "O", "X", "", None]] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        None,
        None,
    ]
    with pytest.raises(ValueError):
        parse_flag("아마도")
    assert parse_channel("채팅") == "chat" and parse_channel("전화") == "call" and parse_channel("") == "call"
    with pytest.raises(ValueError):
        parse_channel("팩스")


def test_headers_match_korean_and_english_aliases():
    mapping = detect_mapping(
        ["상담 일시", "통화시간(초)", "문의내용", "처리결과", "Agent", "고객번호", "비고"]
    )
    assert mapping == {
        "started_at": "상담 일시",
        "duration": "통화시간(초)",
        "inquiry": "문의내용",
        "resolution": "처리결과",
        "agent": "Agent",
        "customer": "고객번호",
    }
    assert detect_mapping(["call_id", "started_at", "inquiry"]) == {
        "external_id": "call_id",
        "started_at": "started_at",
        "inquiry": "inquiry",
    }


def test_customer_key_is_a_salted_hash_that_ignores_formatting():
    a = customer_key("010-1234-5678", b"salt")
    assert a == customer_key("01012345678", b"salt") == customer_key(" 010 1234 5678 ", b"salt")
    assert a != customer_key("010-1234-5678", b"other salt")
    assert "5678" not in a and len(a) == 40
    assert customer_key("", b"salt") == ""
