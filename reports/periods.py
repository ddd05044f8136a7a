"""Report periods: dates in Asia/Seoul, both ends inclusive."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
MAX_DAYS = 366
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def previous_month(day: date) -> tuple[date, date]:
    return month_bounds(day.replace(day=1) - timedelta(days=1))


def previous_period(since: date, until: date) -> tuple[date, date]:
    """The period just before: the previous calendar month for a month, else as many days before."""
    if month_bounds(since) == (since, until):
        return previous_month(since)
    days = (until - since).days + 1
    return since - timedelta(days=days), since - timedelta(days=1)


def parse_month(value: str) -> date | None:
    match = _MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """Aware datetimes [start of `since`, start of the day after `until`) in Seoul time."""
    return datetime.combine(since, time(), tzinfo=KST), datetime.combine(
        until + timedelta(days=1), time(), tzinfo=KST
    )


def days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]
