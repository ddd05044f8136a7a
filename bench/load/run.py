"""Load test: gunicorn + PostgreSQL + Redis on this machine, driven by locust as 300 agents.

    .venv/bin/python bench/load/run.py [--users 300] [--seconds 60] [--workers 3] [--threads 4]

Creates a throwaway PostgreSQL database (dasan_bench_load), migrates, seeds the demo data and
the agents (signed in already), starts gunicorn (--preload) on 127.0.0.1 at a free port, warms
every worker up, runs locust headless for the given time, stops everything and prints one JSON
object: requests per second, p50/p95/p99, errors, per-endpoint figures, the machine's load.
Everything listens on the loopback only. Needs PostgreSQL and Redis on 127.0.0.1 (see
CONTRIBUTING/README); PG_URL and REDIS_URL override where they are.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DB = "dasan_bench_load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def drop_database(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes (2 cores: 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--spawn-rate", type=int, default=100)
    parser.add_argument(
        "--locust-nice",
        type=int,
        default=0,
        help="niceness of the load generator (negative: ahead of the server it shares the cores with)",
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="seconds of the same load before the measured run (0: none)"
    )
    parser.add_argument("--keep-db", action="store_true", help="leave dasan_bench_load for a look")
    args = parser.parse_args()

    pg_url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
    tmp = Path(tempfile.mkdtemp(prefix="dasan-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{pg_url}/{DB}",
        "CELERY_BROKER_URL": f"{redis_url}/14",
        "CACHE_URL": f"rediscache://{redis_url.split('://', 1)[1]}/15",
        "SECRET_KEY": os.environ.get("LOAD_SECRET_KEY") or secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DASAN_VAR_DIR": str(tmp),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "DASAN_LOAD_DATA": str(tmp / "agents.json"),
        "PYTHONPATH": str(ROOT),
        "WEB_CONCURRENCY": str(args.workers),
        "WEB_THREADS": str(args.threads),
    }
    started = time.monotonic()
    recreate_database(pg_url)
    manage = [str(BIN / "python"), "manage.py"]
    quiet = {"stdout": sys.stderr}  # stdout carries the JSON only
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, **quiet)
    subprocess.run(
        [str(BIN / "python"), "bench/load/seed.py", env["DASAN_LOAD_DATA"], str(args.users)],
        cwd=ROOT,
        env=env,
        check=True,
        **quiet,
    )
    setup_seconds = round(time.monotonic() - started, 1)
    # What profile_requests.py needs to replay requests against this database (with --keep-db).
    keys = ("DATABASE_URL", "CACHE_URL", "SECRET_KEY", "DASAN_VAR_DIR", "DASAN_LOAD_DATA")
    (tmp / "env.sh").write_text("".join(f"export {k}='{env[k]}'\n" for k in keys))
    print(f"environment for profiling: {tmp / 'env.sh'}", file=sys.stderr)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        # The production settings (config/gunicorn.py, access log included), on a loopback port.
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi", "--log-level", "warning"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    result: dict = {}
    try:
        wait_for(f"{host}/accounts/login/")
        agents = json.loads(Path(env["DASAN_LOAD_DATA"]).read_text())
        warm(host, agents, requests=args.workers * args.threads * 6)
        if args.warmup:
            # The measured minute is a minute of the peak hour, not the first one after a deploy:
            # the same agents first search for --warmup seconds (PostgreSQL's buffers, the result
            # cache, each worker's vocabulary memo), and that run's figures are thrown away.
            run_locust(args, host, env, tmp / "warmup", args.warmup)
        load_before = load_average()
        cpu_before = cpu_seconds(gunicorn.pid)
        prefix = tmp / "locust"
        run_locust(args, host, env, prefix, args.seconds)
        result = summarise(prefix, args, setup_seconds, load_before)
        result["cpu_ms_per_request"] = cpu_per_request(cpu_before, cpu_seconds(gunicorn.pid), result)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
        if not args.keep_db:
            drop_database(pg_url)
        flush_redis(redis_url)
    print(json.dumps(result, ensure_ascii=False, indent=2))


def run_locust(args, host: str, env: dict, prefix: Path, seconds: int) -> None:
    locust = subprocess.run(
        [
            *(["nice", "-n", str(args.locust_nice)] if args.locust_nice else []),
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench/load/locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    if locust.returncode != 0:
        raise SystemExit(locust.stderr[-3000:])


def warm(host: str, data: dict, requests: int) -> None:
    """Each worker loads Kiwi and opens its database connection before the clock starts."""
    agent = data["agents"][0]
    slug = agent["clients"][0]
    query = urllib.parse.quote(data["queries"][slug][0])
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={agent['session']}")]
    for _i in range(requests):
        opener.open(f"{host}/knowledge/call/results/?client={slug}&q={query}", timeout=30).read()


def cpu_seconds(gunicorn_pid: int) -> dict:
    """CPU seconds used so far by gunicorn (arbiter and workers), PostgreSQL, Redis and locust.

    Where the machine's two cores go under load: the target is a budget, and this says who spends it.
    psutil comes with locust. Locust is a finished child by the second reading (RUSAGE_CHILDREN).
    """
    import resource

    import psutil

    def used(proc) -> float:
        try:
            t = proc.cpu_times()
            return t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return 0.0

    arbiter = psutil.Process(gunicorn_pid)
    out = {"gunicorn": used(arbiter) + sum(used(p) for p in arbiter.children(recursive=True))}
    out["postgresql"] = out["redis"] = 0.0
    for proc in psutil.process_iter(["name", "username"]):
        if proc.info["username"] == "postgres":
            out["postgresql"] += used(proc)
        elif (proc.info["name"] or "").startswith("redis-server"):
            out["redis"] += used(proc)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["locust"] = children.ru_utime + children.ru_stime
    # The whole machine (kernel and loopback networking included): busy and idle core-seconds.
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]
    out["_machine_busy"], out["_machine_idle"] = (sum(fields) - idle) / ticks, idle / ticks
    return out


def cpu_per_request(before: dict, after: dict, result: dict) -> dict:
    """CPU ms per request by process, and the share of the machine's cores that was busy.

    PostgreSQL's figure counts backends alive at both readings only (a connection closed after
    CONN_MAX_AGE takes its CPU time with it), so it is a lower bound; the machine's share is not.
    """
    requests = max(result.get("requests", 0), 1)
    out = {
        name: round((after[name] - before[name]) * 1000 / requests, 2)
        for name in before
        if not name.startswith("_")
    }
    busy = after["_machine_busy"] - before["_machine_busy"]
    idle = after["_machine_idle"] - before["_machine_idle"]
    out["machine_ms"] = round(busy * 1000 / requests, 2)
    out["machine_busy_share"] = round(busy / max(busy + idle, 1e-9), 2)
    return out


def flush_redis(redis_url: str) -> None:
    import redis

    for db in (14, 15):
        redis.Redis.from_url(f"{redis_url}/{db}").flushdb()


def _num(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def summarise(prefix: Path, args, setup_seconds: float, load_before: list[float]) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    endpoints = {}
    total = {}
    for row in rows:
        figures = {
            "requests": int(_num(row["Request Count"])),
            "failures": int(_num(row["Failure Count"])),
            "req_per_s": round(_num(row["Requests/s"]), 1),
            "p50_ms": _num(row["50%"]),
            "p95_ms": _num(row["95%"]),
            "p99_ms": _num(row["99%"]),
        }
        if row["Name"] == "Aggregated":
            total = figures
        else:
            endpoints[row["Name"]] = figures
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open(encoding="utf-8") as fh:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(_num(r["Occurrences"]))}
                for r in csv.DictReader(fh)
            ]
    search = endpoints.get("search (call mode, htmx)", {})
    return {
        "users": args.users,
        "seconds": args.seconds,
        "gunicorn": {"config": "config/gunicorn.py", "workers": args.workers, "threads": args.threads},
        "requests": total.get("requests", 0),
        "req_per_s": total.get("req_per_s", 0),
        "p50_ms": total.get("p50_ms", 0),
        "p95_ms": total.get("p95_ms", 0),
        "p99_ms": total.get("p99_ms", 0),
        "errors": total.get("failures", 0),
        "search_share": round(search.get("requests", 0) / max(total.get("requests", 1), 1), 2),
        "target": {"req_per_s": 150, "p95_ms": 100, "errors": 0},
        "meets_target": bool(
            total.get("req_per_s", 0) >= 150 and total.get("p95_ms", 1e9) <= 100 and not total.get("failures")
        ),
        "endpoints": endpoints,
        "failures": failures,
        "setup_seconds": setup_seconds,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    import urllib.parse

    main()
