"""The shutdown plan: policy, team overrides, schedules, holidays, flexible work, overtime, versions."""

from __future__ import annotations

from datetime import date, time, timedelta

from accounts.models import User
from tests.accounts.factories import UserFactory
from wellbeing import selectors, services
from wellbeing.models import RequestState, WorkSchedule

from .conftest import MONDAY, seoul
from .factories import DayOffFactory, FlexibleFactory, ShutdownPolicyFactory


def test_default_plan_is_1830_with_four_warnings(org, clock):
    plan = selectors.shutdown_plan(user=org["agent_a"], on=MONDAY)
    assert plan.working_day and plan.shutdown_at == seoul(MONDAY, 18, 30)
    assert [m for m, _at in plan.notices_at] == [30, 10, 5, 1]
    assert plan.notices_at[0][1] == seoul(MONDAY, 18, 0)
    assert plan.version == 1 and plan.source == "policy"
    assert plan.scheduled_minutes == 8 * 60  # 09:00–18:00 less the one-hour break


def test_weekend_public_and_substitute_holidays_and_days_off_have_no_shutdown(org, clock):
    agent = org["agent_a"]
    saturday = MONDAY + timedelta(days=5)
    assert selectors.shutdown_plan(user=agent, on=saturday).shutdown_at is None
    chuseok = selectors.shutdown_plan(user=agent, on=date(2026, 9, 25))
    assert chuseok.day_kind == "holiday" and chuseok.shutdown_at is None
    # 2026-03-01 (삼일절) is a Sunday: Monday 03-02 is the substitute holiday (대체공휴일).
    substitute = selectors.shutdown_plan(user=agent, on=date(2026, 3, 2))
    assert substitute.day_kind == "holiday" and "대체" in substitute.day_name
    assert selectors.shutdown_plan(user=agent, on=date(2026, 3, 3)).shutdown_at is not None
    DayOffFactory(date=MONDAY + timedelta(days=1), name="창립기념일")
    off = selectors.shutdown_plan(user=agent, on=MONDAY + timedelta(days=1))
    assert off.day_kind == "day_off" and off.day_name == "창립기념일" and off.shutdown_at is None


def test_team_override_applies_to_that_team_only(org, clock):
    ShutdownPolicyFactory(team=None, shutdown_time=time(18, 30), notice_offsets=[15, 5])
    ShutdownPolicyFactory(team=org["team_b"], work_end=time(19, 0), shutdown_time=time(19, 10))
    a = selectors.shutdown_plan(user=org["agent_a"], on=MONDAY)
    b = selectors.shutdown_plan(user=org["agent_b"], on=MONDAY)
    assert a.shutdown_at == seoul(MONDAY, 18, 30) and [m for m, _ in a.notices_at] == [15, 5]
    assert b.shutdown_at == seoul(MONDAY, 19, 10) and [m for m, _ in b.notices_at] == [30, 10, 5, 1]


def test_personal_schedule_moves_the_shutdown_with_the_same_slack(org, clock):
    WorkSchedule.objects.create(user=org["agent_a"], start_time=time(8, 0), end_time=time(17, 0))
    plan = selectors.shutdown_plan(user=org["agent_a"], on=MONDAY)
    assert plan.shutdown_at == seoul(MONDAY, 17, 30) and plan.source == "schedule"


def test_approved_flexible_schedule_changes_the_plan_on_its_dates_only(org, clock):
    agent = org["agent_a"]
    FlexibleFactory(
        user=agent,
        start_date=MONDAY,
        end_date=MONDAY + timedelta(days=2),
        weekdays=[0, 2],
        state=RequestState.APPROVED,
    )
    FlexibleFactory(
        user=agent,
        start_date=MONDAY + timedelta(days=1),
        end_date=MONDAY + timedelta(days=1),
        end_time=time(15, 0),
    )
    plans = selectors.shutdown_plans(users=[agent], dates=[MONDAY + timedelta(days=i) for i in range(4)])
    shut = [plans[(agent.pk, MONDAY + timedelta(days=i))].shutdown_at for i in range(4)]
    assert shut[0] == seoul(MONDAY, 16, 30)  # Monday, covered
    # Tuesday is not among its weekdays (and the request for Tuesday is only submitted): the usual 18:30.
    assert shut[1] == seoul(MONDAY + timedelta(days=1), 18, 30)
    assert shut[2] == seoul(MONDAY + timedelta(days=2), 16, 30)
    assert shut[3] == seoul(MONDAY + timedelta(days=3), 18, 30)  # after the period


