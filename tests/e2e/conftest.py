"""Browser journeys: Playwright driving Debian's Chromium against a live test server.

Skipped, with the reason printed, where Chromium is not installed (`make e2e-deps` installs it;
CI always does). Screenshots land in var/screenshots/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = os.environ.get("DASAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Requests the live server is still answering. A search typed as you type may still be running on
# the server after the browser cancelled it; the test's teardown (a TRUNCATE on PostgreSQL) must
# wait for it, or the two deadlock.
_in_flight = 0
_idle = threading.Condition()


def _live_server_thread() -> bool:
    return threading.current_thread() is not threading.main_thread()  # the test client runs in main


def _started(**_kwargs):
    global _in_flight
    if _live_server_thread():
        with _idle:
            _in_flight += 1


def _finished(**_kwargs):
    global _in_flight
    if _live_server_thread():
        with _idle:
            _in_flight = max(0, _in_flight - 1)
            _idle.notify_all()


request_started.connect(_started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(_finished, dispatch_uid="e2e-in-flight-finished")


def _wait_for_live_server_idle(timeout: float = 10.0) -> None:
    global _in_flight
    with _idle:
        if not _idle.wait_for(lambda: _in_flight == 0, timeout=timeout):
            _in_flight = 0  # a request that never finished must not hold every later test


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    have_browser = Path(CHROMIUM).exists() or shutil.which("chromium")
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            if "celery_worker" in getattr(item, "fixturenames", ()):
                # tests/conftest.py gives such a session a test database a second process can open.
                item.add_marker(pytest.mark.real_worker)
            if not have_browser:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium not found at {CHROMIUM}: run `make e2e-deps` (apt-get install chromium fonts-noto-cjk)"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(viewport=..., locale=...)` opens a fresh browser context on the live server."""
    contexts = []

    def make(viewport=None, locale="ko-KR", **kwargs):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1366, "height": 768},
            locale=locale,
            **kwargs,
        )
        context.set_default_timeout(20_000)  # a loaded CI machine can take over 10 s for a first page
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    _wait_for_live_server_idle()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def login(live_server):
    """Sign in through the real login form (and the TOTP step for users who have it)."""
    from tests.accounts.factories import totp_code_for

    def do_login(page, user, password="correct-horse-battery"):
        page.goto("/accounts/login/")
        page.locator("#id_login").fill(user.email)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="로그인").or_(
            page.get_by_role("button", name="Sign in")
        ).first.click()
        if getattr(user, "totp_secret", None):
            page.wait_for_url("**/2fa/authenticate/**")
            page.locator("input[name=code]").fill(totp_code_for(user.totp_secret, typed=True))
            page.locator("button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/" not in url)
        return page

    return do_login


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker):
    """One worker for the session, started by the first journey that needs it; torn down before the
    test database is."""
    from django.db import connection

    from config.celery import app

    from .worker import Worker

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("memory" in name or not name):
        raise RuntimeError("the real worker needs a file-based SQLite test database (see tests/conftest.py)")
    worker = Worker(app).start()
    yield worker
    worker.stop()
    assert not worker.is_alive()


@pytest.fixture
def celery_worker(request, _celery_worker_process, transactional_db):
    """Tasks sent from this test (and from the live server's requests) go through the broker to the
    real worker instead of running eagerly. A failing test prints what the worker logged meanwhile."""
    from config.celery import app

    worker = _celery_worker_process
    assert worker.is_alive(), f"the Celery worker died:\n{worker.log()}"
    request.node._celery_worker_log = (worker, worker.offset())
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield worker
    app.conf.task_always_eager = eager


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    seen = getattr(item, "_celery_worker_log", None)
    if report.failed and seen:
        worker, offset = seen
        report.sections.append(("Celery worker log", worker.log(offset) or "(the worker printed nothing)"))
    return report
