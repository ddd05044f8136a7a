"""Relevance on a fixed set of articles and queries: recall@5 and MRR, on whichever backend runs.

The suite runs on SQLite and again on PostgreSQL (DATABASE_URL), so both backends are held to the
bar; `bench/relevance.py` prints the same numbers as JSON for both.
"""

from __future__ import annotations

import pytest

from knowledge.search.backends import get_backend

from .relevance import build_corpus, evaluate
from .relevance_data import ARTICLES, KINDS, QUERIES


@pytest.fixture
def corpus(db):
    return build_corpus()


def test_the_set_is_big_and_varied_enough():
    assert sum(len(rows) for rows in ARTICLES.values()) >= 40 and len(QUERIES) >= 100
    kinds = [q[3] for q in QUERIES]
    assert all(kinds.count(k) >= 5 for k in KINDS), {k: kinds.count(k) for k in KINDS}
    assert len({(q[0], q[1]) for q in QUERIES}) == len(QUERIES)  # no query twice


def test_recall_at_5_and_mrr(corpus):
    overall, by_kind = evaluate(corpus)
    report = {kind: score.as_dict() for kind, score in by_kind.items()}
    print(f"\n[relevance] backend={get_backend().vendor} {overall.as_dict()} by kind: {report}")
    print(f"[relevance] misses: {overall.misses}")
    assert overall.recall >= 0.95, overall.misses
    assert overall.mrr >= 0.85, overall.misses
    # No kind of typing may be left behind by the average.
    weak = {k: s.as_dict() for k, s in by_kind.items() if s.recall < 0.85}
    assert not weak, (weak, overall.misses)
