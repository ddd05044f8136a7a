"""/health/live and /health/ready: what a load balancer reads. No sign-in, no personal data, cheap."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.utils.dateparse import parse_datetime

from ops import selectors, services
from ops.models import Heartbeat
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wellbeing

READY_KEYS = {"database", "cache", "broker", "beat", "notices", "version"}


@pytest.fixture(autouse=True)
def _fresh_broker_check():
    selectors.forget_broker_state()
    yield
    selectors.forget_broker_state()


def all_up(now):
    services.heartbeat_record(name=Heartbeat.BEAT, at=now - timedelta(seconds=30))
    services.notices_dispatched(
        at=now - timedelta(seconds=20), next_due_at=now + timedelta(minutes=5), sent=0
    )


def test_live_answers_without_touching_anything(client):
    # No database access is allowed in this test: any query would fail it.
    response = client.get("/health/live", HTTP_HOST="10.0.0.7")  # a load balancer asks by address
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_200_with_every_part_ok_in_one_query(client, clock, django_assert_num_queries):
    all_up(seoul(MONDAY, 17, 0))
    selectors.broker_state()  # remembered, as it is between a load balancer's probes
    with django_assert_num_queries(1):
        response = client.get("/health/ready", HTTP_HOST="10.0.0.7")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == READY_KEYS  # nothing else: no names, no counts of people
    assert {k: v for k, v in body.items() if k != "version"} == dict.fromkeys(READY_KEYS - {"version"}, "ok")
    assert body["version"]
    assert not response.cookies  # no session for a probe


@pytest.mark.django_db
def test_ready_names_beat_late_when_its_heartbeat_is_older_than_3_minutes(client, clock):
    now = seoul(MONDAY, 17, 0)
    all_up(now)
    Heartbeat.objects.filter(name=Heartbeat.BEAT).update(at=now - timedelta(minutes=2, seconds=50))
    assert client.get("/health/ready").status_code == HTTPStatus.OK
    Heartbeat.objects.filter(name=Heartbeat.BEAT).update(at=now - timedelta(minutes=3, seconds=5))
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["beat"] == "late"
    assert response.json()["notices"] == "ok"


@pytest.mark.django_db
def test_ready_says_beat_late_before_beat_ever_ticked(client, clock):
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["beat"] == "late"


def test_ready_names_notices_late_when_a_due_notice_is_not_sent_within_2_minutes(client, org, clock):
    services.heartbeat_record(name=Heartbeat.BEAT, at=seoul(MONDAY, 18, 19))
    clock.move_to(seoul(MONDAY, 18, 19, 50))
    wellbeing.notices_dispatch()  # sends the 30-minute warning; the 10-minute one is due at 18:20
    next_due = Heartbeat.objects.get(name=Heartbeat.NOTICES).data["next_due_at"]
    assert parse_datetime(next_due) == seoul(MONDAY, 18, 20)

    clock.move_to(seoul(MONDAY, 18, 21, 50))  # due 110 s ago, the dispatcher ran 120 s ago: still ok
    services.heartbeat_record(name=Heartbeat.BEAT, at=seoul(MONDAY, 18, 21, 30))
    assert client.get("/health/ready").json()["notices"] == "ok"

    clock.move_to(seoul(MONDAY, 18, 22, 5))
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["notices"] == "late"
    assert response.json()["beat"] == "ok"

    wellbeing.notices_dispatch()  # the catch-up run sends it
    assert client.get("/health/ready").json()["notices"] == "ok"


@pytest.mark.django_db
def test_ready_names_notices_late_when_the_dispatcher_stopped_even_with_nothing_due(client, clock):
    now = seoul(MONDAY, 17, 0)
    services.heartbeat_record(name=Heartbeat.BEAT, at=now)
    services.notices_dispatched(at=now - timedelta(minutes=3), next_due_at=None, sent=0)
    assert client.get("/health/ready").json()["notices"] == "late"


@pytest.mark.django_db
def test_ready_names_the_database_down(client, clock, monkeypatch):
    def broken(names):
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "_heartbeats", broken)
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "down"
    assert response.json()["beat"] == response.json()["notices"] == "unknown"


@pytest.mark.django_db
def test_ready_names_the_cache_down(client, clock, monkeypatch):
    all_up(seoul(MONDAY, 17, 0))

    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(selectors.cache, "get", broken)
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_ready_names_the_broker_down_and_remembers_the_check_for_a_few_seconds(client, clock, settings):
    all_up(seoul(MONDAY, 17, 0))
    working = settings.CELERY_BROKER_URL  # the suite's own broker (filesystem, or Redis in CI)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["broker"] == "down"
    settings.CELERY_BROKER_URL = working
    assert client.get("/health/ready").json()["broker"] == "down"  # remembered: no new probe yet
    selectors.forget_broker_state()
    assert client.get("/health/ready").json()["broker"] == "ok"


@pytest.mark.django_db
def test_health_and_metrics_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live").status_code == HTTPStatus.OK
    assert client.get("/metrics").status_code == HTTPStatus.FORBIDDEN  # refused, not redirected
    assert client.get("/people/").status_code == HTTPStatus.MOVED_PERMANENTLY
