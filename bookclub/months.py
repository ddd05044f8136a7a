"""Months and the star vote's window, in Asia/Seoul time.

A month is stored as its first day (a `date`). The default voting window runs from the month's
first day 00:00 until the end of the BOOKCLUB_VOTING_CLOSE_DAY-th day of the next month; a
MonthlyPick may move either end.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def parse_month(value: str | None) -> date | None:
    """'2026-11' → date(2026, 11, 1); anything else → None."""
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def current_month(now: datetime | None = None) -> date:
    return month_start(timezone.localdate(now or timezone.now()))


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def default_window(month: date) -> tuple[datetime, datetime]:
    opens = _local_midnight(month)
    closes = _local_midnight(next_month(month) + timedelta(days=settings.BOOKCLUB_VOTING_CLOSE_DAY))
    return opens, closes


def voting_window(month: date, pick=None) -> tuple[datetime, datetime]:
    """The window for a month: the pick's own dates where set, the default otherwise."""
    from .models import MonthlyPick

    if pick is None:
        pick = MonthlyPick.objects.filter(month=month).only("voting_opens_at", "voting_closes_at").first()
    if pick is None:
        return default_window(month)
    return window_with(month, pick.voting_opens_at, pick.voting_closes_at)


def window_with(
    month: date, opens_at: datetime | None, closes_at: datetime | None
) -> tuple[datetime, datetime]:
    """The window given the pick's own ends (None where the pick, or the month, has none)."""
    opens, closes = default_window(month)
    return opens_at or opens, closes_at or closes


def voting_open(month: date, now: datetime | None = None, pick=None) -> bool:
    opens, closes = voting_window(month, pick)
    return opens <= (now or timezone.now()) < closes
