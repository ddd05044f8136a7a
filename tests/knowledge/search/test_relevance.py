"""Relevance on a fixed set of articles and queries: recall@5 and MRR, on whichever backend runs.

The suite runs on SQLite and again on PostgreSQL (DATABASE_URL), so both backends are held to the
bar; `bench/relevance.py` prints the same numbers as JSON for both.
"""

from __future__ import annotations

import pytest

from knowledge.search.backends import get_backend

from . import relevance_heldout2 as heldout2
from . import relevance_heldout3 as heldout3
from . import relevance_heldout4 as heldout4
from .relevance import build_corpus, build_heldout2_corpus, build_heldout_corpus, evaluate
from .relevance_data import ARTICLES, KINDS, QUERIES
from .relevance_heldout import ARTICLES as HELDOUT_ARTICLES
from .relevance_heldout import KINDS as HELDOUT_KINDS
from .relevance_heldout import QUERIES as HELDOUT_QUERIES


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


# --- the stand-in held-out set (relevance_heldout.py): other clients, other people's words ----------


@pytest.fixture
def heldout_corpus(db):
    return build_heldout_corpus()


def test_the_heldout_set_is_four_new_clients_and_queries_of_every_kind():
    from knowledge.manuals.demo_articles import CLIENT_ARTICLES

    assert len(HELDOUT_ARTICLES) == 4 and not set(HELDOUT_ARTICLES) & set(CLIENT_ARTICLES)
    assert all(len(rows) >= 24 for rows in HELDOUT_ARTICLES.values())
    assert len(HELDOUT_QUERIES) >= 150
    kinds = [q[3] for q in HELDOUT_QUERIES]
    assert all(kinds.count(k) >= 15 for k in HELDOUT_KINDS), {k: kinds.count(k) for k in HELDOUT_KINDS}
    assert len({(q[0], q[1]) for q in HELDOUT_QUERIES}) == len(HELDOUT_QUERIES)
    keys = {slug: {row[0] for row in rows} for slug, rows in HELDOUT_ARTICLES.items()}
    assert all(expected in keys[slug] for slug, _text, expected, _kind in HELDOUT_QUERIES)
    demo_titles = {row[1] for rows in CLIENT_ARTICLES.values() for row in rows}
    assert not {row[1] for rows in HELDOUT_ARTICLES.values() for row in rows} & demo_titles


def test_heldout_recall_at_5_and_mrr(heldout_corpus):
    overall, by_kind = evaluate(heldout_corpus, HELDOUT_QUERIES, HELDOUT_KINDS)
    report = {kind: score.as_dict() for kind, score in by_kind.items()}
    print(f"\n[relevance heldout] backend={get_backend().vendor} {overall.as_dict()} by kind: {report}")
    print(f"[relevance heldout] misses: {overall.misses}")
    # The bar is what the search reaches today, just below (issue 15's targets: 0.97 / 0.92).
    assert overall.recall >= 0.99, overall.misses
    assert overall.mrr >= 0.95, overall.misses
    # Typed forms of the manual's own words; colloquial sentences are the lexicon's share.
    weak = {k: s.as_dict() for k, s in by_kind.items() if k != "colloquial" and s.recall < 0.96}
    assert not weak, (weak, overall.misses)
    assert by_kind["colloquial"].recall >= 0.97, by_kind["colloquial"].misses


# --- the second to fourth stand-ins (relevance_heldout2.py, _3, _4): blind, split dev / test ------------


@pytest.fixture
def heldout2_corpus(db):
    return build_heldout2_corpus()


@pytest.mark.parametrize(
    "split_set", [heldout2, heldout3, heldout4], ids=["heldout2", "heldout3", "heldout4"]
)
def test_the_blind_sets_are_four_other_clients_split_dev_and_test(split_set):
    from knowledge.manuals.demo_articles import CLIENT_ARTICLES

    clients = set(split_set.ARTICLES)
    assert len(clients) == 4 and not clients & set(CLIENT_ARTICLES)
    assert all(len(rows) >= 22 for rows in split_set.ARTICLES.values())
    keys = {slug: {row[0] for row in rows} for slug, rows in split_set.ARTICLES.items()}
    assert all(
        len(k) == len(rows) for k, rows in zip(keys.values(), split_set.ARTICLES.values(), strict=True)
    )
    assert all(expected in keys[slug] for slug, _text, expected, _kind, _split in split_set.QUERIES)
    assert len({(q[0], q[1]) for q in split_set.QUERIES}) == len(split_set.QUERIES) >= 140
    assert {q[4] for q in split_set.QUERIES} == set(split_set.SPLITS)
    assert len(split_set.DEV) + len(split_set.TEST) == len(split_set.QUERIES)
    for split in (split_set.DEV, split_set.TEST):  # every kind on both sides, mostly colloquial
        kinds = [q[3] for q in split]
        assert all(kinds.count(k) >= 3 for k in split_set.KINDS) and kinds.count("colloquial") >= 50
    # an article asked about twice is asked about once on each side
    splits: dict[str, set[str]] = {}
    for _slug, _text, expected, _kind, split in split_set.QUERIES:
        splits.setdefault(expected, set()).add(split)
    twice = [e for e in splits if sum(q[2] == e for q in split_set.QUERIES) > 1]
    assert twice and all(splits[e] == {"dev", "test"} for e in twice)


