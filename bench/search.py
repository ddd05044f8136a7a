"""Search latency on N synthetic Korean manual articles, PostgreSQL and SQLite, against a naive baseline.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--backends postgresql,sqlite]
                                     [--repeat 15] [--baseline-repeat 3]
                                     [--pg-url postgres://postgres@127.0.0.1:5432/dasan_bench_search]

For each backend a throw-away database is made (PostgreSQL: the database named in --pg-url is
dropped and created, and dropped again at the end; SQLite: a file in a temporary directory), migrated,
and filled with synthetic articles (one big client holding 95% of them, a second client the rest).
Sizes grow in place: 10k are built and measured, then 90k more are added. The index is built by the
real indexing code (`get_backend().index`: Kiwi analysis, terms, vocabulary, FTS5 / tsvector + GIN).

Then a fixed query mix is timed through the real search interface (`knowledge.search.interface.search`:
the permission check, synonyms, ranking, snippets; the search log is left out), uncached: the result
cache (per process and shared) and the tokenizer's caches are cleared before each call, so the
engine and Kiwi's analysis are always paid (`search_ms`). The same queries repeated at once, which
the result cache answers, are timed separately and labelled `repeated_cached_ms`. The mix includes common words
matching over half of the big client's articles (their share is printed), inflected, differently
spaced, prefix and half-built words, initial consonants, typos, colloquial sentences and queries
that find nothing. The naive baseline (`icontains` over the article table, NaiveBackend) runs the
same mix in the same process. Each backend runs in its own child process; the parent prints one
JSON object: p50/p95/p99 per backend, size and query kind, speedup (baseline / search) and build times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES: dict[str, list[str]] = {
    "common": ["고객", "안내", "고객님 안내"],
    "exact": ["카드 분실", "요금제 변경", "자동이체 해지"],
    "spacing": ["카드분실해외", "요금제변경", "비밀 번호 재설정"],
    "inflected": ["환불해주세요", "해지하고 싶어요", "카드를 잃어버렸어요"],
    "prefix": ["소액결", "현금서", "가족결"],
    "half_built": ["카드분ㅅ", "요금제 변ㄱ", "마일리"],
    "chosung": ["ㅋㄷㅂㅅ", "ㅇㄱㅈ", "ㅎㅇ ㄹㅁ"],
    "typo": ["로믱 신청", "위약긍", "연회바 환급"],
    "colloquial": ["해외에서 카드를 잃어버렸는데 어떻게 해야 하나요", "택배가 아직 안 왔어요"],
    "miss": ["블록체인 채굴", "코인 지갑 복구"],
}
COMMON_WORDS = ["고객", "안내"]


def words(text: str) -> list[str]:
    return text.split()


TARGET = {"backend": "postgresql", "size": 100_000, "p95_ms": 30.0, "p99_ms": 60.0, "speedup": 10.0}

PRODUCTS = words(
    "신용카드 체크카드 카드 요금제 휴대폰 유심 인터넷 인터넷전화 적립금 포인트 쿠폰 상품권 마일리지 계좌 "
    "자동이체 명세서 청구서 영수증 현금영수증 택배 주문 멤버십 앱 비밀번호 인증서 로밍 데이터 부가서비스 "
    "할부 일시불 리볼빙 현금서비스 카드론 보험 대출 예금 적금 주소 연락처 배송지 기프티콘 이용권 구독 "
    "정기결제 소액결제 해외결제 간편결제 단말기 번호 회선 약정 위약금 연회비 한도 수수료 이자 결제일 "
    "가족결합 TV 공유기 충전기 가전 의류 식품 가구 화장품 도서 티켓 항공권 숙박 렌터카 주차권"
)
ISSUES = words(
    "분실 도난 해지 변경 환불 교환 취소 재발급 지연 오류 인증 차단 신청 조회 등록 연체 납부 정지 해제 "
    "이전 갱신 만료 누락 중복 미수령 파손 불량 감면 상향 하향 전환 양도 승계 재설정 잠금 발급 적용 반품 "
    "부과 청구 설치 회수 점검 보상 연장"
)
CONTEXTS = words(
    "해외 국내 모바일 온라인 매장 야간 주말 법인 개인 가족 학생 군인 외국인 미성년자 고령자 신규 기존 "
    "장기 단기 긴급 제휴 프리미엄 VIP 무료 유료"
)
SUFFIXES = ["안내", "방법", "절차", "기준", "처리", "확인", "유의사항", "대응", "정책", "예외"]
CHANNELS = ["앱", "홈페이지", "고객센터", "가까운 지점", "ARS", "모바일 웹", "대리점", "채팅 상담"]
QUESTION_TEMPLATES = [
    "{p} {i} 하려면 어떻게 해야 하나요?",
    "{c}에서 {p} {i}하고 싶어요",
    "{p}가 {i}됐다고 문자가 왔어요",
    "{p} {i} 처리가 언제 되나요",
    "고객이 {p} {i} 관련해서 문의합니다",
    "{c} {p}도 {i} 가능한가요?",
]
ANSWER_SENTENCES = [
    "{p} {i}은 {ch}에서 바로 가능합니다.",
    "처리에는 영업일 기준 {n}일이 걸립니다.",
    "본인 확인 후 {i} 접수를 도와드리겠습니다.",
    "{p2} 관련 내용은 따로 안내해 드리겠습니다.",
    "{c} 고객은 수수료가 {n}천원 부과됩니다.",
    "접수 결과는 문자로 안내드립니다.",
    "{p} {i2} 이력이 있으면 담당 부서로 연결합니다.",
]


SYLLABLES = "가나다라마바사아자차카타파하너도루미보소우지초코투피후그리스트플러스온뷰핏엘린솔빛담결"


def brand_names(count: int = 4000) -> list[str]:
    """Product and plan names (누리플러스, 솔빛핏...): a realistic share of words no dictionary knows,
    so the vocabulary grows with the corpus as a real manual's does."""
    rng = random.Random(7)
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(names)


