"""Seoul time and calendar months, defined once for every app.

A month is given as any day in it and answered as its first day (a `date`); `month_bounds` gives
both ends (inclusive) when a period is needed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SEOUL = ZoneInfo("Asia/Seoul")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def local_now() -> datetime:
    return timezone.now().astimezone(SEOUL)


def local_today() -> date:
    return local_now().date()


def at(day: date, clock: time) -> datetime:
    """An aware Seoul datetime for a date and a wall-clock time."""
    return datetime.combine(day, clock, tzinfo=SEOUL)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the one `day` is in."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before the one `day` is in."""
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def month_bounds(day: date) -> tuple[date, date]:
    """The first and the last day of the month `day` is in."""
    first = month_start(day)
    return first, next_month(first) - timedelta(days=1)


def parse_month(value: str | None) -> date | None:
    """'2026-11' → date(2026, 11, 1); anything else (or a year outside 2000–2100) → None."""
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def week_days(day: date) -> list[date]:
    """Monday to Sunday of the week `day` is in."""
    monday = week_start(day)
    return [monday + timedelta(days=i) for i in range(7)]
