"""A worker killed in the middle of the notice dispatcher, a call import or a mining run: running
again sends nothing twice and loses nothing.

The kill is simulated by raising WorkerKilled (a BaseException, so no `except Exception` in the
code catches it) at the worst moment: the open transaction rolls back and only what had committed
stays, exactly what a process killed there leaves behind. The bounded redelivery of the Celery
settings is checked at the end.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Notification
from knowledge.calls import services as calls
from knowledge.calls.models import CallRecord, ImportJob, ImportStatus, MiningRun, MiningStatus, Topic
from tests.accounts.factories import UserFactory
from tests.knowledge.calls.conftest import HEADER, rows_fixture
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wellbeing
from wellbeing.models import ShutdownNotice

POSTGRES_ONLY = "needs PostgreSQL (DATABASE_URL=postgres://…): advisory locks and real threads"


class WorkerKilled(BaseException):
    """What the process would feel if the OOM killer or a deploy took it now."""


def killed_on_call(n: int, real):
    calls_made = {"n": 0}

    def wrapper(*args, **kwargs):
        calls_made["n"] += 1
        if calls_made["n"] == n:
            raise WorkerKilled
        return real(*args, **kwargs)

    return wrapper


def _after_stale():
    """The moment a dead worker's heartbeat counts as stale (what the embedded mode relies on)."""
    return time_machine.travel(
        timezone.now() + timedelta(seconds=settings.CALLS_WORK_STALE_SECONDS + 60), tick=False
    )


# --- The shutdown notice dispatcher ---------------------------------------------------------------
def test_dispatcher_killed_half_way_sends_each_notice_once_on_the_next_run(
    org, django_capture_on_commit_callbacks, mailoutbox
):
    agents = [org["agent_a"], org["agent_b"], *UserFactory.create_batch(4, team=org["team_a"])]
    with time_machine.travel(seoul(MONDAY, 18, 0, 5), tick=False):
        with (
            django_capture_on_commit_callbacks(execute=True),
            mock.patch.object(wellbeing, "notify", killed_on_call(3, wellbeing.notify)),
            pytest.raises(WorkerKilled),
        ):
            wellbeing.notices_dispatch()
        # Two notices committed with their claims; the third rolled back with its claim.
        assert ShutdownNotice.objects.count() == Notification.objects.count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert wellbeing.notices_dispatch()["notices"] == 4  # the beat's next minute
            assert wellbeing.notices_dispatch()["notices"] == 0
    for agent in agents:
        assert Notification.objects.filter(recipient=agent).count() == 1, agent
        assert [m.to for m in mailoutbox].count([agent.email]) == 1, agent


# --- Call imports ---------------------------------------------------------------------------------
def _queued_job(org) -> ImportJob:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows_fixture())
    upload = SimpleUploadedFile("calls.csv", buffer.getvalue().encode("utf-8"))
    job = calls.import_upload(client=org["client_a"], by=org["manager_a"], upload=upload)
    # Queue it; the test plays the worker (the task is sent on commit, which a test never reaches).
    return calls.import_start(job=job, by=org["manager_a"], mapping=job.mapping)


