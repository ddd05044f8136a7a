"""CPU time and SQL queries per request of the load mix's endpoints, through the full middleware stack.

    .venv/bin/python bench/load/profile_requests.py AGENTS_JSON [--n 200] [--cprofile NAME] [--distinct K]

Needs the environment bench/load/run.py gives gunicorn (DATABASE_URL of a seeded database,
CACHE_URL, the SECRET_KEY the sessions were made with): run.py --keep-db leaves one. Each endpoint
is requested n times as rotating agents, after a warm-up; prints one JSON object with the median
CPU ms (process time of this process: Python, not PostgreSQL) and the queries per request.
--distinct K makes every search one of K queries (the repeated prefixes of a busy hour).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("agents")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--cprofile", default="")
    parser.add_argument(
        "--distinct", type=int, default=0, help="searches cycle through this many queries (0: all)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    data = json.loads(Path(args.agents).read_text())
    agents = data["agents"]
    queries = data["queries"]

    def search_path(i):
        if args.distinct:
            i %= args.distinct
        me = agents[i % len(agents)]
        slug = me["clients"][i % len(me["clients"])]
        qs = queries[slug]
        q = qs[(i * 7) % len(qs)]
        return me, "/knowledge/call/results/?" + urlencode({"client": slug, "q": q[: max(2, len(q) - i % 3)]})

    def article(i):
        me = agents[i % len(agents)]
        return me["articles"][i % len(me["articles"])]

    endpoints = {
        "search (call mode, htmx)": (search_path, {"HTTP_HX_REQUEST": "true"}),
        "page: home": (lambda i: (agents[i % len(agents)], "/"), {}),
        "page: call mode": (lambda i: (agents[i % len(agents)], "/knowledge/call/"), {}),
        "page: call-mode article": (
            lambda i: (agents[i % len(agents)], f"/knowledge/call/articles/{article(i)}/"),
            {},
        ),
        "page: manual article": (
            lambda i: (agents[i % len(agents)], f"/knowledge/articles/{article(i)}/"),
            {},
        ),
        "page: wellbeing": (lambda i: (agents[i % len(agents)], "/wellbeing/"), {}),
        "page: book club": (lambda i: (agents[i % len(agents)], "/bookclub/"), {}),
        "overtime: form": (lambda i: (agents[i % len(agents)], "/wellbeing/overtime/new/"), {}),
    }
    client = Client()
    out = {}
    for name, (make, headers) in endpoints.items():
        for i in range(5):  # warm-up: imports, Kiwi, connection
            me, path = make(i)
            client.cookies["sessionid"] = me["session"]
            client.get(path, **headers)
        cpu, counts, statuses = [], [], set()
        profiler = cProfile.Profile() if args.cprofile == name else None
        for i in range(args.n):
            me, path = make(i + 1000)
            client.cookies["sessionid"] = me["session"]
            with CaptureQueriesContext(connection) as ctx:
                if profiler:
                    profiler.enable()
                started = time.process_time()
                response = client.get(path, **headers)
                cpu.append((time.process_time() - started) * 1000)
                if profiler:
                    profiler.disable()
            counts.append(len(ctx.captured_queries))
            statuses.add(response.status_code)
        out[name] = {
            "cpu_ms_median": round(statistics.median(cpu), 2),
            "cpu_ms_mean": round(statistics.mean(cpu), 2),
            "queries_median": statistics.median(counts),
            "queries_max": max(counts),
            "statuses": sorted(statuses),
        }
        if profiler:
            buf = io.StringIO()
            pstats.Stats(profiler, stream=buf).sort_stats(
                __import__("os").environ.get("SORT", "cumulative")
            ).print_stats(60)
            print(buf.getvalue(), file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
