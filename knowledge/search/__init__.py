"""The search interface of the knowledge base. Callers use only these functions.

- search(user=, client=, query=, limit=) -> SearchResult   (permission rule applied here)
- index_articles(ids) / remove_articles(ids)               (call after commit when articles change)
- helpfulness_changed(ids)                                 (feedback changed: re-rank, no re-analysis)
- rebuild(client=None) -> int

The backend is chosen by database vendor (backends.get_backend()).
"""

from __future__ import annotations

from .service import (
    SearchHit,
    SearchResult,
    helpfulness_changed,
    index_articles,
    rebuild,
    remove_articles,
    search,
)

__all__ = [
    "SearchHit",
    "SearchResult",
    "helpfulness_changed",
    "index_articles",
    "rebuild",
    "remove_articles",
    "search",
]
