"""Overtime requests: every transition, who may decide, the law rules (52-hour week, night, holiday,
maternity protection, breaks) and concurrent decisions."""

from __future__ import annotations

import threading
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from accounts.models import AuditEvent, Notification
from tests.accounts.factories import ManagerFactory, UserFactory
from wellbeing import selectors, services
from wellbeing.models import (
    ManagerDelegation,
    OvertimeRequest,
    Protection,
    RequestState,
    Transition,
    WellbeingProfile,
)

from .conftest import MONDAY, seoul


def submit(agent, day=MONDAY, end=time(20, 0), **kw):
    return services.overtime_submit(
        user=agent, day=day, end_time=end, reason=kw.pop("reason", "월말 정산"), **kw
    )


def test_submit_records_a_transition_and_tells_the_manager(org, clock):
    req = submit(org["agent_a"])
    assert req.state == RequestState.SUBMITTED and req.minutes == 120 and not req.post_hoc
    t = Transition.objects.get(overtime=req)
    assert (t.from_state, t.to_state, t.by) == ("", "submitted", org["agent_a"])
    note = Notification.objects.get(recipient=org["manager_a"])
    assert "김민지" in note.verb and "20:00" in note.verb
    assert not Notification.objects.filter(recipient=org["manager_b"]).exists()


def test_after_the_shutdown_it_is_a_flagged_post_hoc_request(org, clock):
    clock.move_to(seoul(MONDAY, 18, 45))
    req = submit(org["agent_a"], end=time(19, 30))
    assert req.post_hoc
    assert "[post-hoc]" in Notification.objects.get(recipient=org["manager_a"]).verb


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"end": time(17, 0)}, "end_time", "after your scheduled end (18:00)"),
        ({"reason": "  "}, "reason", "Say why"),
        ({"day": MONDAY + timedelta(days=40)}, "date", "at most 31 days ahead"),
        ({"day": MONDAY - timedelta(days=8)}, "date", "within 7 days"),
        ({"day": MONDAY + timedelta(days=5)}, "start_time", "not a working day"),
    ],
)
def test_bad_requests_name_the_field_and_store_nothing(org, clock, kwargs, field, text):
    with pytest.raises(ValidationError) as exc:
        submit(org["agent_a"], **kwargs)
    assert text in " ".join(exc.value.message_dict[field])
    assert not OvertimeRequest.objects.exists() and not Transition.objects.exists()


def test_one_open_request_per_day(org, clock):
    submit(org["agent_a"])
    with pytest.raises(ValidationError) as exc:
        submit(org["agent_a"], end=time(21, 0))
    assert "already have an open or approved" in exc.value.message_dict["date"][0]
    assert OvertimeRequest.objects.count() == 1


def test_approve_moves_plan_audits_and_notifies(org, clock, django_capture_on_commit_callbacks, mailoutbox):
    req = submit(org["agent_a"])
    with django_capture_on_commit_callbacks(execute=True):
        services.overtime_approve(request_id=req.pk, by=org["manager_a"], comment="수고하세요")
    req.refresh_from_db()
    assert req.state == "approved" and req.decided_by == org["manager_a"] and req.decided_at is not None
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY).shutdown_at == seoul(MONDAY, 20, 0)
    t = req.transitions.last()
    assert (t.from_state, t.to_state, t.by, t.comment) == (
        "submitted",
        "approved",
        org["manager_a"],
        "수고하세요",
    )
    assert AuditEvent.objects.filter(action="wellbeing.overtime.approve", actor=org["manager_a"]).exists()
    assert any("Overtime approved" in m.subject and m.to == [org["agent_a"].email] for m in mailoutbox)


def test_reject_needs_a_reason_and_tells_the_agent(org, clock):
    req = submit(org["agent_a"])
    with pytest.raises(ValidationError) as exc:
        services.overtime_reject(request_id=req.pk, by=org["manager_a"], comment="")
    assert "reason" in exc.value.message_dict["comment"][0]
    req.refresh_from_db()
    assert req.state == "submitted"
    services.overtime_reject(request_id=req.pk, by=org["manager_a"], comment="내일 처리하세요")
    req.refresh_from_db()
    assert req.state == "rejected" and req.decision_comment == "내일 처리하세요"
    assert "내일 처리하세요" in Notification.objects.filter(recipient=org["agent_a"]).first().verb
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY).shutdown_at == seoul(MONDAY, 18, 30)


def test_cancel_by_the_agent_only(org, clock):
    req = submit(org["agent_a"])
    with pytest.raises(PermissionDenied):
        services.overtime_cancel(request_id=req.pk, by=org["manager_a"])
    services.overtime_cancel(request_id=req.pk, by=org["agent_a"], comment="필요 없어짐")
    req.refresh_from_db()
    assert req.state == "cancelled"
    with pytest.raises(services.DecisionConflict):
        services.overtime_approve(request_id=req.pk, by=org["manager_a"])


