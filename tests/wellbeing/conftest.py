"""Wellbeing fixtures: a fixed clock (Monday 2026-11-16, Seoul) that tests move with `clock.move_to`."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from wellbeing.timeutils import SEOUL

MONDAY = date(2026, 11, 16)


def seoul(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=SEOUL)


@pytest.fixture
def clock():
    """Time stands at Monday 2026-11-16 17:00 KST; `clock.move_to(seoul(...))` moves it."""
    with time_machine.travel(seoul(MONDAY, 17, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def ticking_clock():
    with time_machine.travel(seoul(MONDAY, 17, 0), tick=True) as traveller:
        yield traveller
