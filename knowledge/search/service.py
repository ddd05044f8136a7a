from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import ClientCompany
from accounts.permissions import can_see_client

from . import engine, tokenizer
from .backends import get_backend

# The relevance score of a hit is in [0, 1]; GOOD_MATCH (0.6) means every typed word was found.
GOOD_MATCH = engine.GOOD_MATCH


@dataclass
class SearchHit:
    article_id: int
    external_id: str
    title: str
    client_slug: str
    category: str
    snippet: str  # HTML-safe: escaped text with <mark> around matches
    score: float  # normalised relevance in [0, 1]; >= GOOD_MATCH is a good match
    url: str
    title_html: str = ""  # HTML-safe title with <mark>
    rank: float = 0.0  # the backend's raw text rank (only comparable within one query)


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    took_ms: float = 0.0
    count_capped: bool = False  # more than `count` articles match
    fallback: str = ""  # "" (exact), "typo" (a word was corrected) or "relaxed" (not every word matched)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    log_id: int | None = None


def search(
    *,
    user,
    client: ClientCompany,
    query: str,
    limit: int = 10,
    log: bool = False,
    replace_log_id: int | None = None,
) -> SearchResult:
    """Published articles of `client` matching `query`, best first. Empty for clients the user may not see.

    With log=True the query is written to the search log (one INSERT, or an UPDATE of
    `replace_log_id` when the agent is still refining the same query: see log_search()).
    """
    started = time.perf_counter()
    if not can_see_client(user, client) or not query.strip():
        return SearchResult(query=query)
    backend = get_backend()
    out = backend.search(client_id=client.pk, query=query, limit=limit, synonyms=synonyms_for(client.pk))
    if isinstance(out, tuple):  # the naive baseline answers (hits, count)
        hits, count = out
        result = SearchResult(query=query, hits=hits, count=count)
    else:
        result = _hits(client, out)
        result.query = query
    result.took_ms = round((time.perf_counter() - started) * 1000, 2)
    if log:
        result.log_id = log_search(user=user, client=client, result=result, replace_log_id=replace_log_id)
    return result


def _hits(client: ClientCompany, out: engine.EngineResult) -> SearchResult:
    terms = [t for t in (out.parsed.terms() if out.parsed else []) if len(t) >= 2] or (
        out.parsed.terms() if out.parsed else []
    )
    for words in out.corrections.values():
        terms += words
    hits = []
    for f in out.found:
        a = f.article  # loaded by engine.score(): published, of this client
        hits.append(
            SearchHit(
                article_id=a.pk,
                external_id=a.external_id,
                title=a.title,
                client_slug=client.slug,
                category=a.category.path if a.category_id else "",
                snippet=engine.snippet(a, terms),
                score=f.score,
                url=article_url(a),
                title_html=engine.highlight(a.title, terms),
                rank=f.rank,
            )
        )
    return SearchResult(
        query="",
        hits=hits,
        count=out.count,
        count_capped=out.count_capped,
        fallback=out.fallback,
        corrections=out.corrections,
    )


def article_url(article) -> str:
    """The article page (the manuals part's `knowledge:article`), else call mode's own article view."""
    try:
        return article.get_absolute_url()
    except NoReverseMatch:
        return reverse("knowledge:call_article", args=[article.pk])


# --- Synonyms ---------------------------------------------------------------------------------
_SYNONYM_VERSION_KEY = "knowledge:search:synonyms:version"
_synonym_cache: dict[tuple[int, str], dict] = {}


def synonyms_changed() -> None:
    """Called after any change to the synonym table: every process rebuilds its map."""
    cache.set(_SYNONYM_VERSION_KEY, uuid.uuid4().hex, None)


def synonyms_for(client_id: int) -> dict[str, list[tuple[str, ...]]]:
    """term → the other words of its groups, each as the tuple of its terms (the AND of them)."""
    from knowledge.models import SynonymGroup

    # A random version (not a counter): a cleared or restarted cache can never revive an old map.
    version = cache.get(_SYNONYM_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_SYNONYM_VERSION_KEY, version, None)
        version = cache.get(_SYNONYM_VERSION_KEY, version)
    key = (client_id, version)
    if key not in _synonym_cache:
        if len(_synonym_cache) > 500:
            _synonym_cache.clear()
        mapping: dict[str, list[tuple[str, ...]]] = {}
        groups = SynonymGroup.objects.filter(client_id__in=[client_id]) | SynonymGroup.objects.filter(
            client__isnull=True
        )
        for group in groups:
            members = [
                tuple(t.term for t in tokenizer.analyze(w)) or (tokenizer.clean_term(w),)
                for w in group.term_list
            ]
            members = [m for m in members if all(m)]
            for m in members:
                if len(m) != 1:
                    continue
                for other in members:
                    if other != m and other not in mapping.setdefault(m[0], []):
                        mapping[m[0]].append(other)
        _synonym_cache[key] = mapping
    return _synonym_cache[key]


# --- Search log -------------------------------------------------------------------------------
REFINE_WINDOW = timedelta(seconds=30)


def log_search(
    *, user, client: ClientCompany, result: SearchResult, replace_log_id: int | None = None
) -> int:
    """One row per query as the agent finally typed it.

    Search-as-you-type sends 카, 카드, 카드분실…: when the page passes the id of its previous log row
    and this query refines it (same user and client, within 30 s, one extends the other), that row is
    updated instead of adding another, so the log holds what was really searched.
    """
    from knowledge.models import SearchLog

    query = result.query.strip()[:200]
    fields = {
        "query": query,
        "result_count": result.count,
        "took_ms": result.took_ms,
        "fallback": result.fallback,
    }
    if replace_log_id:
        previous = (
            SearchLog.objects.filter(
                pk=replace_log_id,
                user=user,
                client=client,
                opened_article__isnull=True,
                created_at__gte=timezone.now() - REFINE_WINDOW,
            )
            .values_list("query", flat=True)
            .first()
        )
        if previous is not None and (query.startswith(previous[:-1]) or previous.startswith(query)):
            SearchLog.objects.filter(pk=replace_log_id).update(**fields)
            return replace_log_id
    return SearchLog.objects.create(user=user, client=client, **fields).pk


def log_opened(*, user, log_id: int, article_id: int) -> None:
    """The agent opened an article from a result list: remember which (only on their own log row)."""
    from knowledge.models import SearchLog

    SearchLog.objects.filter(pk=log_id, user=user).update(opened_article_id=article_id)


# --- Index maintenance ------------------------------------------------------------------------


def index_articles(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: get_backend().index(ids))


def remove_articles(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: get_backend().remove(ids))


def helpfulness_changed(ids: Iterable[int]) -> None:
    """Feedback on these articles changed: refresh their ranking tie-breaker (no re-analysis)."""
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: get_backend().update_helpfulness(ids))


def rebuild(client: ClientCompany | None = None) -> int:
    return get_backend().rebuild(client_id=client.pk if client else None)
