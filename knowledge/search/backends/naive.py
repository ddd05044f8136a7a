"""The naive baseline: `icontains` over the live article table, no index.

It is what search would be without Kiwi and a full-text index; bench/search.py measures the real
backends against it.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from knowledge.models import Article


class NaiveBackend:
    def search(self, *, client_id: int, query: str, limit: int):
        from knowledge.search.service import SearchHit

        words = query.split()
        qs = Article.objects.published().filter(client_id=client_id).select_related("client", "category")
        for word in words:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(question__icontains=word)
                | Q(answer__icontains=word)
                | Q(tags__icontains=word)
            )
        count = qs.count()
        hits = [
            SearchHit(
                article_id=a.pk,
                external_id=a.external_id,
                title=a.title,
                client_slug=a.client.slug,
                category=a.category.path if a.category else "",
                snippet=escape(a.answer[:160]),
                score=1.0,
                url=a.get_absolute_url(),
                call_url=reverse("knowledge:call_article", args=[a.pk]),
            )
            for a in qs.order_by("-published_at", "title")[:limit]
        ]
        return hits, count

    def index(self, ids) -> None:
        """Nothing to index: the naive backend reads the article table directly."""

    def remove(self, ids) -> None:
        """Nothing to remove: see index()."""

    def rebuild(self, client_id=None) -> int:
        return 0
