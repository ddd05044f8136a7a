"""Kiwi's own typo model against the search's jamo-distance correction, on the typo queries of the
relevance sets (agents, customers, heldout; SQLite, throw-away database).

    .venv/bin/python bench/kiwi_typos.py [--typos basic_with_continual]

Three ways of reading each typo query, recall@5 and MRR of each:
- "jamo": the search as shipped (a word unknown to the client's vocabulary, whole or as one part of
  a compound, matched to terms one jamo away);
- "kiwi": the query first rewritten by Kiwi with `typos=` (kiwipiepy ≥ 0.17: the analysis may
  replace a morpheme by a likelier one, `Kiwi.join` rebuilds the text), the jamo correction off;
- "kiwi+jamo": Kiwi's rewrite, then the jamo correction.
Also the load time and the per-query analysis time of a Kiwi with the typo model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--typos", default="basic_with_continual")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="dasan-bench-typos-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/typos.sqlite3"
    os.environ["DASAN_VAR_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from kiwipiepy import Kiwi

    from knowledge.search import engine, interface, tokenizer
    from knowledge.search.interface import search
    from tests.knowledge.search import relevance, relevance_customers, relevance_data, relevance_heldout

    call_command("migrate", verbosity=0)
    tokenizer.warm_up()
    started = time.perf_counter()
    kiwi = Kiwi()
    kiwi.tokenize("워밍업", typos=args.typos)  # the typo model is built on first use
    load_s = time.perf_counter() - started

    rewrite_ms = []

    def rewrite(text: str) -> str:
        t = time.perf_counter()
        out = kiwi.join(kiwi.tokenize(text, typos=args.typos))
        rewrite_ms.append((time.perf_counter() - t) * 1000)
        return out

    original = engine._correct_typos

    def evaluate(corpus, cases, mode: str) -> list[dict]:
        interface._results.clear()  # each mode searches afresh
        cache.clear()
        engine._correct_typos = original if mode != "kiwi" else (lambda *a, **k: {})
        rows = []
        try:
            for slug, text, expected, _kind in cases:
                query = rewrite(text) if mode.startswith("kiwi") else text
                result = search(user=corpus.agent, client=corpus.clients[slug], query=query, limit=5)
                ranked = [corpus.keys[h.article_id] for h in result.hits]
                rank = ranked.index(expected) + 1 if expected in ranked else None
                rows.append({"query": text, "read_as": query, "rank": rank})
        finally:
            engine._correct_typos = original
        return rows

    modes = ("jamo", "kiwi", "kiwi+jamo")
    rows: dict[str, list[dict]] = {m: [] for m in modes}
    sets = [
        (relevance.build_corpus, [q for q in relevance_data.QUERIES if q[3] == "typo"]),
        (relevance.build_demo_corpus, [q for q in relevance_customers.QUERIES if q[3] == "typo"]),
        (relevance.build_heldout_corpus, [q for q in relevance_heldout.QUERIES if q[3] == "typo"]),
    ]
    for build, cases in sets:
        with transaction.atomic():  # each set's clients are rolled back before the next
            corpus = build()
            for mode in modes:
                rows[mode] += evaluate(corpus, cases, mode)
            transaction.set_rollback(True)
    results = {}
    heldout = {q[1] for q in relevance_heldout.QUERIES}
    for mode, found in rows.items():
        n = len(found)
        held = [r for r in found if r["query"] in heldout]
        results[mode] = {
            "recall_at_5": round(sum(r["rank"] is not None for r in found) / n, 3),
            "mrr": round(sum(1 / r["rank"] for r in found if r["rank"]) / n, 3),
            "heldout_recall_at_5": round(sum(r["rank"] is not None for r in held) / len(held), 3),
            "queries": found,
        }
    cases = rows["jamo"]
    print(
        json.dumps(
            {
                "benchmark": "typo correction: jamo distance against Kiwi's typo model",
                "kiwipiepy": __import__("kiwipiepy").__version__,
                "typos": args.typos,
                "queries": len(cases),
                "kiwi_typo_model_load_s": round(load_s, 1),
                "kiwi_rewrite_ms_p50": round(sorted(rewrite_ms)[len(rewrite_ms) // 2], 2),
                "results": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
