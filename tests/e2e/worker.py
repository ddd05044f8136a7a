"""A real Celery worker for the browser journeys: `celery -A config worker` as a subprocess.

It runs the test settings with tasks not eager, on the test database the suite created (a file
under var/ on SQLite, see tests/conftest.py) and on the broker the suite is configured with: the
embedded filesystem transport by default, Redis when CELERY_BROKER_URL says so. It consumes every
queue the Celery app defines. It is always stopped: by the fixture, at interpreter exit, and by
the kernel if pytest itself dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "var" / "test-worker"
READY_TIMEOUT = 90.0
PR_SET_PDEATHSIG = 1


def queue_names(app, also=()) -> list[str]:
    """Every queue the app can route a task to: `task_queues`, the queues named in `task_routes` and
    `also` (config.celery's `QUEUES`, if it defines one), else the default queue."""
    names: list[str] = []

    def add(name):
        if name and name not in names:
            names.append(name)

    queues = app.conf.task_queues or ()
    for queue in queues.values() if isinstance(queues, dict) else queues:
        add(getattr(queue, "name", queue))
    routes = app.conf.task_routes or {}
    for route in routes.values() if isinstance(routes, dict) else []:
        add(route.get("queue") if isinstance(route, dict) else route if isinstance(route, str) else None)
    for queue in also:
        add(getattr(queue, "name", queue))
    if not names:
        add(app.conf.task_default_queue)
    return names


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Worker:
    """One worker process; `log_since(offset)` reads what it printed."""

    def __init__(self, app):
        self.app = app
        from config import celery as celery_module

        self.queues = queue_names(app, also=getattr(celery_module, "QUEUES", ()))
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"worker-{os.getpid()}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DASAN_REAL_WORKER": "1",
            "DASAN_WORKER_DB_NAME": str(connection.settings_dict["NAME"]),
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--hostname",
            f"e2e-{os.getpid()}@%h",
            "--queues",
            ",".join(self.queues),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            # Messages left over by an earlier, interrupted run would act on rows that no longer exist.
            "--purge",
        ]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        atexit.register(self.stop)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited ({self.process.returncode}):\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the Celery worker was not ready after {READY_TIMEOUT:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # Its own session: the signal reaches the worker and anything it started.
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log(self, since: int = 0) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as fh:
            fh.seek(since)
            return fh.read().decode("utf-8", "replace")


def wait_for(predicate, *, what: str, worker: Worker | None = None, timeout: float = 90.0):
    """Poll `predicate()` (which reads the database) until it is true while the worker does the work;
    fail early, with the worker's log, if the worker dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and not worker.is_alive():
            raise AssertionError(f"the Celery worker died while waiting for {what}:\n{worker.log()}")
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
