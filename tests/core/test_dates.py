"""core.dates: one definition of Seoul time and of calendar months for every app."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from core.dates import (
    SEOUL,
    at,
    month_bounds,
    month_start,
    next_month,
    parse_month,
    previous_month,
    week_days,
)


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        (date(2026, 1, 15), date(2025, 12, 1), date(2026, 2, 1)),
        (date(2026, 12, 31), date(2026, 11, 1), date(2027, 1, 1)),
        (date(2026, 3, 1), date(2026, 2, 1), date(2026, 4, 1)),
    ],
)
def test_months_are_answered_as_their_first_day(day, before, after):
    assert previous_month(day) == before
    assert next_month(day) == after
    assert month_start(day) == day.replace(day=1)


def test_month_bounds_include_both_ends_and_leap_days():
    assert month_bounds(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(date(2026, 12, 5)) == (date(2026, 12, 1), date(2026, 12, 31))
    # What reports called previous_month: the bounds of the month before.
    assert month_bounds(previous_month(date(2026, 1, 20))) == (date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11", date(2026, 11, 1)),
        (" 2026-01 ", date(2026, 1, 1)),
        ("2026-13", None),
        ("1999-05", None),
        ("2026-1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month(value, expected):
    assert parse_month(value) == expected


def test_seoul_wall_clock_is_nine_hours_ahead_of_utc():
    moment = at(date(2026, 7, 1), time(9, 0))
    assert moment.tzinfo is SEOUL
    assert moment.astimezone(UTC) == datetime(2026, 7, 1, 0, 0, tzinfo=UTC)


def test_weeks_run_monday_to_sunday():
    days = week_days(date(2026, 12, 6))  # a Sunday
    assert days[0] == date(2026, 11, 30) and days[-1] == date(2026, 12, 6) and len(days) == 7