def test_approved_overtime_moves_the_plan_and_bumps_its_version(org, clock):
    agent, manager = org["agent_a"], org["manager_a"]
    req = services.overtime_submit(user=agent, day=MONDAY, end_time=time(20, 0), reason="월말 정산")
    plan = selectors.shutdown_plan(user=agent, on=MONDAY)
    assert plan.shutdown_at == seoul(MONDAY, 18, 30) and plan.overtime == req and plan.version == 1
    services.overtime_approve(request_id=req.pk, by=manager)
    plan = selectors.shutdown_plan(user=agent, on=MONDAY)
    assert plan.shutdown_at == seoul(MONDAY, 20, 0) and plan.version == 2 and plan.source == "overtime"
    assert plan.notices_at[0] == (30, seoul(MONDAY, 19, 30))
    services.overtime_cancel(request_id=req.pk, by=agent)
    plan = selectors.shutdown_plan(user=agent, on=MONDAY)
    assert plan.shutdown_at == seoul(MONDAY, 18, 30) and plan.version == 3


def test_plans_for_many_people_take_a_fixed_number_of_queries(org, clock, django_assert_max_num_queries):
    people = [UserFactory(team=org["team_a"]) for _ in range(15)]
    with django_assert_max_num_queries(6):
        plans = selectors.shutdown_plans(users=people, dates=[MONDAY + timedelta(days=i) for i in range(7)])
    assert len(plans) == 15 * 7


def test_day_off_added_bumps_everyones_version(org, clock, admin_user):
    services.day_off_add(by=admin_user, day=MONDAY + timedelta(days=3), name="임시 휴무")
    plan = selectors.shutdown_plan(user=org["agent_b"], on=MONDAY + timedelta(days=3))
    assert plan.version == 2 and plan.shutdown_at is None
    assert not User.objects.filter(pk=org["agent_b"].pk, is_active=False).exists()


def test_one_persons_plans_equal_their_plans_among_many(org, clock, admin_user):
    """One person's plans skip the inputs they do not have: the result is the same as when they are
    planned with everyone else, for one day and for a week."""
    agent, other, manager = org["agent_a"], org["agent_b"], org["manager_a"]
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    WorkSchedule.objects.create(user=other, start_time=time(8, 0), end_time=time(17, 0))
    FlexibleFactory(
        user=agent, start_date=MONDAY, end_date=MONDAY + timedelta(days=2), state=RequestState.APPROVED
    )
    req = services.overtime_submit(
        user=agent, day=MONDAY + timedelta(days=3), end_time=time(20, 0), reason="정산"
    )
    services.overtime_approve(request_id=req.pk, by=manager)
    services.overtime_submit(user=other, day=MONDAY, end_time=time(19, 0), reason="마감")
    services.day_off_add(by=admin_user, day=MONDAY + timedelta(days=4), name="창립기념일")
    people = [agent, other, UserFactory(team=org["team_a"])]
    together = selectors.shutdown_plans(users=people, dates=week)
    for person in people:
        alone = selectors.shutdown_plans(users=[person], dates=week)
        assert alone == {key: plan for key, plan in together.items() if key[0] == person.pk}
        for day in week:
            assert selectors.shutdown_plan(user=person, on=day) == together[(person.pk, day)]
    assert together[(agent.pk, MONDAY + timedelta(days=3))].version == 2
    assert together[(agent.pk, MONDAY + timedelta(days=4))].day_name == "창립기념일"


def test_one_persons_plan_for_today_takes_two_queries(org, clock, django_assert_max_num_queries):
    # The policies, and one query telling that the agent has no schedule, flexible schedule,
    # overtime, stored version or day off today.
    with django_assert_max_num_queries(2):
        plan = selectors.shutdown_plan(user=org["agent_a"], on=MONDAY)
    assert plan.shutdown_at == seoul(MONDAY, 18, 30) and plan.version == 1