def _killed_import(job):
    from knowledge.calls.importers import pipeline

    with mock.patch.object(pipeline.Stage, "upsert", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        calls.import_execute(job_id=job.pk)


def test_import_killed_before_storing_is_run_again_and_stores_each_call_once(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = _queued_job(org)
    _killed_import(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.attempts == 1
    assert not CallRecord.objects.exists()  # the upsert is all-or-nothing
    if connection.vendor == "sqlite":
        # Redelivered at once: the heartbeat is fresh, so this could be a live worker. Leave it.
        assert calls.import_execute(job_id=job.pk).status == ImportStatus.RUNNING
        stale = _after_stale()
    else:
        stale = time_machine.travel(timezone.now(), tick=True)  # the lease alone says it is dead
    with stale:
        done = calls.import_execute(job_id=job.pk)
    assert done.status == ImportStatus.DONE and done.attempts == 2
    assert CallRecord.objects.filter(client=org["client_a"]).count() == 3
    # A third delivery of the same message: nothing to do twice.
    assert calls.import_execute(job_id=job.pk).status == ImportStatus.DONE
    assert CallRecord.objects.count() == 3
    assert (
        Notification.objects.filter(recipient=org["manager_a"], verb__startswith="Call import").count() == 1
    )


def test_an_import_that_kills_its_worker_every_time_is_given_up(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CALLS_WORK_STALE_SECONDS = 0
    job = _queued_job(org)
    upload = job.file_path
    for _attempt in range(settings.CALLS_WORK_MAX_ATTEMPTS):
        _killed_import(job)
    failed = calls.import_execute(job_id=job.pk)
    assert failed.status == ImportStatus.FAILED and "stopped 3 times" in failed.message
    assert not CallRecord.objects.exists()
    from pathlib import Path

    assert not Path(upload).exists()  # the export with phone numbers does not linger


def test_lost_tasks_are_sent_again_by_the_sweeper(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = _queued_job(org)  # its message never reached a worker (a broker restart)
    assert calls.recover_stalled_work() == {"imports": 0, "mining": 0}  # not stale yet
    with _after_stale():
        assert calls.recover_stalled_work() == {"imports": 1, "mining": 0}
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and CallRecord.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY)
@pytest.mark.django_db(transaction=True)
def test_an_import_running_in_a_live_worker_is_not_run_again(settings, tmp_path):
    """Real commits and a second connection holding the lease, as a live worker does."""
    from knowledge.calls import tasks
    from tests.accounts.factories import ClientCompanyFactory, ManagerFactory, TeamFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = ManagerFactory()
    client = ClientCompanyFactory()
    UserFactory(team=TeamFactory(manager=manager), clients=[client])
    with mock.patch.object(tasks.import_calls_task, "delay_on_commit"):  # the test is the worker
        job = _queued_job({"client_a": client, "manager_a": manager})
    holding, release = threading.Event(), threading.Event()

    def live_worker():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [calls.IMPORT_LEASE, job.pk])
                ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()  # the worker dies: PostgreSQL drops its lease

    worker = threading.Thread(target=live_worker)
    worker.start()
    assert holding.wait(10)
    try:
        assert calls.import_execute(job_id=job.pk).status == ImportStatus.RUNNING  # left alone
        assert not CallRecord.objects.exists()
    finally:
        release.set()
        worker.join()
    # Its worker died without finishing: the lease is gone, so the next delivery runs it.
    assert calls.import_execute(job_id=job.pk).status == ImportStatus.DONE
    assert CallRecord.objects.count() == 3


# --- Topic mining ---------------------------------------------------------------------------------
def _topics(run, labels):
    return [
        Topic(run=run, client=run.client, rank=i, label=label, keywords=[label], size=1)
        for i, label in enumerate(labels)
    ]


def test_mining_killed_while_replacing_topics_keeps_the_old_ones_then_replaces_them_once(org):
    today = timezone.localdate()
    run = MiningRun.objects.create(
        client=org["client_a"],
        period_start=today - timedelta(days=30),
        period_end=today,
        status=MiningStatus.DONE,
        requested_by=org["manager_a"],
    )
    Topic.objects.bulk_create(_topics(run, ["이전 주제 1", "이전 주제 2"]))
    calls.mining_request(client=run.client, since=run.period_start, until=run.period_end, by=org["manager_a"])
    new = {"record_count": 10, "topic_count": 3}
    with mock.patch.object(
        calls, "_mine", side_effect=lambda r: (_topics(r, ["분실", "해외", "포인트"]), new)
    ):
        with (
            mock.patch.object(Topic.objects, "bulk_create", side_effect=WorkerKilled),
            pytest.raises(WorkerKilled),
        ):
            calls.mining_execute(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == MiningStatus.RUNNING
        # The deletion of the old topics rolled back with the failed insert: nothing lost.
        assert sorted(run.topics.values_list("label", flat=True)) == ["이전 주제 1", "이전 주제 2"]
        with _after_stale() if connection.vendor == "sqlite" else time_machine.travel(timezone.now()):
            calls.mining_execute(run_id=run.pk)
            calls.mining_execute(run_id=run.pk)  # a duplicate delivery
    run.refresh_from_db()
    assert run.status == MiningStatus.DONE and run.topic_count == 3
    assert sorted(run.topics.values_list("label", flat=True)) == ["분실", "포인트", "해외"]


def test_a_mining_run_stuck_running_can_be_asked_for_again(org):
    today = timezone.localdate()
    run = MiningRun.objects.create(
        client=org["client_a"],
        period_start=today - timedelta(days=7),
        period_end=today,
        status=MiningStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=2),
        attempts=1,
    )
    again = calls.mining_request(
        client=run.client, since=run.period_start, until=run.period_end, by=org["manager_a"]
    )
    assert again.pk == run.pk and again.status == MiningStatus.QUEUED and again.attempts == 0


# --- Celery: late acks, redelivery on a lost worker, bounded ---------------------------------------
def test_celery_redelivers_a_lost_task_and_the_redelivery_is_bounded():
    from config.celery import app

    assert app.conf.task_acks_late is True  # acknowledged after the work, not before
    assert app.conf.task_reject_on_worker_lost is True  # a killed worker's task goes back
    assert app.conf.worker_prefetch_multiplier == 1  # a dying worker holds at most one extra
    # With Redis, a task not acknowledged in time is delivered again: longer than any task runs.
    from config import settings as real

    if real.CELERY_BROKER_URL.startswith("redis"):
        timeout = real.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert 1800 <= timeout <= 6 * 3600
    # Each delivery of an import or mining run counts; after the last one it is given up.
    assert 1 <= settings.CALLS_WORK_MAX_ATTEMPTS <= 5
    assert settings.CALLS_WORK_STALE_SECONDS >= 300
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"knowledge.calls.recover_stalled", "knowledge.calls.purge_uploads"} <= tasks