def test_approved_overtime_cannot_be_cancelled_once_worked(org, clock):
    req = submit(org["agent_a"])
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    clock.move_to(seoul(MONDAY, 20, 1))
    with pytest.raises(services.DecisionConflict):
        services.overtime_cancel(request_id=req.pk, by=org["agent_a"])


def test_undecided_requests_expire_after_their_day(org, clock):
    req = submit(org["agent_a"])
    assert services.overtime_expire_stale() == 0
    clock.move_to(seoul(MONDAY + timedelta(days=1), 0, 5))
    assert services.overtime_expire_stale() == 1
    assert services.overtime_expire_stale() == 0  # running again changes nothing
    req.refresh_from_db()
    assert req.state == "expired"
    t = req.transitions.last()
    assert t.by is None and t.to_state == "expired"


def test_only_the_team_manager_admin_or_delegate_decides(org, clock):
    req = submit(org["agent_a"])
    for outsider in (org["manager_b"], org["agent_b"], org["agent_a"]):
        with pytest.raises(PermissionDenied):
            services.overtime_approve(request_id=req.pk, by=outsider)
    req.refresh_from_db()
    assert req.state == "submitted"
    deputy = ManagerFactory()
    ManagerDelegation.objects.create(
        manager=org["manager_a"], delegate=deputy, start_date=MONDAY, end_date=MONDAY
    )
    services.overtime_approve(request_id=req.pk, by=deputy)
    req.refresh_from_db()
    assert req.state == "approved" and req.decided_by == deputy


def test_delegation_ends_with_its_period(org, clock):
    deputy = ManagerFactory()
    ManagerDelegation.objects.create(
        manager=org["manager_a"],
        delegate=deputy,
        start_date=MONDAY - timedelta(days=3),
        end_date=MONDAY - timedelta(days=1),
    )
    req = submit(org["agent_a"])
    with pytest.raises(PermissionDenied):
        services.overtime_approve(request_id=req.pk, by=deputy)


def test_nobody_approves_their_own_request(org, clock, admin_user):
    admin_user.team = org["team_a"]
    admin_user.save(update_fields=["team"])
    req = submit(admin_user)
    with pytest.raises(PermissionDenied):
        services.overtime_approve(request_id=req.pk, by=admin_user)
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])


