"""The notice dispatcher (one beat task a minute): due notices once, duplicate and late runs, two
workers, downtime catch-up, plan version changes, manager reminders."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.db import connection

from accounts.models import Notification
from wellbeing import services, tasks
from wellbeing.models import OvertimeReminder, ShutdownNotice

from .conftest import MONDAY, seoul


def notices(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("verb", flat=True))


def test_nothing_is_due_before_the_first_warning(org, clock):
    clock.move_to(seoul(MONDAY, 17, 59, 59))
    assert services.notices_dispatch() == {"notices": 0, "reminders": 0}


def test_each_warning_is_sent_once_however_often_the_task_runs(
    org, clock, django_capture_on_commit_callbacks, mailoutbox
):
    clock.move_to(seoul(MONDAY, 18, 0, 5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_dispatch()["notices"] == 2  # agent_a and agent_b
        assert services.notices_dispatch()["notices"] == 0  # a duplicate run
    assert notices(org["agent_a"]) == ["Your PC shuts down at 18:30, in 30 min. Save your work."]
    assert [m.to for m in mailoutbox].count([org["agent_a"].email]) == 1
    assert "/wellbeing/overtime/new/" in next(m.body for m in mailoutbox if m.to == [org["agent_a"].email])
    clock.move_to(seoul(MONDAY, 18, 20, 30))
    services.notices_dispatch()
    clock.move_to(seoul(MONDAY, 18, 21, 30))  # a late run in the same window
    services.notices_dispatch()
    assert notices(org["agent_a"])[-1] == "Your PC shuts down at 18:30, in 10 min. Save your work."
    assert len(notices(org["agent_a"])) == 2


def test_after_downtime_only_the_latest_due_notice_is_sent(org, clock):
    clock.move_to(seoul(MONDAY, 18, 27))
    services.notices_dispatch()
    assert notices(org["agent_a"]) == ["Your PC shuts down at 18:30, in 3 min. Save your work."]
    assert list(
        ShutdownNotice.objects.filter(user=org["agent_a"]).values_list("offset_minutes", flat=True)
    ) == [5]


def test_the_shutdown_notice_is_sent_at_most_15_minutes_late(org, clock):
    clock.move_to(seoul(MONDAY, 18, 44))
    services.notices_dispatch()
    assert notices(org["agent_a"]) == ["Your PC is shutting down now (18:30). Save your work."]
    Notification.objects.all().delete()
    ShutdownNotice.objects.all().delete()
    clock.move_to(seoul(MONDAY, 18, 46))
    assert services.notices_dispatch()["notices"] == 0


def test_a_new_plan_version_gets_its_own_notices(org, clock):
    agent = org["agent_a"]
    clock.move_to(seoul(MONDAY, 18, 1))
    services.notices_dispatch()  # the 30-minute warning for 18:30 (v1)
    req = services.overtime_submit(user=agent, day=MONDAY, end_time=time(20, 0), reason="정산")
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    clock.move_to(seoul(MONDAY, 18, 26))
    services.notices_dispatch()
    assert len(notices(agent)) == 2  # the first notice, then the approval; no 18:30 warning any more
    clock.move_to(seoul(MONDAY, 19, 30, 10))
    services.notices_dispatch()
    assert notices(agent)[-1] == "Your PC shuts down at 20:00, in 30 min. Save your work."
    assert ShutdownNotice.objects.filter(user=agent, plan_version=2, offset_minutes=30).exists()


def test_the_manager_is_reminded_once_of_an_undecided_request(org, clock):
    services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="정산")
    clock.move_to(seoul(MONDAY, 18, 19))
    assert services.notices_dispatch()["reminders"] == 0
    clock.move_to(seoul(MONDAY, 18, 21))
    assert services.notices_dispatch()["reminders"] == 1
    assert services.notices_dispatch()["reminders"] == 0
    assert OvertimeReminder.objects.count() == 1
    assert any("Decide now" in v for v in notices(org["manager_a"]))


def test_the_beat_task_wraps_the_service(org, clock):
    clock.move_to(seoul(MONDAY, 18, 25, 1))
    assert tasks.dispatch_notices.delay().get() == {"notices": 2, "reminders": 0}


def test_no_notices_on_a_holiday(org, clock):
    clock.move_to(seoul(MONDAY + timedelta(days=5), 18, 25))
    assert services.notices_dispatch()["notices"] == 0


def test_a_flexible_schedule_gets_its_warnings_at_its_own_time(org, clock):
    agent, tuesday = org["agent_a"], MONDAY + timedelta(days=1)
    flexible = services.flexible_submit(
        user=agent,
        kind="childcare",
        start_date=tuesday,
        end_date=tuesday + timedelta(days=2),
        start_time=time(9, 0),
        end_time=time(16, 0),
        weekdays=[0, 1, 2, 3, 4],
        reason="어린이집 하원",
    )
    services.flexible_approve(request_id=flexible.pk, by=org["manager_a"])
    clock.move_to(seoul(tuesday, 16, 0, 5))
    assert services.notices_dispatch()["notices"] == 1
    assert notices(agent)[-1] == "Your PC shuts down at 16:30, in 30 min. Save your work."
    assert notices(org["agent_b"]) == []
    clock.move_to(seoul(tuesday, 18, 0, 5))  # the colleague's 18:30; nothing more for the early leaver
    assert services.notices_dispatch()["notices"] == 1
    assert len(notices(org["agent_b"])) == 1
    assert not ShutdownNotice.objects.filter(user=agent, shutdown_at=seoul(tuesday, 18, 30)).exists()


def test_decided_requests_are_not_reminded(org, clock):
    approved = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="정산")
    services.overtime_approve(request_id=approved.pk, by=org["manager_a"])
    rejected = services.overtime_submit(user=org["agent_b"], day=MONDAY, end_time=time(20, 0), reason="정산")
    services.overtime_reject(request_id=rejected.pk, by=org["manager_b"], comment="내일 하세요")
    for hh, mm in ((18, 21), (19, 51)):  # before the 18:30 and the 20:00 shutdowns
        clock.move_to(seoul(MONDAY, hh, mm))
        assert services.notices_dispatch()["reminders"] == 0
    assert not OvertimeReminder.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL")
def test_two_workers_at_once_send_each_notice_once(org):
    import time_machine

    with time_machine.travel(seoul(MONDAY, 18, 20, 5), tick=True):
        barrier = threading.Barrier(4)
        counts: list[int] = []

        def worker():
            from django.db import connection as conn

            barrier.wait()
            try:
                counts.append(services.notices_dispatch()["notices"])
            finally:
                conn.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(counts) == 2
    assert len(notices(org["agent_a"])) == 1 and len(notices(org["agent_b"])) == 1
