"""/metrics: Prometheus text behind a token (or the proxy), with latency, search, notices, queues."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from knowledge.search.interface import search
from ops import metrics
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wellbeing

TOKEN = "s3cret-metrics-token"


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_explicit_open_setting(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_OPEN = False
    assert client.get("/metrics").status_code == HTTPStatus.FORBIDDEN
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == HTTPStatus.OK
    settings.METRICS_TOKEN = ""
    settings.METRICS_OPEN = True  # the proxy keeps /metrics internal
    assert client.get("/metrics").status_code == HTTPStatus.OK


def test_metrics_show_latency_by_route_search_notices_and_queues(client, org, clock, settings):
    settings.METRICS_TOKEN = TOKEN
    client.force_login(org["agent_a"])
    client.get(reverse("home"))
    search(user=org["agent_a"], client=org["client_a"], query="카드분실")  # no articles: zero results
    clock.move_to(seoul(MONDAY, 18, 0, 10))
    wellbeing.notices_dispatch()
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'dasan_http_request_duration_seconds_count{method="GET",route="home"}' in text
    assert "dasan_search_duration_seconds_count" in text
    assert "dasan_search_zero_results_total" in text
    assert "dasan_notices_sent_today 2.0" in text
    assert "dasan_notices_late_today 0.0" in text
    assert 'dasan_queue_depth{queue="urgent"}' in text
    assert 'dasan_queue_depth{queue="bulk"}' in text
    assert 'dasan_heartbeat_age_seconds{name="notices"}' in text


def test_a_zero_result_search_counts_as_one(org):
    before_all = metrics.SEARCHES._value.get()
    before_empty = metrics.SEARCHES_EMPTY._value.get()
    search(user=org["agent_a"], client=org["client_a"], query="없는말")
    assert metrics.SEARCHES._value.get() == before_all + 1
    assert metrics.SEARCHES_EMPTY._value.get() == before_empty + 1
    search(user=org["agent_a"], client=org["client_a"], query="   ")  # nothing typed: not a search
    assert metrics.SEARCHES._value.get() == before_all + 1


@pytest.mark.django_db
def test_import_rows_per_second_come_from_the_last_finished_import(client, settings, org):
    from datetime import timedelta

    from django.utils import timezone

    from knowledge.calls.models import ImportJob, ImportStatus

    settings.METRICS_OPEN = True
    end = timezone.now()
    ImportJob.objects.create(
        client=org["client_a"],
        original_name="calls.csv",
        file_kind="csv",
        status=ImportStatus.DONE,
        rows_processed=50_000,
        started_at=end - timedelta(seconds=10),
        finished_at=end,
    )
    assert "dasan_import_rows_per_second 5000.0" in client.get("/metrics").content.decode()
