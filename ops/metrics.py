"""Prometheus metrics. Counted in the process that sees them: request and search latency (web).
Read at scrape time from the database and the broker: notices, queues, imports, heartbeats, so they
are right whichever host ran the work. With several gunicorn processes set PROMETHEUS_MULTIPROC_DIR
(see docs/operations.md): each process writes its counters there and /metrics adds them up."""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "dasan_http_request_duration_seconds",
    "Time to answer a request, by route name and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter(
    "dasan_http_responses", "Responses by route, method and status.", ["route", "method", "status"]
)
SEARCH_SECONDS = Histogram(
    "dasan_search_duration_seconds",
    "Manual search latency (knowledge.search.interface.search), cache hits included.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
SEARCHES = Counter("dasan_searches", "Manual searches with a query.")
SEARCHES_EMPTY = Counter("dasan_search_zero_results", "Manual searches that found nothing.")


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route, method).observe(seconds)
    RESPONSES.labels(route, method, str(status)).inc()


def observe_search(*, seconds: float, results: int) -> None:
    SEARCH_SECONDS.observe(seconds)
    SEARCHES.inc()
    if not results:
        SEARCHES_EMPTY.inc()


class StateCollector:
    """Gauges read from the database and the broker when Prometheus scrapes."""

    def collect(self):
        from . import selectors

        snap = selectors.metrics_snapshot()
        depth = GaugeMetricFamily("dasan_queue_depth", "Tasks waiting in a Celery queue.", labels=["queue"])
        oldest = GaugeMetricFamily(
            "dasan_queue_oldest_task_age_seconds", "Age of the oldest waiting task.", labels=["queue"]
        )
        for q in snap["queues"]:
            if q.depth is not None:
                depth.add_metric([q.name], q.depth)
            oldest.add_metric([q.name], q.oldest_age_seconds or 0.0)
        yield depth
        yield oldest
        age = GaugeMetricFamily(
            "dasan_heartbeat_age_seconds",
            "Seconds since beat ticked, a queue's probe ran, the notice dispatcher finished a run.",
            labels=["name"],
        )
        for name, seconds in snap["heartbeats"].items():
            age.add_metric([name], seconds)
        yield age
        yield GaugeMetricFamily(
            "dasan_notices_sent_today", "Shutdown notices sent today.", value=snap["sent"]
        )
        yield GaugeMetricFamily(
            "dasan_notices_late_today",
            "Shutdown notices sent today more than OPS_NOTICE_LATE_SECONDS after they were due.",
            value=snap["late"],
        )
        if snap["import_rows_per_second"] is not None:
            yield GaugeMetricFamily(
                "dasan_import_rows_per_second",
                "Rows per second of the last finished call import.",
                value=snap["import_rows_per_second"],
            )
        yield GaugeMetricFamily(
            "dasan_incidents_open",
            "Incidents the admins were alerted about, still open.",
            value=snap["incidents_open"],
        )


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY  # this process's own counters
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(counted) + generate_latest(state), CONTENT_TYPE_LATEST
