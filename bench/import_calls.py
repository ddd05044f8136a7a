"""Call-record import throughput and memory, end to end on PostgreSQL.

    .venv/bin/python bench/import_calls.py [--rows 100000 1000000] [--format csv xlsx] [--encoding cp949]

Generates realistic Korean call exports (knowledge/calls/samples.py: several phrasings per topic,
openers and closers, mm:ss handle times, phone numbers) as CSV and/or XLSX, then imports each file
through the real pipeline (services.import_file: streaming parse → validate → COPY into a staging
table → one upsert → repeat contacts) into a throw-away database `dasan_bench_calls` (created and
migrated here; BENCH_DATABASE_URL overrides it). Each import runs in a fresh child process so its
peak RSS (getrusage + a 50 ms sampling thread) is its own. A second import of the same file measures
the idempotent path (every row unchanged). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dasan_bench_calls"
CLIENT_SLUG = "bench-card"


def _setup() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _create_database() -> None:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(path: Path, rows: int, kind: str, encoding: str) -> float:
    """Write `rows` generated calls; returns seconds taken."""
    from knowledge.calls import samples

    started = time.perf_counter()
    kst = ZoneInfo("Asia/Seoul")
    calls = samples.generate(
        kind="card",
        count=rows,
        start=datetime(2026, 1, 1, tzinfo=kst),
        end=datetime(2026, 12, 31, tzinfo=kst),
        agents=[f"D{i:05d}" for i in range(1, 201)],
        seed=7,
        prefix="B",
    )
    if kind == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("상담이력")
        sheet.append(samples.CSV_HEADER)
        for call in calls:
            sheet.append(samples.as_row(call))
        workbook.save(path)
    else:
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(samples.CSV_HEADER)
            writer.writerows(samples.as_row(call) for call in calls)
    return time.perf_counter() - started


class PeakRSS(threading.Thread):
    """Samples this process's resident set every 50 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True
        self.page = os.sysconf("SC_PAGE_SIZE")

    def current(self) -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * self.page

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.current())
            time.sleep(0.05)


def child(path: Path, repeat: bool) -> dict:
    """Import one file (in this fresh process) and measure it."""
    _setup()
    from django.db import connection

    from accounts.models import ClientCompany
    from knowledge.calls import services
    from knowledge.calls.models import CallRecord, ImportJob, MiningRun

    client, _ = ClientCompany.objects.get_or_create(slug=CLIENT_SLUG, defaults={"name": "벤치카드"})
    if not repeat:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {CallRecord._meta.db_table} WHERE client_id = %s", [client.pk])
        ImportJob.objects.filter(client=client).delete()
        with connection.cursor() as cursor:  # steady state, not a table full of dead rows
            cursor.execute(f"VACUUM ANALYZE {CallRecord._meta.db_table}")
    MiningRun.objects.filter(client=client).delete()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sampler = PeakRSS()
    sampler.start()
    started = time.perf_counter()
    # The mining the service queues after an import is a Celery task (eager here): measured apart.
    from unittest import mock

    with mock.patch.object(services, "mining_request"):
        job = services.import_file(client=client, path=path)
    seconds = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, sampler.peak)
    stored = CallRecord.objects.filter(client=client).count()
    return {
        "status": job.status,
        "rows": job.rows_total,
        "created": job.rows_created,
        "updated": job.rows_updated,
        "unchanged": job.rows_unchanged,
        "bad": job.rows_bad,
        "stored": stored,
        "seconds": round(seconds, 2),
        "rows_per_s": round(job.rows_total / seconds) if seconds else None,
        "peak_rss_mb": round(peak / 1024 / 1024, 1),
        "rss_before_import_mb": round(baseline / 1024 / 1024, 1),
    }


def run_child(path: Path, repeat: bool) -> dict:
    args = [sys.executable, __file__, "--child", str(path)] + (["--repeat"] if repeat else [])
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-5:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--format", nargs="+", choices=["csv", "xlsx"], default=["csv"])
    parser.add_argument("--encoding", default="cp949", help="CSV encoding (Korean Excel exports: cp949)")
    parser.add_argument("--no-repeat", action="store_true", help="skip the second (idempotent) import")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return
    _create_database()
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    connection.close()
    results = []
    with tempfile.TemporaryDirectory(prefix="dasan-bench-calls-") as tmp:
        for kind in args.format:
            for rows in args.rows:
                path = Path(tmp, f"calls-{rows}.{kind}")
                gen_seconds = generate(path, rows, kind, args.encoding)
                entry = {
                    "format": kind,
                    "encoding": args.encoding if kind == "csv" else None,
                    "rows": rows,
                    "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
                    "generate_s": round(gen_seconds, 1),
                    "first_import": run_child(path, repeat=False),
                }
                if not args.no_repeat:
                    entry["reimport_unchanged"] = run_child(path, repeat=True)
                results.append(entry)
                path.unlink()
    print(
        json.dumps(
            {
                "benchmark": "import_calls",
                "database": "postgresql",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "targets": {"csv_rows_per_s": 20000, "peak_rss_mb": 500},
                "results": results,
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
