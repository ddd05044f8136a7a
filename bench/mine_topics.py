"""Seconds to mine the topics of 100k call records of one client, end to end.

    .venv/bin/python bench/mine_topics.py [--rows 100000] [--sqlite]
    .venv/bin/python bench/mine_topics.py --quality [--calls 3000] [--exports own,a,b,c,d,e,f,g,h]

--quality needs no database: it mines --calls calls per client as an import is mined (inquiries
with the agents' resolutions) and prints the adjusted Rand index and purity against the true
subjects, the topic count and the labels, per export: "own" is our generator for the four kinds of
demo client (knowledge/calls/samples.py, several phrasings per subject, details on); "a" to "h"
are exports written blind by other people (tests/knowledge/calls/blind_exports/: "h" was measured
only after the last mining rules were chosen).

Stores `--rows` generated Korean calls of one card-company client over 30 days (knowledge/calls/
samples.py with details=True: openers, closers, order numbers, amounts and dates, so nearly every
text is distinct, as in real exports) plus the 30 days before (for trends), in a throw-away
PostgreSQL database `dasan_bench_calls` (BENCH_DATABASE_URL overrides; --sqlite uses a temporary
SQLite file), and publishes a few manual articles for the coverage check. Then times
services.mining_run_now, the same code the Celery task runs: load, Kiwi tokens, TF-IDF, LSA,
k-means, the merge, figures per topic, coverage via the search service, storing. Prints one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dasan_bench_calls"
CLIENT_SLUG = "bench-mine"


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def quality(calls_per_kind: int, exports: list[str]) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from sklearn.metrics import adjusted_rand_score

    from knowledge.calls import mining, samples
    from tests.knowledge.calls import blind_exports

    def score(inquiries: list[str], notes: list[str], truth: list[str]) -> dict:
        started = time.perf_counter()
        model = mining.cluster(mining.with_notes(inquiries, notes))
        seconds = time.perf_counter() - started
        predicted = [-1] * len(truth)
        for topic, cluster in enumerate(model.clusters):
            for i in cluster.members:
                predicted[i] = topic
        purity = sum(Counter(truth[i] for i in c.members).most_common(1)[0][1] for c in model.clusters)
        return {
            "subjects": len(set(truth)),
            "topics": len(model.clusters),
            "ari": round(adjusted_rand_score(truth, predicted), 3),
            "purity": round(purity / len(truth), 3),
            "seconds": round(seconds, 1),
            "boilerplate": sorted(model.boilerplate),
            "labels": [c.label for c in model.clusters],
        }

    out: dict[str, dict] = {}
    end = datetime(2026, 10, 31, tzinfo=ZoneInfo("Asia/Seoul"))
    for export in exports:
        results = out[export] = {}
        if export == "own":
            for kind in ("card", "telecom", "mall", "insurance"):
                calls = list(
                    samples.generate(
                        kind=kind,
                        count=calls_per_kind,
                        start=end - timedelta(days=30),
                        end=end,
                        seed=7,
                        details=True,
                    )
                )
                results[kind] = score(
                    [c.inquiry for c in calls], [c.resolution for c in calls], [c.topic for c in calls]
                )
        else:
            for kind in blind_exports.kinds(export):
                rows = blind_exports.rows(export, kind, calls_per_kind)
                results[kind] = score(
                    [r["inquiry"] for r in rows],
                    [r["resolution"] for r in rows],
                    [r["subject"] for r in rows],
                )
        results["mean"] = {
            "ari": round(sum(r["ari"] for r in results.values()) / len(results), 3),
            "purity": round(sum(r["purity"] for r in results.values()) / len(results), 3),
        }
    return {"benchmark": "mine_topics quality", "calls_per_kind": calls_per_kind, "results": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--exports", default="own,a,b,c,d,e,f,g,h")
    args = parser.parse_args()
    if args.quality:
        exports = [e.strip() for e in args.exports.split(",") if e.strip()]
        print(json.dumps(quality(args.calls, exports), ensure_ascii=False, indent=1))
        return
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dasan-bench-')}/bench.sqlite3"
    else:
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
        _create_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import ClientCompany, Role, User
    from knowledge.calls import samples, services
    from knowledge.calls.importers.fields import customer_key
    from knowledge.calls.models import CallRecord, MiningRun
    from knowledge.models import Article, ArticleStatus
    from knowledge.search.interface import rebuild

    kst = ZoneInfo("Asia/Seoul")
    client, _ = ClientCompany.objects.get_or_create(slug=CLIENT_SLUG, defaults={"name": "벤치마이닝카드"})
    admin, _ = User.objects.get_or_create(
        email="bench-admin@dasan.example", defaults={"name": "벤치", "role": Role.ADMIN}
    )
    until = datetime(2026, 10, 31, tzinfo=kst)
    since = until - timedelta(days=30)
    if CallRecord.objects.filter(client=client).count() != args.rows + args.rows // 2:
        MiningRun.objects.filter(client=client).delete()
        CallRecord.objects.filter(client=client).delete()
        salt = b"bench"
        batch = []
        for start, end, count, prefix in (
            (since, until, args.rows, "M"),
            (since - timedelta(days=30), since, args.rows // 2, "P"),
        ):
            for call in samples.generate(
                kind="card", count=count, start=start, end=end, seed=11, prefix=prefix, details=True
            ):
                batch.append(
                    CallRecord(
                        client=client,
                        external_id=call.external_id,
                        started_at=call.started_at,
                        duration_seconds=call.duration,
                        channel=call.channel,
                        category=call.category,
                        inquiry=call.inquiry,
                        resolution=call.resolution,
                        transferred=call.transferred,
                        customer_key=customer_key(call.customer, salt),
                    )
                )
                if len(batch) >= 5000:
                    CallRecord.objects.bulk_create(batch)
                    batch = []
        CallRecord.objects.bulk_create(batch)
    if not Article.objects.filter(client=client).exists():
        for title, question, answer in (
            (
                "카드 분실 신고",
                "카드를 잃어버렸어요",
                "분실 신고를 접수하고 카드 사용을 정지합니다. 재발급을 안내합니다.",
            ),
            (
                "해외 결제 차단 해제",
                "해외에서 결제가 안 돼요",
                "해외 결제 차단 설정을 해제하고 해외 사용을 등록합니다.",
            ),
            (
                "포인트 소멸과 사용",
                "포인트가 소멸된대요",
                "포인트 잔액과 소멸 예정일, 캐시백 전환 방법을 안내합니다.",
            ),
        ):
            Article.objects.create(
                client=client, title=title, question=question, answer=answer, status=ArticleStatus.PUBLISHED
            )
        rebuild(client)
    texts = CallRecord.objects.filter(client=client, started_at__gte=since).values_list("inquiry", flat=True)
    distinct = len(set(texts))
    started = time.perf_counter()
    run = services.mining_run_now(
        client=client, since=since.date(), until=(until - timedelta(days=1)).date(), by=admin
    )
    seconds = time.perf_counter() - started
    topics = list(run.topics.order_by("rank"))
    print(
        json.dumps(
            {
                "benchmark": "mine_topics",
                "database": "sqlite" if args.sqlite else "postgresql",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "calls": run.record_count,
                "distinct_texts": distinct,
                "previous_period_calls": run.previous_count,
                "seconds": round(seconds, 1),
                "target_seconds": 60,
                "topics": run.topic_count,
                "k": run.params.get("k"),
                "coverage": run.coverage_percent,
                "gaps": sum(1 for t in topics if t.covered_by_id is None),
                "largest_topics": [f"{t.label} ({t.size})" for t in topics[:5]],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "status": run.status,
                "category_mix_of_top_topic": dict(
                    Counter(
                        CallRecord.objects.filter(pk__in=topics[0].call_ids[:2000]).values_list(
                            "category", flat=True
                        )
                    ).most_common(3)
                )
                if topics
                else {},
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
