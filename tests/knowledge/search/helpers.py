"""Helpers for the search tests: articles that are created and indexed at once."""

from __future__ import annotations

from knowledge.search.backends import get_backend
from tests.knowledge.factories import ArticleFactory, CategoryFactory


def indexed_article(client, title: str, *, question: str = "", answer: str = "", tags: str = "", **kw):
    article = ArticleFactory(
        client=client, title=title, question=question, answer=answer or f"{title} 안내", tags=tags, **kw
    )
    get_backend().index([article.pk])
    return article


def indexed_articles(client, rows: list[dict]):
    """rows: dicts with title/question/answer/tags(/category); indexed in one batch."""
    categories: dict[str, object] = {}
    articles = []
    for row in rows:
        row = dict(row)
        category = row.pop("category", None)
        if category and category not in categories:
            categories[category] = CategoryFactory(client=client, name=category)
        articles.append(ArticleFactory(client=client, category=categories.get(category), **row))
    get_backend().index([a.pk for a in articles])
    return articles
