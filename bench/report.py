"""How long an operations diagnosis takes to build and to render for a client with many calls.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dasan_reports_bench \\
        .venv/bin/python bench/report.py [--rows 1000000] [--requests 20]

Uses the database in DATABASE_URL (PostgreSQL is the point; it is created when missing and
migrated). Generates `--rows` realistic call records (knowledge.calls.samples) for one client, 55 %
in the report month and the rest in the month before, loaded with COPY in batches; then times
building the snapshot (every figure by database aggregates) and rendering the report page from it
through Django's test client (p50/p95 over `--requests` requests). Prints one JSON object.
A second run with the same --rows reuses the records (`--fresh` regenerates them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SLUG = "bench-report"
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
BEFORE = (date(2026, 9, 1), date(2026, 9, 30))


def _ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL when it does not exist yet."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _load(client, rows: int, agents) -> float:
    """COPY the generated calls in (PostgreSQL); bulk_create elsewhere. Returns seconds."""
    from django.db import connection

    from core.dates import SEOUL
    from knowledge.calls.models import CallRecord
    from knowledge.calls.samples import generate

    started = time.perf_counter()
    labels = [a.email for a in agents]
    by_label = {a.email: a.pk for a in agents}
    plan = [(MONTH, int(rows * 0.55), "M"), (BEFORE, rows - int(rows * 0.55), "B")]
    columns = [
        "client_id",
        "external_id",
        "started_at",
        "duration_seconds",
        "channel",
        "agent_id",
        "agent_label",
        "category",
        "inquiry",
        "resolution",
        "transferred",
        "escalated",
        "repeat_contact",
        "repeat_flag_given",
        "customer_key",
        "created_at",
        "updated_at",
    ]
    now = datetime.now(tz=SEOUL)
    for (since, until), count, prefix in plan:
        calls = generate(
            kind="card",
            count=count,
            start=datetime.combine(since, clock_time(), tzinfo=SEOUL),
            end=datetime.combine(until, clock_time(23, 59), tzinfo=SEOUL),
            agents=labels,
            seed=7 if prefix == "M" else 8,
            prefix=f"BR{prefix}-",
            customers=count // 3,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                names = ", ".join(columns)
                with cursor.cursor.copy(f"COPY {CallRecord._meta.db_table} ({names}) FROM STDIN") as copy:
                    for n, call in enumerate(calls):
                        copy.write_row(
                            (
                                client.pk,
                                call.external_id,
                                call.started_at,
                                call.duration,
                                call.channel,
                                by_label.get(call.agent),
                                "",
                                call.category,
                                call.inquiry,
                                call.resolution,
                                call.transferred,
                                n % 37 == 0,
                                n % 9 == 0,
                                True,
                                call.customer[-9:],
                                now,
                                now,
                            )
                        )
        else:
            batch = []
            for n, call in enumerate(calls):
                batch.append(
                    CallRecord(
                        client=client,
                        external_id=call.external_id,
                        started_at=call.started_at,
                        duration_seconds=call.duration,
                        channel=call.channel,
                        agent_id=by_label.get(call.agent),
                        category=call.category,
                        inquiry=call.inquiry,
                        resolution=call.resolution,
                        transferred=call.transferred,
                        escalated=n % 37 == 0,
                        repeat_contact=n % 9 == 0,
                    )
                )
                if len(batch) == 20000:
                    CallRecord.objects.bulk_create(batch)
                    batch = []
            CallRecord.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CallRecord._meta.db_table}")
    return time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="regenerate the call records")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dasan_reports_bench")
    _ensure_database(url)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import ClientAssignment, ClientCompany, Role, User
    from knowledge.calls.models import CallRecord
    from reports import services
    from reports.models import ReportSnapshot

    call_command("migrate", verbosity=0)
    client, _ = ClientCompany.objects.get_or_create(slug=SLUG, defaults={"name": "벤치카드"})
    agents = []
    for i in range(20):
        user, _ = User.objects.get_or_create(
            email=f"bench.agent{i}@dasan.test", defaults={"name": f"상담사{i}", "role": Role.AGENT}
        )
        ClientAssignment.objects.get_or_create(user=user, client=client)
        agents.append(user)
    existing = CallRecord.objects.filter(client=client).count()
    load_seconds = None
    if args.fresh or existing != args.rows:
        ReportSnapshot.objects.filter(client=client).delete()
        CallRecord.objects.filter(client=client).delete()
        load_seconds = round(_load(client, args.rows, agents), 1)
    rows = CallRecord.objects.filter(client=client).count()

    ReportSnapshot.objects.filter(client=client).delete()
    steps: dict[str, float] = {}
    last = [time.perf_counter(), None]

    original = services.figures_module.compute

    def timed(**kwargs):
        inner = kwargs.pop("on_step")

        def on_step(name, fraction):
            now = time.perf_counter()
            if last[1]:
                steps[last[1]] = round(now - last[0], 3)
            last[0], last[1] = now, name
            inner(name, fraction)

        result = original(**kwargs, on_step=on_step)
        steps[last[1]] = round(time.perf_counter() - last[0], 3)
        return result

    services.figures_module.compute = timed
    started = time.perf_counter()
    snapshot = services.snapshot_build_now(client=client, since=MONTH[0], until=MONTH[1], by=agents[0])
    build_seconds = time.perf_counter() - started
    services.figures_module.compute = original

    browser = Client()
    browser.force_login(agents[0])
    url_page = reverse("reports:snapshot", args=[snapshot.pk])
    assert browser.get(url_page).status_code == 200  # warm-up (template compile, translations)
    timings = []
    size = 0
    for _ in range(args.requests):
        t0 = time.perf_counter()
        response = browser.get(url_page)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        size = len(response.content)
    t0 = time.perf_counter()
    xlsx = browser.get(reverse("reports:export_xlsx", args=[snapshot.pk]))
    xlsx_ms = (time.perf_counter() - t0) * 1000
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "rows_for_client": rows,
                "rows_in_report_month": snapshot.figures["totals"]["calls"],
                "load_seconds": load_seconds,
                "build_seconds": round(build_seconds, 2),
                "build_steps_seconds": steps,
                "render_requests": args.requests,
                "render_p50_ms": round(statistics.median(timings), 1),
                "render_p95_ms": round(_percentile(timings, 0.95), 1),
                "render_max_ms": round(max(timings), 1),
                "page_bytes": size,
                "xlsx_ms": round(xlsx_ms, 1),
                "xlsx_bytes": len(xlsx.content),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
