"""Relevance on a fixed set of articles and queries: recall@5 and MRR, on whichever backend runs.

The CI runs the suite on SQLite and again on PostgreSQL, so both backends are held to the bar.
"""

from __future__ import annotations

import pytest

from knowledge.models import SynonymGroup
from knowledge.search import search
from knowledge.search.backends import get_backend
from tests.accounts.factories import ClientCompanyFactory, UserFactory
from tests.knowledge.factories import ArticleFactory

from .relevance_data import ARTICLES, QUERIES, SYNONYMS


@pytest.fixture
def corpus(db):
    clients, keys = {}, {}
    for slug, rows in ARTICLES.items():
        client = ClientCompanyFactory(slug=slug, name=slug)
        clients[slug] = client
        for key, title, question, answer, tags in rows:
            keys[
                ArticleFactory(client=client, title=title, question=question, answer=answer, tags=tags).pk
            ] = key
    for terms in SYNONYMS:
        SynonymGroup.objects.create(terms=terms)
    get_backend().index(list(keys))
    agent = UserFactory(clients=list(clients.values()))
    return clients, keys, agent


def test_recall_at_5_and_mrr(corpus, capsys):
    clients, keys, agent = corpus
    assert len(keys) >= 40 and len(QUERIES) >= 80
    found, reciprocal, misses = 0, 0.0, []
    for slug, text, expected in QUERIES:
        result = search(user=agent, client=clients[slug], query=text, limit=5)
        ranked = [keys[h.article_id] for h in result.hits]
        if expected in ranked:
            found += 1
            reciprocal += 1 / (ranked.index(expected) + 1)
        else:
            misses.append((text, expected, ranked[:3]))
    recall, mrr = found / len(QUERIES), reciprocal / len(QUERIES)
    with capsys.disabled():
        print(
            f"\n[relevance] backend={get_backend().vendor} queries={len(QUERIES)} "
            f"recall@5={recall:.3f} MRR={mrr:.3f} misses={misses}"
        )
    assert recall >= 0.95, misses
    assert mrr >= 0.85, misses
