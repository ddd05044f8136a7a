"""The naive baseline: `icontains` over the live article table, no index.

It is what search would be without Kiwi and a full-text index; bench/search.py measures the real
backends against it. It is not a search backend (no synonyms, no typos, no helpfulness, answers
`(hits, count)`), so it lives here and the application never chooses it: a database with no
backend stops at start-up (knowledge/search/checks.py).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from knowledge.models import Article


class NaiveBackend:
    def search(self, *, client_id: int, query: str, limit: int):
        from knowledge.search.interface import SearchHit

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
