"""Watching the watchers: beat's heartbeat, the queue probes, and the watchdog that alerts the admins
once when notice dispatch or a queue stops, and once when it recovers."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from config.celery import BULK, QUEUES, URGENT, app
from ops import services, tasks
from ops.models import Heartbeat, Incident
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wellbeing
from wellbeing.models import ShutdownNotice


def admin_alerts(org):
    return list(
        Notification.objects.filter(recipient=org["admin_user"]).order_by("id").values_list("verb", flat=True)
    )


def test_a_missed_minute_of_dispatch_alerts_the_admins_once_and_again_when_it_recovers(
    org, clock, django_capture_on_commit_callbacks, mailoutbox
):
    clock.move_to(seoul(MONDAY, 17, 0, 5))
    wellbeing.notices_dispatch()
    services.watchdog_run()
    assert admin_alerts(org) == []

    clock.move_to(seoul(MONDAY, 17, 2, 10))  # the 17:01 and 17:02 runs never happened
    with django_capture_on_commit_callbacks(execute=True):
        assert services.watchdog_run() == {"opened": ["notices"], "closed": []}
        clock.move_to(seoul(MONDAY, 17, 3, 10))
        assert services.watchdog_run() == {"opened": [], "closed": []}  # told once
    assert admin_alerts(org) == ["Operations alert: shutdown notice dispatch"]
    assert [m.to for m in mailoutbox] == [[org["admin_user"].email]]
    assert "17:00" in mailoutbox[0].body  # when it last ran
    # Nobody but the admins hears about it.
    assert not Notification.objects.exclude(recipient=org["admin_user"]).filter(verb__startswith="Operations")

    wellbeing.notices_dispatch()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.watchdog_run()["closed"] == ["notices"]
        assert services.watchdog_run()["closed"] == []
    assert admin_alerts(org)[-1] == "Recovered: shutdown notice dispatch"
    assert len(mailoutbox) == 2
    incident = Incident.objects.get()
    assert incident.ended_at == seoul(MONDAY, 17, 3, 10)


def test_a_worker_that_stops_taking_tasks_alerts_after_its_queues_stale_time(org, clock):
    now = seoul(MONDAY, 10, 0)
    clock.move_to(now)
    wellbeing.notices_dispatch()  # dispatch is fine throughout
    services.queue_probed(queue=URGENT, sent_at=None, worker="urgent@host1")
    services.queue_probed(queue=BULK, sent_at=None, worker="bulk@host2")

    clock.move_to(now + timedelta(minutes=3, seconds=30))
    wellbeing.notices_dispatch()
    # The urgent queue must never wait 3 minutes; a long import may hold the bulk one for a while.
    assert services.watchdog_run()["opened"] == ["queue:urgent"]
    assert admin_alerts(org) == ["Operations alert: the urgent queue's workers"]

    clock.move_to(now + timedelta(minutes=31))
    wellbeing.notices_dispatch()
    assert services.watchdog_run()["opened"] == ["queue:bulk"]

    services.queue_probed(queue=URGENT, sent_at=None, worker="urgent@host1")
    assert services.watchdog_run() == {"opened": [], "closed": ["queue:urgent"]}
    assert admin_alerts(org)[-1] == "Recovered: the urgent queue's workers"
    assert Incident.objects.filter(ended_at__isnull=True).get().kind == "queue:bulk"


def test_two_watchdogs_on_two_queues_alert_once(org, clock):
    clock.move_to(seoul(MONDAY, 17, 0))
    wellbeing.notices_dispatch()
    clock.move_to(seoul(MONDAY, 17, 5))
    # The watchdog runs on both queues each minute; the open incident is unique in the database.
    tasks.watchdog.apply()
    tasks.watchdog.apply()
    assert admin_alerts(org) == ["Operations alert: shutdown notice dispatch"]
    assert Incident.objects.count() == 1


def test_catch_up_after_an_outage_sends_only_what_is_still_useful_and_the_alert_tells_of_it(org, clock):
    agent = org["agent_a"]
    clock.move_to(seoul(MONDAY, 17, 59, 30))
    wellbeing.notices_dispatch()
    # Beat and the workers are down from 18:00 to 18:27: the 30- and 10-minute warnings are missed.
    clock.move_to(seoul(MONDAY, 18, 27, 5))
    services.watchdog_run()  # the first watchdog after the restart
    assert admin_alerts(org) == ["Operations alert: shutdown notice dispatch"]
    wellbeing.notices_dispatch()
    # Only the warning still useful now (5 minutes before) goes out, not the stale ones.
    assert list(ShutdownNotice.objects.filter(user=agent).values_list("offset_minutes", flat=True)) == [5]
    assert list(Notification.objects.filter(recipient=agent).values_list("verb", flat=True)) == [
        "Your PC shuts down at 18:30, in 3 min. Save your work."
    ]
    services.watchdog_run()
    assert admin_alerts(org)[-1] == "Recovered: shutdown notice dispatch"


@pytest.mark.django_db
def test_beats_heartbeat_is_one_row_however_often_it_runs_and_keeps_the_send_time():
    sent = timezone.now() - timedelta(seconds=40)
    for _ in range(3):
        tasks.heartbeat.apply(headers={"dasan_sent_at": sent.timestamp()})
    beat = Heartbeat.objects.get(name=Heartbeat.BEAT)
    assert abs((beat.at - sent).total_seconds()) < 0.01  # beat's tick, not the worker's delay
    assert Heartbeat.objects.count() == 1


@pytest.mark.django_db
def test_a_probe_marks_its_queue_and_worker_as_seen():
    sent = timezone.now() - timedelta(seconds=5)
    tasks.probe.apply(args=(BULK,), headers={"dasan_sent_at": sent.timestamp()})
    probe = Heartbeat.objects.get(name="queue:bulk")
    assert probe.data["waited_seconds"] >= 5
    worker = probe.data["worker"]
    assert worker
    assert Heartbeat.objects.get(name=f"worker:{worker}").data == {"queue": BULK}


def test_beat_ticks_the_heartbeat_and_probes_and_watches_every_queue_each_minute():
    entries = app.conf.beat_schedule.values()
    minute = [e for e in entries if e["schedule"].minute == set(range(60))]
    assert {e["task"] for e in minute} >= {"ops.tasks.heartbeat", "ops.tasks.probe", "ops.tasks.watchdog"}
    assert {e["options"]["queue"] for e in minute if e["task"] == "ops.tasks.probe"} == set(QUEUES)
    assert {e["options"]["queue"] for e in minute if e["task"] == "ops.tasks.watchdog"} == set(QUEUES)
    # A copy stuck behind a long job is dropped instead of running late.
    assert all(e["options"]["expires"] <= 60 for e in minute if e["task"].startswith("ops."))


def test_the_send_time_stamp_is_added_to_every_message():
    from config.celery import _stamp_sent_at

    headers = {"task": "x"}
    _stamp_sent_at(headers=headers)
    assert abs(headers["dasan_sent_at"] - timezone.now().astimezone(UTC).timestamp()) < 5


@pytest.mark.django_db
def test_a_fresh_install_alerts_nobody_before_the_first_dispatch_and_probes():
    assert services.watchdog_run() == {"opened": [], "closed": []}
    assert not Incident.objects.exists()