def test_heldout2_recall_at_5_and_mrr(heldout2_corpus):
    dev, dev_kinds = evaluate(heldout2_corpus, heldout2.DEV, heldout2.KINDS)
    test, test_kinds = evaluate(heldout2_corpus, heldout2.TEST, heldout2.KINDS)
    for name, score, kinds in (("dev", dev, dev_kinds), ("test", test, test_kinds)):
        report = {kind: s.as_dict() for kind, s in kinds.items()}
        print(
            f"\n[relevance heldout2 {name}] backend={get_backend().vendor} {score.as_dict()} by kind: {report}"
        )
    # The bars are what the search reaches today, just below (PostgreSQL; SQLite is a little
    # higher). Test was the honest figure until its misses were read on 2026-12-07 (0.658 / 0.566
    # then on PostgreSQL); the third stand-in's test split has taken that role.
    assert dev.recall >= 0.98 and dev.mrr >= 0.90, dev.misses
    assert test.recall >= 0.89 and test.mrr >= 0.82, test.misses
    assert test_kinds["colloquial"].recall >= 0.86, test_kinds["colloquial"].misses
    typed = [s for kinds in (dev_kinds, test_kinds) for k, s in kinds.items() if k != "colloquial"]
    assert all(s.recall >= 0.96 for s in typed), [s.misses for s in typed]


# The blind stand-ins' bars, just below what the search reaches (both backends), raised as it
# improves, never lowered. Nobody reads their test misses: a bar prints them only when broken.
# - heldout3: dev 0.979 / 0.898 after lexicon rounds that read its dev misses, test 0.767 / 0.662;
#   when it arrived, test 0.674 / 0.586.
# - heldout4, industries none of the others cover (appliance rental and home care, a brokerage, a
#   parcel courier, a car insurer): on arrival dev 0.734 / 0.602, test 0.663 / 0.565; lexicon round
#   7, written without it, moved neither; the nearer meaning expansion (tuned on dev) gave dev
#   0.798 / 0.649, test 0.698 / 0.584 on PostgreSQL.
# - Lexicon round 8 (word level: native verbs and everyday words → manual nouns, written by two
#   people who saw no set) and the fallbacks running for 10 hits whatever the limit moved both
#   test splits, on PostgreSQL: heldout3 0.767 / 0.662 → 0.849 / 0.708, heldout4 0.698 / 0.584 →
#   0.767 / 0.651 (dev 1.0 / 0.927 and 0.862 / 0.731).
BLIND_BARS = {
    "heldout3": (heldout3, (0.98, 0.91), (0.83, 0.69)),
    "heldout4": (heldout4, (0.84, 0.71), (0.74, 0.63)),
}


@pytest.mark.parametrize("name", list(BLIND_BARS))
def test_blind_stand_in_recall_at_5_and_mrr(db, name):
    split_set, dev_bar, test_bar = BLIND_BARS[name]
    corpus = build_heldout_corpus(split_set.ARTICLES)
    dev, dev_kinds = evaluate(corpus, split_set.DEV, split_set.KINDS)
    test, test_kinds = evaluate(corpus, split_set.TEST, split_set.KINDS)
    print(f"\n[relevance {name}] backend={get_backend().vendor} dev {dev.as_dict()} test {test.as_dict()}")
    assert dev.recall >= dev_bar[0] and dev.mrr >= dev_bar[1], dev.misses
    assert test.recall >= test_bar[0] and test.mrr >= test_bar[1], test.misses
    typed = [s for kinds in (dev_kinds, test_kinds) for k, s in kinds.items() if k != "colloquial"]
    assert all(s.recall >= 0.95 for s in typed), [s.misses for s in typed]
