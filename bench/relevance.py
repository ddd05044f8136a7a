"""Recall@5 and MRR of the search service on the relevance set, for PostgreSQL and SQLite.

    .venv/bin/python bench/relevance.py [--backends postgresql,sqlite]
                                        [--pg-url postgres://postgres@127.0.0.1:5432/dasan_bench_relevance]

The set (articles of three clients, synonym groups, and queries labelled by kind: exact, inflected,
spacing, colloquial, partial, chosung, typo, synonym) lives in tests/knowledge/search/relevance_data.py;
tests/knowledge/search/test_relevance.py asserts the bar, this prints the numbers as one JSON object.
Each backend runs in a child process on a throw-away database (dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def child(backend: str, pg_url: str) -> dict:
    tmp = tempfile.mkdtemp(prefix="dasan-bench-relevance-")
    dbname = urlsplit(pg_url).path.lstrip("/")
    if backend == "postgresql":
        pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        pg_admin(pg_url, f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/relevance.sqlite3"
    os.environ["DASAN_VAR_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from knowledge.search.backends import get_backend
    from tests.knowledge.search.relevance import build_corpus, evaluate

    try:
        call_command("migrate", verbosity=0)
        assert get_backend().vendor == backend
        overall, by_kind = evaluate(build_corpus())
        return {
            **overall.as_dict(),
            "by_kind": {kind: score.as_dict() for kind, score in by_kind.items()},
            "misses": [{"query": q, "expected": e, "top3": top} for q, e, top in overall.misses],
        }
    finally:
        connections.close_all()
        if backend == "postgresql":
            pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/dasan_bench_relevance")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.pg_url), ensure_ascii=False))
        return
    from tests.knowledge.search.relevance_data import ARTICLES, QUERIES

    results = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        command = [sys.executable, __file__, "--child", backend, "--pg-url", args.pg_url]
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
        results[backend] = (
            json.loads(done.stdout.strip().splitlines()[-1])
            if done.returncode == 0
            else {"error": f"child exited with {done.returncode}; see stderr"}
        )
    print(
        json.dumps(
            {
                "benchmark": "knowledge search relevance",
                "articles": sum(len(rows) for rows in ARTICLES.values()),
                "queries": len(QUERIES),
                "top": 5,
                "results": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
