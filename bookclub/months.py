"""Months and the star vote's window, in Asia/Seoul time.

A month is stored as its first day (a `date`). The default voting window runs from the month's
first day 00:00 until the end of the BOOKCLUB_VOTING_CLOSE_DAY-th day of the next month; a
MonthlyPick may move either end.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# Month arithmetic lives in core.dates; these names stay for the book club's own modules.
from core.dates import month_start as month_start
from core.dates import next_month as next_month
from core.dates import parse_month as parse_month
from core.dates import previous_month as previous_month


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