BRANDS = brand_names()


def article_text(rng: random.Random, serial: int) -> dict:
    p, p2 = rng.sample(PRODUCTS, 2)
    i, i2 = rng.sample(ISSUES, 2)
    c = rng.choice(CONTEXTS)
    fill = {"p": p, "p2": p2, "i": i, "i2": i2, "c": c, "ch": rng.choice(CHANNELS), "n": rng.randint(1, 9)}
    brand = rng.choice(BRANDS)
    title = f"{c} {p} {i} {rng.choice(SUFFIXES)}" if serial % 3 else f"{brand} {p} {i} {rng.choice(SUFFIXES)}"
    if serial % 5 == 0:
        title += f" ({2019 + serial % 7}년 개정)"
    opening = "고객님, " if rng.random() < 0.62 else rng.choice(["네, ", "말씀하신 건은 ", ""])
    body = " ".join(s.format(**fill) for s in rng.sample(ANSWER_SENTENCES, 3))
    body += f" {brand} {rng.choice(['상품', '요금제', '서비스', '멤버십'])} 가입자도 동일합니다."
    return {
        "title": title,
        "question": rng.choice(QUESTION_TEMPLATES).format(**fill),
        "answer": opening + body,
        "steps": f"1. 본인 확인\n2. {p} {i} 접수\n3. 처리 결과 안내",
        "cautions": f"{p2} {i2} 건은 상급자에게 이관합니다." if rng.random() < 0.3 else "",
        "tags": f"{p},{i},{c}",
        "external_id": f"B-{serial:07d}",
    }


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(samples: list[float]) -> dict:
    return {
        "p50": round(percentile(samples, 50), 2),
        "p95": round(percentile(samples, 95), 2),
        "p99": round(percentile(samples, 99), 2),
        "max": round(max(samples), 2),
        "n": len(samples),
    }


class Turn:
    """Both backends build at once but measure one at a time: a measuring child holds an exclusive
    lock on a shared file, and building children hold it shared around each batch of work, so a
    build pauses while the other child measures and the timings carry no load from this benchmark."""

    def __init__(self, path: str | None, *, exclusive: bool):
        self.path, self.exclusive = path, exclusive
        self.file = None

    def __enter__(self):
        import fcntl

        if self.path:
            self.file = open(self.path, "a")  # closed in __exit__
            fcntl.flock(self.file, fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc):
        if self.file:
            self.file.close()  # releases the lock
            self.file = None
            time.sleep(0.05)  # let a waiting child take it before this one asks again


