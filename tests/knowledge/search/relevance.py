"""Recall@5 and MRR of the search service on the relevance sets.

Sets: "agents" (relevance_data.py, written with the search), "customers" (relevance_customers.py:
the demo manuals searched in callers' words), "heldout" (relevance_heldout.py: four other
clients' manuals searched in other people's words, a stand-in for the independent held-out set)
and "heldout2" (relevance_heldout2.py: a second such stand-in, written blind, split dev/test). Used by test_relevance.py
(which asserts the bar) and bench/relevance.py (which prints the numbers as JSON for both backends).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .relevance_data import ARTICLES, KINDS, QUERIES, SYNONYMS

TOP = 5


@dataclass
class Corpus:
    clients: dict  # slug → ClientCompany
    keys: dict[int, str]  # article id → key in relevance_data
    agent: object  # an agent assigned to every client of the set


def build_demo_corpus(agent=None) -> Corpus:
    """The demo clients' published manuals (knowledge/manuals/demo_articles.py), keyed by external id."""
    from knowledge.manuals.demo_articles import CLIENT_ARTICLES
    from knowledge.search.backends import get_backend
    from tests.accounts.factories import ClientCompanyFactory, UserFactory
    from tests.knowledge.factories import ArticleFactory

    clients, keys = {}, {}
    for slug, entries in CLIENT_ARTICLES.items():
        clients[slug] = client = ClientCompanyFactory(slug=slug, name=slug)
        for i, (_path, title, question, answer, steps, cautions, tags) in enumerate(entries, start=1):
            article = ArticleFactory(
                client=client,
                external_id=f"{slug}-{i:03d}",
                title=title,
                question=question,
                answer=answer,
                steps=steps,
                cautions=cautions,
                tags=tags,
            )
            keys[article.pk] = article.external_id
    get_backend().index(list(keys))
    return Corpus(clients=clients, keys=keys, agent=agent or UserFactory(clients=list(clients.values())))


def build_corpus() -> Corpus:
    """Create the set's clients, articles and synonyms and index them (needs database access)."""
    from knowledge.models import SynonymGroup
    from knowledge.search.backends import get_backend
    from knowledge.search.interface import synonyms_changed
    from tests.accounts.factories import ClientCompanyFactory, UserFactory
    from tests.knowledge.factories import ArticleFactory

    clients, keys = {}, {}
    for slug, rows in ARTICLES.items():
        clients[slug] = client = ClientCompanyFactory(slug=slug, name=slug)
        for key, title, question, answer, tags in rows:
            article = ArticleFactory(client=client, title=title, question=question, answer=answer, tags=tags)
            keys[article.pk] = key
    for terms in SYNONYMS:
        SynonymGroup.objects.create(terms=terms)
    synonyms_changed()
    get_backend().index(list(keys))
    return Corpus(clients=clients, keys=keys, agent=UserFactory(clients=list(clients.values())))


def build_heldout_corpus(articles: dict | None = None) -> Corpus:
    """A stand-in held-out set's four clients and manuals, no synonym group: relevance_heldout.py's
    ARTICLES, or those given (relevance_heldout2.py's, relevance_heldout3.py's)."""
    from knowledge.manuals.models import Category
    from knowledge.search.backends import get_backend
    from tests.accounts.factories import ClientCompanyFactory, UserFactory
    from tests.knowledge.factories import ArticleFactory

    from .relevance_heldout import ARTICLES as HELDOUT

    clients, keys = {}, {}
    for slug, rows in (HELDOUT if articles is None else articles).items():
        clients[slug] = client = ClientCompanyFactory(slug=slug, name=slug)
        categories: dict[str, Category] = {}
        for key, title, question, answer, category, tags in rows:
            if category not in categories:
                categories[category] = Category.objects.create(client=client, name=category)
            article = ArticleFactory(
                client=client,
                category=categories[category],
                external_id=key,
                title=title,
                question=question,
                answer=answer,
                tags=tags,
            )
            keys[article.pk] = key
    get_backend().index(list(keys))
    return Corpus(clients=clients, keys=keys, agent=UserFactory(clients=list(clients.values())))


def build_heldout2_corpus() -> Corpus:
    """The second stand-in held-out set (relevance_heldout2.py), written blind; no synonym group."""
    from .relevance_heldout2 import ARTICLES as HELDOUT2

    return build_heldout_corpus(HELDOUT2)


@dataclass
class Score:
    queries: int = 0
    found: int = 0
    reciprocal: float = 0.0
    misses: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.queries if self.queries else 0.0

    def as_dict(self) -> dict:
        return {"queries": self.queries, "recall_at_5": round(self.recall, 3), "mrr": round(self.mrr, 3)}


def evaluate(corpus: Corpus, queries=None, kinds=None) -> tuple[Score, dict[str, Score]]:
    """The overall score and one per kind of query (inflected, spaced differently, typo, ...)."""
    from knowledge.search.interface import search

    queries, kinds = (QUERIES, KINDS) if queries is None else (queries, kinds)
    overall, by_kind = Score(), defaultdict(Score)
    for slug, text, expected, kind in queries:
        assert kind in kinds, kind
        result = search(user=corpus.agent, client=corpus.clients[slug], query=text, limit=TOP)
        ranked = [corpus.keys[h.article_id] for h in result.hits]
        for score in (overall, by_kind[kind]):
            score.queries += 1
            if expected in ranked:
                score.found += 1
                score.reciprocal += 1 / (ranked.index(expected) + 1)
            else:
                score.misses.append((text, expected, ranked[:3]))
    return overall, {k: by_kind[k] for k in kinds if k in by_kind}
