"""wellbeing.plans: the shutdown-plan rule as a pure function, called here without the database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from wellbeing import timeutils as tu
from wellbeing.models import OvertimeRequest, RequestState, ShutdownPolicy, WorkSchedule
from wellbeing.plans import due_offset, plan_for_day

MONDAY = date(2026, 12, 7)
AGENT = SimpleNamespace(pk=7)


def plan(day=MONDAY, *, policy=None, schedule=None, overtime=None, day_off="", version=1):
    return plan_for_day(
        user=AGENT,
        day=day,
        policy=policy or ShutdownPolicy(notice_offsets=[30, 10]),
        schedule=schedule,
        flexible=None,
        overtime=overtime,
        day_off=day_off,
        version=version,
    )


def test_a_workday_shuts_down_at_the_policy_time_with_notices_before():
    p = plan()
    assert p.working_day and p.source == "policy"
    assert p.shutdown_at == tu.at(MONDAY, time(18, 30))
    assert [m for m, _when in p.notices_at] == [30, 10]
    assert p.scheduled_minutes == 8 * 60


def test_a_personal_schedule_keeps_the_policy_s_slack():
    schedule = WorkSchedule(start_time=time(7, 0), end_time=time(16, 0), break_minutes=60)
    p = plan(schedule=schedule)
    assert p.source == "schedule" and p.shutdown_at == tu.at(MONDAY, time(16, 30))


def test_weekends_days_off_and_holidays_have_no_shutdown():
    assert plan(MONDAY + timedelta(days=5)).day_kind == "weekend"
    assert plan(day_off="창립기념일").day_kind == "day_off"
    christmas = plan(date(2026, 12, 25))
    assert christmas.day_kind == "holiday" and christmas.shutdown_at is None


def test_approved_overtime_moves_the_shutdown_a_submitted_one_does_not():
    approved = OvertimeRequest(date=MONDAY, end_time=time(20, 0), state=RequestState.APPROVED)
    submitted = OvertimeRequest(date=MONDAY, end_time=time(20, 0), state=RequestState.SUBMITTED)
    assert plan(overtime=approved).shutdown_at == tu.at(MONDAY, time(20, 0))
    assert plan(overtime=approved).source == "overtime"
    assert plan(overtime=submitted).shutdown_at == tu.at(MONDAY, time(18, 30))


def test_the_dispatcher_sends_the_latest_notice_due_and_the_shutdown_up_to_15_minutes_late():
    p = plan()
    at = p.shutdown_at
    assert due_offset(p, at - timedelta(minutes=31)) is None
    assert due_offset(p, at - timedelta(minutes=30)) == 30
    assert due_offset(p, at - timedelta(minutes=5)) == 10  # never the older one after downtime
    assert due_offset(p, at + timedelta(minutes=15)) == 0
    assert due_offset(p, at + timedelta(minutes=16)) is None
    assert due_offset(plan(MONDAY + timedelta(days=6)), datetime.now(tu.SEOUL)) is None