def log(message: str) -> None:
    print(f"[bench/search {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the child: one backend ----------------------------------------------------------------------


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def child(
    backend: str,
    sizes: list[int],
    repeat: int,
    baseline_repeat: int,
    pg_url: str,
    keep: bool,
    lock: str | None,
) -> dict:
    tmp = tempfile.mkdtemp(prefix="dasan-bench-search-")
    reuse = os.environ.get("BENCH_REUSE") == "1"
    dbname = urlsplit(pg_url).path.lstrip("/")
    if backend == "postgresql":
        if not reuse:
            pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            pg_admin(pg_url, f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{os.environ.get('BENCH_SQLITE') or tmp + '/bench.sqlite3'}"
    os.environ["DASAN_VAR_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        if reuse:  # measure a kept database again (after --keep), without building anything
            return remeasure(backend, repeat, baseline_repeat)
        return measure(backend, sizes, repeat, baseline_repeat, lock)
    finally:
        from django.db import connections

        connections.close_all()
        if keep or reuse:
            log(f"{backend}: kept {os.environ['DATABASE_URL']}")
        elif backend == "postgresql":
            pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def measure(backend: str, sizes: list[int], repeat: int, baseline_repeat: int, lock: str | None) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import ClientAssignment, ClientCompany, Role, User
    from knowledge.models import Article
    from knowledge.search import tokenizer
    from knowledge.search.backends import get_backend

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"{backend}: migrated in {time.perf_counter() - started:.1f}s")
    assert connection.vendor == backend and get_backend().vendor == backend
    tokenizer.warm_up()
    main = ClientCompany.objects.create(name="벤치카드", slug="bench-main")
    other = ClientCompany.objects.create(name="벤치몰", slug="bench-other")
    agent = User.objects.create_user(
        email="agent@bench.example", password="x", name="상담사", role=Role.AGENT
    )
    ClientAssignment.objects.create(user=agent, client=main)
    rng = random.Random(20261203)
    out: dict = {}
    built, last_id = 0, 0
    for size in sorted(sizes):
        # Grow the corpus to `size` articles, 95% of them for the big client.
        t0 = time.perf_counter()
        while built < size:
            with Turn(lock, exclusive=False):
                built = insert_batch(rng, built, size, main, other)
        insert_s = time.perf_counter() - t0
        new_ids = list(Article.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True))
        last_id = new_ids[-1]
        t0 = time.perf_counter()
        for start in range(0, len(new_ids), 5000):
            with Turn(lock, exclusive=False):
                get_backend().index(new_ids[start : start + 5000])
            log(f"{backend}: indexed {start + min(5000, len(new_ids) - start)}/{len(new_ids)} new articles")
        index_s = time.perf_counter() - t0
        with Turn(lock, exclusive=True):
            result = measure_size(backend, size, repeat, baseline_repeat, main=main, agent=agent)
        result["build_s"] = {
            "insert": round(insert_s, 1),
            "index": round(index_s, 1),
            "index_articles_per_s": round(len(new_ids) / index_s) if index_s else None,
            "grew_by": len(new_ids),
        } | result["build_s"]
        out[str(size)] = result
        log(f"{backend} {size}: search {result['search_ms']['all']} baseline {result['baseline_ms']['all']}")
    return out


def remeasure(backend: str, repeat: int, baseline_repeat: int) -> dict:
    from accounts.models import ClientCompany, User
    from knowledge.models import Article
    from knowledge.search import tokenizer

    tokenizer.warm_up()
    main = ClientCompany.objects.get(slug="bench-main")
    agent = User.objects.get(email="agent@bench.example")
    size = Article.objects.count()
    # No VACUUM ANALYZE: the kept database may be shared (read-only) and its statistics are those
    # it was built with, so measurements before and after a change plan alike.
    result = measure_size(backend, size, repeat, baseline_repeat, main=main, agent=agent, analyze=False)
    return {str(size): result | {"remeasured": True}}


def insert_batch(rng: random.Random, built: int, size: int, main, other) -> int:
    from knowledge.models import Article, ArticleStatus

    batch = []
    for _ in range(min(2000, size - built)):
        built += 1
        batch.append(
            Article(
                client=other if built % 20 == 0 else main,
                status=ArticleStatus.PUBLISHED,
                published_at=django_now(days_ago=rng.randint(0, 900)),
                **article_text(rng, built),
            )
        )
    Article.objects.bulk_create(batch)
    return built


def measure_size(
    backend: str, size: int, repeat: int, baseline_repeat: int, *, main, agent, analyze: bool = True
) -> dict:
    from django.core.cache import cache
    from django.db import connection

    from bench.naive import NaiveBackend
    from knowledge.models import Article
    from knowledge.search import interface, meaning, tokenizer
    from knowledge.search.interface import search

    naive = NaiveBackend()
    t0 = time.perf_counter()
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    analyze_s = time.perf_counter() - t0
    in_main = Article.objects.filter(client=main).count()
    shares = {
        w: round(naive.search(client_id=main.pk, query=w, limit=1)[1] / in_main, 3) for w in COMMON_WORDS
    }
    log(f"{backend} {size}: built; common-word shares {shares}; measuring")

    def timed(fn, query: str, *, cached: bool = False) -> float:
        if not cached:  # every layer that could answer without searching is emptied
            tokenizer._analyze_cached.cache_clear()
            tokenizer.split_noun.cache_clear()
            tokenizer.jamo.cache_clear()
            meaning.neighbours.cache_clear()
            interface._results.clear()
            cache.clear()
        t = time.perf_counter()
        fn(query)
        return (time.perf_counter() - t) * 1000

    def count_statements(fn, query: str) -> int:
        """SQL statements of one uncached call (caches emptied as in timed())."""
        from django.test.utils import CaptureQueriesContext

        tokenizer._analyze_cached.cache_clear()
        interface._results.clear()
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn(query)
        return len(ctx.captured_queries)

    def real(query: str):
        return search(user=agent, client=main, query=query, limit=10)

    def baseline(query: str):
        return naive.search(client_id=main.pk, query=query, limit=10)

    for kind_queries in QUERIES.values():  # warm the database caches and the synonym map
        for query in kind_queries:
            real(query)
            baseline(query)
    found: dict[str, int] = {}
    per_query: dict[str, dict] = {}
    searched: dict[str, list[float]] = {}
    naive_ms: dict[str, list[float]] = {}
    repeated: list[float] = []
    statements: dict[str, int] = {}
    for kind, kind_queries in QUERIES.items():
        for query in kind_queries:
            found[query] = real(query).count
            statements[query] = count_statements(real, query)
            samples = [timed(real, query) for _ in range(repeat)]
            per_query[query] = {"p50": round(percentile(samples, 50), 2), "max": round(max(samples), 2)}
            searched.setdefault(kind, []).extend(samples)
            real(query)
            repeated.extend(timed(real, query, cached=True) for _ in range(repeat))
            naive_ms.setdefault(kind, []).extend(timed(baseline, query) for _ in range(baseline_repeat))
    every = [ms for samples in searched.values() for ms in samples]
    every_naive = [ms for samples in naive_ms.values() for ms in samples]
    result: dict[str, Any] = {
        "articles": size,
        "articles_of_searched_client": in_main,
        "build_s": {"analyze": round(analyze_s, 1)},
        "common_word_share": shares,
        # Uncached: result cache (process and shared) and tokenizer caches emptied before every call.
        "search_ms": {"all": summary(every)} | {k: summary(v) for k, v in searched.items()},
        # The same queries asked again at once: what the result cache answers (not the engine).
        "repeated_cached_ms": summary(repeated),
        # SQL statements one uncached search issues (p50 and max over the query mix, then per query).
        "statements_per_uncached_query": {
            "p50": percentile(list(statements.values()), 50),
            "max": max(statements.values()),
            "per_query": statements,
        },
        "baseline_ms": {"all": summary(every_naive)} | {k: summary(v) for k, v in naive_ms.items()},
        "results_found": found,
        "per_query_ms": per_query,
    }
    result["speedup"] = {
        kind: {
            pct: round(result["baseline_ms"][kind][pct] / max(result["search_ms"][kind][pct], 0.01), 1)
            for pct in ("p50", "p95")
        }
        for kind in result["search_ms"]
    }
    return result


def django_now(*, days_ago: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(days=days_ago, minutes=days_ago * 7 % 1440)


# --- the parent ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each query (search)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="timed runs of each query (baseline)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/dasan_bench_search")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the databases; BENCH_REUSE=1 (and BENCH_SQLITE=<file> for SQLite) measures them again",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--lock", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.child:
        print(
            json.dumps(
                child(args.child, sizes, args.repeat, args.baseline_repeat, args.pg_url, args.keep, args.lock)
            )
        )
        return

    started = time.perf_counter()
    results: dict = {}
    lock = Path(tempfile.mkdtemp(prefix="dasan-bench-search-lock-")) / "turn"
    children = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        command = [sys.executable, __file__, "--child", backend, "--sizes", args.sizes]
        command += ["--repeat", str(args.repeat), "--baseline-repeat", str(args.baseline_repeat)]
        command += ["--pg-url", args.pg_url, "--lock", str(lock)] + (["--keep"] if args.keep else [])
        children[backend] = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for backend, process in children.items():
        stdout, _stderr = process.communicate()
        if process.returncode:
            results[backend] = {"error": f"child exited with {process.returncode}; see stderr"}
        else:
            results[backend] = json.loads(stdout.strip().splitlines()[-1])

    target = results.get(TARGET["backend"], {}).get(str(TARGET["size"]))
    verdict = None
    if target and "search_ms" in target:
        overall, common = target["search_ms"]["all"], target["search_ms"]["common"]
        verdict = {
            **TARGET,
            "p95_all": overall["p95"],
            "p99_all": overall["p99"],
            "p95_common": common["p95"],
            "p99_common": common["p99"],
            "speedup_p50": target["speedup"]["all"]["p50"],
            "met": overall["p95"] <= TARGET["p95_ms"]
            and overall["p99"] <= TARGET["p99_ms"]
            and common["p99"] <= TARGET["p99_ms"]
            and target["speedup"]["all"]["p50"] >= TARGET["speedup"],
        }
    print(
        json.dumps(
            {
                "benchmark": "knowledge search latency",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "queries": QUERIES,
                "settings": {"repeat": args.repeat, "baseline_repeat": args.baseline_repeat, "limit": 10},
                "results": results,
                "target": verdict,
                "took_s": round(time.perf_counter() - started, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
