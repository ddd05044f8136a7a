"""Queues by urgency: every task is routed to `urgent` or `bulk`, the Procfiles start a worker pool
for each, and with real workers on a real broker a long import on the bulk worker does not hold the
minute's shutdown notices back."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from config.celery import BULK, QUEUES, TASK_QUEUES, URGENT, app
from tests.ops.test_worker_registry import ROOT, tasks_defined_in_code


def test_every_task_in_the_code_has_a_queue_and_no_route_names_a_missing_task():
    defined = tasks_defined_in_code()
    assert not sorted(set(defined) - set(TASK_QUEUES)), "add these tasks to TASK_QUEUES in config/celery.py"
    assert not sorted(set(TASK_QUEUES) - set(defined)), "TASK_QUEUES names tasks that no longer exist"
    assert set(TASK_QUEUES.values()) <= set(QUEUES)


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("wellbeing.tasks.dispatch_notices", URGENT),
        ("accounts.tasks.send_notification_emails", URGENT),
        ("knowledge.calls.import", BULK),
        ("knowledge.calls.mine", BULK),
        ("reports.build_snapshot", BULK),
        ("some.future.task", BULK),  # unrouted work never lands in front of the notices
    ],
)
def test_tasks_are_routed_by_urgency(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_beat_entry_goes_to_a_queue_a_worker_consumes():
    for name, entry in app.conf.beat_schedule.items():
        queue = (
            entry.get("options", {}).get("queue") or app.amqp.router.route({}, entry["task"])["queue"].name
        )
        assert queue in QUEUES, name


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_the_procfiles_start_a_worker_for_each_queue_and_one_beat(procfile):
    lines = (ROOT / procfile).read_text().splitlines()
    consumed = []
    for line in lines:
        if " worker " in line:
            consumed += re.search(r"--queues (\S+)", line).group(1).split(",")
    assert sorted(consumed) == sorted(QUEUES)
    assert sum(" beat " in f" {line} " for line in lines) == 1


# --- Real workers ---------------------------------------------------------------------------------
def _redis_url() -> str | None:
    import redis

    url = os.environ.get("QUEUE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        return None
    return url


@pytest.fixture(scope="module")
def drill_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """A database the worker processes can open: the test database on PostgreSQL (rows committed by
    the drill, removed afterwards), a migrated SQLite file otherwise (the suite's is in memory)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        yield f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    folder = tmp_path_factory.mktemp("drill-db")
    url = f"sqlite:///{folder / 'drill.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=300,
    )
    yield url


def _start_worker(queue: str, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", queue,
         "--hostname", f"{queue}@drill", "--concurrency", "1", "--include", "tests.ops.slow_tasks",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGQUIT)  # cold shutdown: do not wait for the long import
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker_kind", ["filesystem", "redis"])
def test_a_notice_due_now_is_dispatched_within_a_minute_while_a_long_import_holds_the_bulk_worker(
    broker_kind, drill_database, tmp_path
):
    if broker_kind == "redis":
        broker_url = _redis_url()
        if broker_url is None:
            pytest.skip(reason="no Redis at QUEUE_TEST_REDIS_URL (default redis://127.0.0.1:6379/11)")
        import redis

        redis.Redis.from_url(broker_url).delete(*QUEUES)
    else:
        broker_url = "filesystem://"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": drill_database,
        "CELERY_BROKER_URL": broker_url,
        "DASAN_VAR_DIR": str(tmp_path),  # its own filesystem broker folders
        "DRILL_MARKER": str(tmp_path / "long-import"),
        "CACHE_URL": "locmemcache://drill",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    workers = [_start_worker(q, env, tmp_path / f"{q}.log") for q in QUEUES]
    try:
        drill = subprocess.run(
            [sys.executable, "-m", "tests.ops.queue_drill"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    finally:
        for proc in workers:
            _stop(proc)
        if broker_kind == "redis":
            import redis

            redis.Redis.from_url(broker_url).delete(*QUEUES)
    assert drill.returncode == 0, drill.stderr[-3000:]
    result = json.loads(drill.stdout.strip().splitlines()[-1])
    if "skip" in result:
        pytest.skip(reason=result["skip"])
    logs = {q: (tmp_path / f"{q}.log").read_text()[-3000:] for q in QUEUES}
    assert result["dispatched"], logs
    assert result["seconds"] < 60
    assert result["offset_minutes"] == 10  # the warning due this minute
    assert result["import_still_running"]  # the bulk worker was busy the whole time
    assert result["queue_depth"][BULK] >= 1  # and bulk work waited behind the import
    assert result["broker"] == broker_kind
    print(f"\nqueue drill on {broker_kind}: {result}")
