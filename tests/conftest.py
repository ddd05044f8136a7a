"""Shared fixtures: a small organisation with two clients, two teams and one person of each role.

- agent_a serves client_a and sits in team_a, managed by manager_a;
- agent_b serves client_b and sits in team_b, managed by manager_b;
- admin sees everything. Managers and the admin have TOTP on (MFA is required for them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.accounts.factories import (
    AdminFactory,
    ClientCompanyFactory,
    ManagerFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """SQLite test databases live in memory, which a second process cannot open. When the session
    runs journeys through a real Celery worker (tests/e2e/worker.py), the test database is a file
    under var/ instead, created afresh; other sessions keep the faster in-memory database."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3"):
        return
    wanted = os.environ.get("DASAN_TEST_DB_FILE") == "1"  # to compare timings, or to look inside
    if not wanted and not any(item.get_closest_marker("real_worker") for item in request.session.items):
        return
    path = Path(settings.VAR_DIR) / "test-worker-db.sqlite3"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and TOTP replay protection live in the cache: tests must not share them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates the request's language for the thread and nothing deactivates it,
    # so a test that asked in Korean would leave later tests (which expect English) in Korean.
    yield
    translation.deactivate()


@pytest.fixture
def client_a(db):
    return ClientCompanyFactory(slug="hanbit-card", name="한빛카드")


@pytest.fixture
def client_b(db):
    return ClientCompanyFactory(slug="nuri-telecom", name="누리텔레콤")


@pytest.fixture
def manager_a(db):
    return ManagerFactory(email="manager.a@dasan.test", name="박지현")


@pytest.fixture
def manager_b(db):
    return ManagerFactory(email="manager.b@dasan.test", name="최동욱")


@pytest.fixture
def team_a(manager_a):
    return TeamFactory(name="상담1팀", manager=manager_a)


@pytest.fixture
def team_b(manager_b):
    return TeamFactory(name="상담2팀", manager=manager_b)


@pytest.fixture
def agent_a(team_a, client_a):
    return UserFactory(email="agent.a@dasan.test", name="김민지", team=team_a, clients=[client_a])


@pytest.fixture
def agent_b(team_b, client_b):
    return UserFactory(email="agent.b@dasan.test", name="이서준", team=team_b, clients=[client_b])


@pytest.fixture
def admin_user(db):
    return AdminFactory(email="admin@dasan.test", name="관리자")


@pytest.fixture
def org(agent_a, agent_b, manager_a, manager_b, admin_user, client_a, client_b, team_a, team_b):
    """Everything above at once, by name."""
    return locals()


@pytest.fixture
def as_user(client):
    """`as_user(user)` returns the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
