"""The shutdown-plan rule: one person's plan for one day from its inputs. Pure: no database.

`wellbeing.selectors.shutdown_plans` reads the inputs (policy, personal schedule, approved flexible
schedule, active overtime, company day off, plan version) for many people and days at once and
calls `plan_for_day` for each; the notice dispatcher (`services.notices_dispatch`) asks
`due_offset` which notice a plan makes due. Tests can call both with plain objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import timeutils as tu
from .models import FlexibleScheduleRequest, OvertimeRequest, RequestState

# A shutdown notice is still sent this long after the shutdown time (a worker was down), never later.
LATE_SHUTDOWN_LIMIT = timedelta(minutes=15)


@dataclass(frozen=True)
class ShutdownPlan:
    user_id: int
    date: date
    working_day: bool
    day_kind: str  # "workday" | "weekend" | "holiday" | "day_off"
    day_name: str
    start_at: datetime | None
    end_at: datetime | None  # end of work, approved overtime included
    work_end_at: datetime | None  # the scheduled end, without overtime
    base_shutdown_at: datetime | None  # the shutdown without overtime
    shutdown_at: datetime | None  # None: no shutdown enforced on this day
    notice_offsets: tuple[int, ...]
    grace_minutes: int
    version: int
    source: str  # "policy" | "schedule" | "flexible" | "overtime"
    scheduled_minutes: int  # net work time without overtime
    break_minutes: int
    overtime: OvertimeRequest | None = None  # the active (submitted or approved) request, if any
    flexible: FlexibleScheduleRequest | None = None

    @property
    def notices_at(self) -> list[tuple[int, datetime]]:
        """(minutes before, when) for each notice, earliest first."""
        if self.shutdown_at is None:
            return []
        return [(m, self.shutdown_at - timedelta(minutes=m)) for m in self.notice_offsets]

    @property
    def approved_overtime(self) -> OvertimeRequest | None:
        if self.overtime is not None and self.overtime.state == RequestState.APPROVED:
            return self.overtime
        return None


def notice_offsets(raw) -> tuple[int, ...]:
    try:
        values = {int(v) for v in raw or [] if int(v) > 0}
    except (TypeError, ValueError):
        values = set()
    return tuple(sorted(values, reverse=True))


def plan_for_day(*, user, day, policy, schedule, flexible, overtime, day_off, version) -> ShutdownPlan:
    """The plan of `user` on `day`: the schedule (personal, else the policy's) or the approved
    flexible schedule sets the hours, a day off, a holiday or a day outside the weekdays means no
    shutdown, and approved overtime moves the shutdown to its end."""
    weekdays = schedule.weekdays if schedule else policy.weekdays
    start, end, brk, source = policy.work_start, policy.work_end, policy.break_minutes, "policy"
    if schedule:
        start, end, brk, source = schedule.start_time, schedule.end_time, schedule.break_minutes, "schedule"
    if flexible:
        start, end, source = flexible.start_time, flexible.end_time, "flexible"
        weekdays = flexible.weekdays
    holiday = tu.holiday_name(day)
    if day_off:
        kind, name = "day_off", day_off
    elif holiday:
        kind, name = "holiday", holiday
    elif day.weekday() not in weekdays:
        kind, name = "weekend", ""
    else:
        kind, name = "workday", ""
    working = kind == "workday"
    # The slack between the end of work and the shutdown follows the schedule: a 16:00 end
    # under an 18:00/18:30 policy shuts down at 16:30.
    slack = timedelta(minutes=tu.minutes_between(policy.work_end, policy.shutdown_time))
    base_shutdown = tu.at(day, end) + slack if working else None
    shutdown, end_at, start_at = (
        base_shutdown,
        tu.at(day, end) if working else None,
        tu.at(day, start) if working else None,
    )
    if overtime is not None and overtime.state == RequestState.APPROVED:
        shutdown = end_at = tu.at(day, overtime.end_time)
        if not working and overtime.start_time:
            start_at = tu.at(day, overtime.start_time)
        source = "overtime"
    scheduled = tu.net_work_minutes(tu.minutes_between(start, end), planned_break=brk) if working else 0
    return ShutdownPlan(
        user_id=user.pk,
        date=day,
        working_day=working,
        day_kind=kind,
        day_name=name,
        start_at=start_at,
        end_at=end_at,
        work_end_at=tu.at(day, end) if working else None,
        base_shutdown_at=base_shutdown,
        shutdown_at=shutdown,
        notice_offsets=notice_offsets(policy.notice_offsets),
        grace_minutes=policy.grace_minutes,
        version=version,
        source=source,
        scheduled_minutes=scheduled,
        break_minutes=brk,
        overtime=overtime,
        flexible=flexible,
    )


def due_offset(plan: ShutdownPlan, now: datetime) -> int | None:
    """The one notice due now: the latest whose time has come (never an older one after downtime),
    or the shutdown itself (offset 0) up to 15 minutes late; None when nothing is due."""
    if plan.shutdown_at is None:
        return None
    if now >= plan.shutdown_at:
        return 0 if now - plan.shutdown_at <= LATE_SHUTDOWN_LIMIT else None
    due = [m for m, when in plan.notices_at if when <= now]
    return min(due) if due else None
