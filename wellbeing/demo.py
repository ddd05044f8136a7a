"""Demo data for wellbeing: a policy with a team override, schedules, overtime requests in every
state, flexible work, a registered PC with its events, abusive-call flags. Idempotent."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import ClientCompany, Team, User

from . import selectors, services
from . import timeutils as tu
from .models import (
    AbusiveCallReport,
    DayOff,
    Device,
    DeviceEvent,
    FlexibleKind,
    FlexibleScheduleRequest,
    OvertimeRequest,
    Protection,
    RequestState,
    ShutdownPolicy,
    Transition,
    WellbeingProfile,
    WorkSchedule,
)


def _workday(day: date, step: int) -> date:
    while day.weekday() >= 5 or tu.holiday_name(day) or DayOff.objects.filter(date=day).exists():
        day += timedelta(days=step)
    return day


def _user(n: int) -> User | None:
    return (
        User.objects.filter(email=f"agent{n}@dasan.example").select_related("team", "team__manager").first()
    )


def _overtime(agent: User, day: date, extra: int, reason: str, state: str, comment: str = "") -> None:
    """A request `extra` minutes past the agent's own scheduled end, with the hours counted the way
    overtime_submit counts them (team schedules differ: 상담2팀 works 10:00–19:00)."""
    manager = agent.team.manager if agent.team else None
    plan = selectors.shutdown_plan(user=agent, on=day)
    assert plan.start_at is not None and plan.work_end_at is not None  # demo overtime is on working days
    start = plan.start_at.astimezone(tu.SEOUL).time()
    end = (plan.work_end_at + timedelta(minutes=extra)).astimezone(tu.SEOUL).time()
    net = tu.net_work_minutes(tu.minutes_between(start, end), planned_break=plan.break_minutes)
    req = OvertimeRequest.objects.create(
        user=agent,
        date=day,
        end_time=end,
        reason=reason,
        minutes=net - plan.scheduled_minutes,
        is_night=tu.is_night(start, end),
    )
    Transition.objects.create(overtime=req, from_state="", to_state=RequestState.SUBMITTED, by=agent)
    if state == RequestState.SUBMITTED:
        return
    deciders: dict[str, User | None] = {RequestState.CANCELLED: agent, RequestState.EXPIRED: None}
    by = deciders.get(state, manager)
    Transition.objects.create(
        overtime=req, from_state=RequestState.SUBMITTED, to_state=state, by=by, comment=comment
    )
    req.state = state
    if state in (RequestState.APPROVED, RequestState.REJECTED):
        req.decided_by, req.decided_at, req.decision_comment = manager, timezone.now(), comment
    req.save()
    if state == RequestState.APPROVED:
        services._bump_plans(users=[agent], on=day, reason="overtime approved")


@transaction.atomic
def seed(stdout=None) -> None:
    ShutdownPolicy.objects.get_or_create(team=None)
    team2 = Team.objects.filter(name="상담2팀").first()
    if team2:
        ShutdownPolicy.objects.get_or_create(
            team=team2,
            defaults={"work_start": time(10, 0), "work_end": time(19, 0), "shutdown_time": time(19, 30)},
        )
    today = tu.local_today()
    anniversary = date(today.year, 12, 1) if today < date(today.year, 12, 1) else date(today.year + 1, 12, 1)
    DayOff.objects.get_or_create(date=_workday(anniversary, 1), defaults={"name": "창립기념일"})
    found = {n: _user(n) for n in range(1, 21)}
    agents = {n: a for n, a in found.items() if a is not None}
    if len(agents) < len(found):
        return  # accounts demo not loaded
    WorkSchedule.objects.get_or_create(
        user=agents[3], defaults={"start_time": time(8, 0), "end_time": time(17, 0)}
    )
    WellbeingProfile.objects.get_or_create(
        user=agents[10], defaults={"protection": Protection.PREGNANT, "consent_recorded_at": timezone.now()}
    )
    if not OvertimeRequest.objects.exists():
        work_today = _workday(today, 1)
        before = _workday(work_today - timedelta(days=1), -1)
        earlier = _workday(before - timedelta(days=1), -1)
        with translation.override(settings.LANGUAGE_CODE):  # stored text, as the beat task stores it
            expired = gettext("Not decided by the end of the day.")
        for agent, day, extra, reason, state, comment in [
            (
                agents[2],
                work_today,
                120,
                "월말 카드 결제일 문의 폭주로 콜백 처리",
                RequestState.APPROVED,
                "수고 많으세요",
            ),
            (agents[5], work_today, 60, "해지 방어 콜 마무리", RequestState.SUBMITTED, ""),
            (agents[8], work_today, 90, "신상품 교육 자료 정리", RequestState.SUBMITTED, ""),
            (
                agents[11],
                before,
                180,
                "VOC 보고서 작성",
                RequestState.REJECTED,
                "내일 근무 시간에 처리해 주세요",
            ),
            (agents[14], before, 60, "보험 청구 서류 확인", RequestState.CANCELLED, ""),
            (agents[17], earlier, 120, "주문 취소 일괄 처리", RequestState.EXPIRED, expired),
            (agents[4], earlier, 150, "시스템 장애 후속 콜백", RequestState.APPROVED, ""),
            (agents[1], earlier, 60, "해외 분실 카드 재발급 콜백", RequestState.APPROVED, "고생했어요"),
        ]:
            _overtime(agent, day, extra, reason, state, comment)
    if not FlexibleScheduleRequest.objects.exists():
        monday = tu.week_start(today)
        for agent, kind, start, end, state, reason in [
            (
                agents[6],
                FlexibleKind.CHILDCARE,
                time(9, 0),
                time(16, 0),
                RequestState.APPROVED,
                "육아기 근로시간 단축 (자녀 만 6세)",
            ),
            (
                agents[9],
                FlexibleKind.STAGGERED,
                time(10, 0),
                time(19, 0),
                RequestState.SUBMITTED,
                "통근 시간 조정 (시차출퇴근)",
            ),
        ]:
            flex = FlexibleScheduleRequest.objects.create(
                user=agent,
                kind=kind,
                start_date=monday,
                end_date=monday + timedelta(days=90),
                start_time=start,
                end_time=end,
                reason=reason,
                state=state,
            )
            Transition.objects.create(flexible=flex, from_state="", to_state=RequestState.SUBMITTED, by=agent)
            if state == RequestState.APPROVED:
                manager = agent.team.manager if agent.team else None
                flex.decided_by, flex.decided_at = manager, timezone.now()
                flex.save()
                Transition.objects.create(flexible=flex, from_state="submitted", to_state=state, by=manager)
    if not Device.objects.exists():
        for n, name in [(1, "사무실 PC 1-07"), (2, "재택 노트북"), (4, "사무실 PC 1-12")]:
            device, token = services.device_issue(user=agents[n], name=name)
            services.device_register(token=token, hostname=f"DASAN-{n:03d}", platform="Windows 11")
        last = _workday(today - timedelta(days=1), -1)
        for device in Device.objects.all():
            DeviceEvent.objects.get_or_create(
                device=device,
                event_id=f"demo-{device.pk}",
                defaults={"kind": "shutdown", "occurred_at": tu.at(last, time(18, 30, 4)), "plan_version": 1},
            )
    if not AbusiveCallReport.objects.exists():
        clients = {c.slug: c for c in ClientCompany.objects.all()}
        now = timezone.now()
        for n, slug, hours, note in [
            (1, "hanbit-card", 26, "연체 안내 중 반복적인 욕설"),
            (7, "hanbit-card", 50, "인격 모독성 발언"),
            (2, "nuri-telecom", 3, "요금 문의 중 고성과 협박"),
            (13, "dunde-insurance", 80, ""),
        ]:
            if slug in clients:
                AbusiveCallReport.objects.create(
                    user=agents[n],
                    client=clients[slug],
                    occurred_at=now - timedelta(hours=hours),
                    break_started_at=now - timedelta(hours=hours),
                    note=note,
                )
