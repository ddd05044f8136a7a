"""Calendar and working-time arithmetic: Korean holidays, Seoul time, breaks, Monday–Sunday weeks."""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

import holidays

# Seoul time and weeks live in core.dates; these names stay for wellbeing's own modules.
from core.dates import SEOUL as SEOUL
from core.dates import at as at
from core.dates import local_now as local_now
from core.dates import local_today as local_today
from core.dates import week_days as week_days
from core.dates import week_start as week_start

NIGHT_START = time(22, 0)
NIGHT_END = time(6, 0)
WEEK_STANDARD_MINUTES = 40 * 60
WEEK_OVERTIME_CAP_MINUTES = 12 * 60
WEEK_TOTAL_CAP_MINUTES = 52 * 60


@lru_cache(maxsize=16)
def korean_holidays(year: int) -> dict[date, str]:
    """Public holidays including substitute holidays (대체공휴일), in Korean."""
    return dict(holidays.country_holidays("KR", years=year, language="ko"))


def holiday_name(day: date) -> str:
    return korean_holidays(day.year).get(day, "")


def minutes_between(start: time, end: time) -> int:
    return max(0, (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute))


def net_work_minutes(span_minutes: int, *, planned_break: int = 60) -> int:
    """Work time in a span after breaks: at least the planned break and, by law (근로기준법 제54조),
    30 minutes for every 4 hours worked. Spans under 4 hours need no break."""
    if span_minutes <= 0:
        return 0
    if span_minutes < 240:
        return span_minutes
    brk = min(planned_break, span_minutes)
    while brk < span_minutes and brk < 30 * ((span_minutes - brk) // 240):
        brk += 30
    return span_minutes - brk


def is_night(start: time | None, end: time) -> bool:
    """Any part of 22:00–06:00."""
    return end > NIGHT_START or (start is not None and start < NIGHT_END)
