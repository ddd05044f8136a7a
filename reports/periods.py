"""Report periods: dates in Asia/Seoul, both ends inclusive (months: core.dates)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.dates import SEOUL, month_bounds, previous_month

MAX_DAYS = 366


def previous_period(since: date, until: date) -> tuple[date, date]:
    """The period just before: the previous calendar month for a month, else as many days before."""
    if month_bounds(since) == (since, until):
        return month_bounds(previous_month(since))
    days = (until - since).days + 1
    return since - timedelta(days=days), since - timedelta(days=1)


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """Aware datetimes [start of `since`, start of the day after `until`) in Seoul time."""
    return datetime.combine(since, time(), tzinfo=SEOUL), datetime.combine(
        until + timedelta(days=1), time(), tzinfo=SEOUL
    )


def days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]