def test_the_second_decision_gets_a_clear_message(org, clock):
    req = submit(org["agent_a"])
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    with pytest.raises(services.DecisionConflict) as exc:
        services.overtime_reject(request_id=req.pk, by=org["admin_user"], comment="아니요")
    assert "already Approved by 박지현" in str(exc.value)
    assert OvertimeRequest.objects.get(pk=req.pk).state == "approved"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises writers"
)
def test_two_managers_deciding_at_once_one_wins(org):
    import time_machine

    with time_machine.travel(seoul(MONDAY, 17, 0), tick=True):
        req = submit(org["agent_a"])
        barrier = threading.Barrier(2)
        results: list = []

        def decide(fn, user, **kw):
            from django.db import connection as conn

            barrier.wait()
            try:
                fn(request_id=req.pk, by=user, **kw)
                results.append("ok")
            except services.DecisionConflict as exc:
                results.append(str(exc))
            finally:
                conn.close()

        threads = [
            threading.Thread(target=decide, args=(services.overtime_approve, org["manager_a"])),
            threading.Thread(
                target=decide, args=(services.overtime_reject, org["admin_user"]), kwargs={"comment": "안 됨"}
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results.count("ok") == 1
    assert any("already" in r for r in results)
    assert Transition.objects.filter(overtime=req).exclude(to_state="submitted").count() == 1


# --- The law ------------------------------------------------------------------------------------
def test_weekly_overtime_cap_is_12_hours_and_counts_in_the_right_week(org, clock):
    agent, manager = org["agent_a"], org["manager_a"]
    for i in range(4):  # Monday..Thursday until 21:00: 3 h each (the extra 30-minute break is deducted)
        req = submit(agent, day=MONDAY + timedelta(days=i), end=time(21, 0))
        assert req.minutes == 180
        services.overtime_approve(request_id=req.pk, by=manager)
    with pytest.raises(ValidationError) as exc:
        submit(agent, day=MONDAY + timedelta(days=4), end=time(19, 0))
    message = exc.value.message_dict["end_time"][0]
    assert "Nov 16 (Mon)" in message and "reach 13 h (12 h already" in message and "+ 1 h now" in message
    with translation.override("ko"), pytest.raises(ValidationError) as exc:
        submit(agent, day=MONDAY + timedelta(days=4), end=time(19, 30))
    assert (
        "연장근무가 13시간 30분이 됩니다 (이미 승인·신청된 12시간 + 이번 1시간 30분)" in exc.value.messages[0]
    )
    # Sunday belongs to the same Monday–Sunday week (holiday work counts too) ...
    with pytest.raises(ValidationError):
        submit(
            agent,
            day=MONDAY + timedelta(days=6),
            start_time=time(10, 0),
            end=time(12, 0),
            consent_night_holiday=True,
        )
    # ... the next Monday starts a new week.
    assert submit(agent, day=MONDAY + timedelta(days=7), end=time(19, 0)).minutes == 60


def test_pending_requests_count_when_filing_but_only_approved_ones_when_approving(org, clock):
    agent = org["agent_a"]
    reqs = [submit(agent, day=MONDAY + timedelta(days=i), end=time(21, 0)) for i in range(4)]
    with pytest.raises(ValidationError):
        submit(agent, day=MONDAY + timedelta(days=4), end=time(19, 0))
    services.overtime_cancel(request_id=reqs[0].pk, by=agent)
    assert submit(agent, day=MONDAY + timedelta(days=4), end=time(19, 0)).minutes == 60


def test_night_and_holiday_work_are_flagged_and_breaks_deducted(org, clock):
    agent = org["agent_a"]
    night = submit(agent, end=time(22, 30))
    # 09:00–22:30 is 13.5 h with 1.5 h of breaks (30 min per 4 h): 12 h of work, 4 h of it overtime.
    assert night.is_night and not night.is_holiday and night.minutes == 240
    saturday = submit(agent, day=MONDAY + timedelta(days=5), start_time=time(10, 0), end=time(15, 0))
    assert (
        saturday.is_holiday
        and not saturday.is_night
        and saturday.minutes == 270
        and saturday.start_time == time(10, 0)
    )


def test_pregnant_staff_need_explicit_consent_for_night_or_holiday_work(org, clock):
    agent = org["agent_a"]
    WellbeingProfile.objects.create(user=agent, protection=Protection.PREGNANT)
    with pytest.raises(ValidationError) as exc:
        submit(agent, end=time(22, 30))
    assert "explicit consent" in exc.value.message_dict["consent_night_holiday"][0]
    assert not OvertimeRequest.objects.exists()
    assert submit(agent, end=time(20, 0)).minutes == 120  # evening work before 22:00 needs no consent
    req = submit(agent, day=MONDAY + timedelta(days=1), end=time(22, 30), consent_night_holiday=True)
    assert req.consent_night_holiday and req.is_night


def test_protection_ends_on_its_date(org, clock):
    agent = UserFactory(team=org["team_a"])
    WellbeingProfile.objects.create(
        user=agent, protection=Protection.POSTPARTUM, protection_until=MONDAY - timedelta(days=1)
    )
    assert submit(agent, end=time(22, 30)).is_night


def test_pregnant_staff_need_explicit_consent_for_holiday_work_too(org, clock):
    agent = org["agent_a"]
    WellbeingProfile.objects.create(user=agent, protection=Protection.PREGNANT)
    saturday = MONDAY + timedelta(days=5)
    with pytest.raises(ValidationError) as exc:
        submit(agent, day=saturday, start_time=time(10, 0), end=time(15, 0))
    assert "explicit consent" in exc.value.message_dict["consent_night_holiday"][0]
    assert not OvertimeRequest.objects.exists() and not Transition.objects.exists()
    req = submit(agent, day=saturday, start_time=time(10, 0), end=time(15, 0), consent_night_holiday=True)
    assert req.is_holiday and req.consent_night_holiday
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])  # the consent travels with it


def test_work_on_a_weekday_public_holiday_is_holiday_work_and_counts_in_its_week(org, clock):
    agent, manager = org["agent_a"], org["manager_a"]
    monday, christmas = date(2026, 12, 21), date(2026, 12, 25)  # 성탄절 is a Friday in 2026
    clock.move_to(seoul(monday, 9, 0))
    assert selectors.shutdown_plan(user=agent, on=christmas).shutdown_at is None
    xmas = submit(agent, day=christmas, start_time=time(10, 0), end=time(18, 0))
    # 8 h on site less the 30-minute legal break: 7.5 h, all of it holiday work.
    assert xmas.is_holiday and not xmas.is_night and xmas.minutes == 450 and not xmas.post_hoc
    services.overtime_approve(request_id=xmas.pk, by=manager)
    plan = selectors.shutdown_plan(user=agent, on=christmas)
    assert plan.shutdown_at == seoul(christmas, 18, 0) and plan.start_at == seoul(christmas, 10, 0)
    services.overtime_approve(request_id=submit(agent, day=monday, end=time(21, 0)).pk, by=manager)  # 3 h
    with pytest.raises(ValidationError) as exc:
        submit(agent, day=monday + timedelta(days=1), end=time(20, 0))  # 2 h more: 12.5 h
    message = exc.value.message_dict["end_time"][0]
    assert "Dec 21 (Mon)" in message and "reach 12 h 30 min (10 h 30 min already" in message
    assert "+ 2 h now" in message
    assert submit(agent, day=monday + timedelta(days=1), end=time(19, 30)).minutes == 90  # exactly 12 h
    assert OvertimeRequest.objects.filter(user=agent).count() == 3
