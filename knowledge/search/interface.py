"""The search interface of the knowledge base: what every other module calls.

- search(user=, client=, query=, limit=) -> SearchResult   (permission rule applied here)
- index_articles(ids) / remove_articles(ids)               (call when articles change: run on commit)
- helpfulness_changed(ids)                                 (feedback changed: re-rank, no re-analysis)
- rebuild(client=None) -> int

Behind it: the result cache, the synonym and lexicon maps per client, the search log, and the
backend of the database vendor (`backends.get_backend()`). Writes of the search part's own tables
(call-mode memory, synonyms, learned expressions) are in `services.py`, its reads in `selectors.py`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import ClientCompany
from accounts.permissions import can_see_client
from core.caching import current_versions
from knowledge.models import SearchLog, SynonymGroup
from ops.metrics import observe_search

from . import engine, lexicon, tokenizer
from .backends import get_backend
from .caches import INDEX, SYNONYMS

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
    call_url: str = ""  # call mode's own article view (reversed once, then cached with the result)
    every_word: bool = True  # found by the strict or typo phase: it holds every typed word (core and
    # relaxed phases leave some out)


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

    @property
    def only_partial(self) -> bool:
        """No hit holds every typed word (the "closest matches" note); relaxed hits below full ones
        do not count."""
        return bool(self.hits) and not any(h.every_word for h in self.hits)


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
    index_version, synonym_version = _versions()
    key = (client.pk, query, limit, index_version, synonym_version)
    cached = _results.get(key)
    shared_key = _shared_key(key)
    if cached is None:
        cached = cache.get(shared_key)
        if cached is not None:
            _results.put(key, cached)
    if cached is None:
        out = get_backend().search(
            client_id=client.pk,
            query=query,
            limit=limit,
            synonyms=_synonyms(client.pk, synonym_version),
            lexicon=_lexicon(client.pk, synonym_version),
        )
        cached = _hits(client, out)
        cached.query = query
        _results.put(key, cached)
        cache.set(shared_key, cached, RESULT_CACHE_SECONDS)
    result = replace(cached, took_ms=round((time.perf_counter() - started) * 1000, 2))
    observe_search(seconds=result.took_ms / 1000, results=result.count)
    if log:
        with _unsynced_commit():
            result.log_id = log_search(user=user, client=client, result=result, replace_log_id=replace_log_id)
    return result


@contextmanager
def _unsynced_commit():
    """The search log is written on the keystrokes that end a query: on PostgreSQL its commit need not
    wait for the WAL to reach the disk (5-15 ms on a busy disk, in the agent's wait). A crash may lose
    the last fraction of a second of log rows; it never leaves one half-written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _hits(client: ClientCompany, out: engine.EngineResult) -> SearchResult:
    terms = [t for t in (out.parsed.terms() if out.parsed else []) if len(t) >= 2] or (
        out.parsed.terms() if out.parsed else []
    )
    for words in out.corrections.values():
        terms += words
    hits = []
    call_url = _url_of("knowledge:call_article")
    try:  # what ArticleRow.get_absolute_url() reverses, once
        article_page = _url_of("knowledge:article")
    except NoReverseMatch:
        article_page = None
    for f in out.found:
        a = f.article  # loaded by engine.score(): published, of this client
        assert a is not None
        hits.append(
            SearchHit(
                article_id=a.pk,
                external_id=a.external_id,
                title=a.title,
                client_slug=client.slug,
                category=a.category_path,
                snippet=engine.snippet(a, terms),
                score=f.score,
                url=article_page(a.pk) if article_page else article_url(a),
                title_html=engine.highlight(a.title, terms),
                rank=f.rank,
                call_url=call_url(a.pk),
                every_word=f.phase < engine.CORE_PHASE,
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


_PK = 987654321987  # stands for the article's id in a reversed URL (no route holds these digits)


def _url_of(name: str):
    """pk → reverse(name, args=[pk]) with one reverse per result list, not two per hit (reversing
    was a tenth of an uncached search)."""
    template = reverse(name, args=[_PK])
    return lambda pk: template.replace(str(_PK), str(int(pk)))


# --- Versions and the result cache -------------------------------------------------------------
# Hundreds of agents type the same prefixes of the same few questions: recent result lists are
# kept in each process and in the shared cache (so every worker profits from any one's work),
# keyed by the index and synonym versions (core.caching, knowledge/search/caches.py). Any index
# write or synonym change sets a new version (the models' querysets and signals do it), so no
# process serves a list older than the change. The permission check runs before the look-up on
# every request, and the key holds the client.
RESULT_CACHE_SIZE = 2000
RESULT_CACHE_SECONDS = 60  # bounds what no version covers (a renamed category in a hit's path)


class _ResultCache:
    def __init__(self, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self._data: OrderedDict[tuple, tuple[float, SearchResult]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> SearchResult | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, result: SearchResult) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + self.seconds, result)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_results = _ResultCache(RESULT_CACHE_SIZE, RESULT_CACHE_SECONDS)


def _shared_key(key: tuple) -> str:
    client_id, query, limit, index_version, synonym_version = key
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"knowledge:search:result:1:{client_id}:{limit}:{index_version}:{synonym_version}:{digest}"


def _versions() -> tuple[str, str]:
    """(index version, synonym version): one round trip to the shared cache."""
    index, synonyms = current_versions(INDEX, SYNONYMS)
    return index, synonyms


def synonyms_changed() -> None:
    """Every process rebuilds its synonym map (saves and deletes of SynonymGroup do it already)."""
    SYNONYMS.bump()


# --- Synonyms ---------------------------------------------------------------------------------
_synonym_cache: dict[tuple[int, str], dict] = {}


def synonyms_for(client_id: int) -> dict[str, list[tuple[str, ...]]]:
    """term → the other words of its groups, each as the tuple of its terms (the AND of them)."""
    return _synonyms(client_id, _versions()[1])


def _groups(client_id: int, version: str) -> list:
    """The client's and the global synonym groups of both kinds: one query per version."""
    key = (client_id, version)
    if key not in _group_cache:
        if len(_group_cache) > 500:
            _group_cache.clear()
        _group_cache[key] = _read_groups(client_id)
    return _group_cache[key]


def _read_groups(client_id: int) -> list[SynonymGroup]:
    """The model's order (client name, terms), hand-written: an uncached search after any synonym
    change or cache flush reads them, and compiling the ORM query cost four times the query."""
    groups, clients = SynonymGroup._meta.db_table, ClientCompany._meta.db_table
    sql = (
        f"SELECT g.id, g.client_id, g.kind, g.terms, g.phrases FROM {groups} g"  # noqa: S608 (names are ours)
        f" LEFT JOIN {clients} c ON c.id = g.client_id"
        " WHERE g.client_id = %s OR g.client_id IS NULL ORDER BY c.name, g.terms"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id])
        rows = cursor.fetchall()
    return [SynonymGroup(id=i, client_id=c, kind=k, terms=t, phrases=p) for i, c, k, t, p in rows]


_group_cache: dict[tuple[int, str], list] = {}


def _synonyms(client_id: int, version: str) -> dict[str, list[tuple[str, ...]]]:
    key = (client_id, version)
    if key not in _synonym_cache:
        if len(_synonym_cache) > 500:
            _synonym_cache.clear()
        mapping: dict[str, list[tuple[str, ...]]] = {}
        for group in _groups(client_id, version):
            if group.kind != SynonymGroup.Kind.SYNONYM:
                continue
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


_lexicon_cache: dict[tuple[int, str], object] = {}


def _lexicon(client_id: int, version: str):
    """The shipped colloquial lexicon (parsed once per process) plus the client's own and the global
    entries edited in the product (SynonymGroup kind "colloquial"), rebuilt when synonyms change."""
    key = (client_id, version)
    if key not in _lexicon_cache:
        if len(_lexicon_cache) > 500:
            _lexicon_cache.clear()
        extra = []
        for group in _groups(client_id, version):
            if group.kind == SynonymGroup.Kind.COLLOQUIAL:
                extra += lexicon.parse_entry(group.term_list, group.phrase_list)
        _lexicon_cache[key] = lexicon.shipped().merged(extra)
    return _lexicon_cache[key]


def lexicon_for(client_id: int):
    return _lexicon(client_id, _versions()[1])


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
    else:
        # Keys sent before the previous answer came back carry no log id (on a slow server, three
        # rows for one typed query): this user's latest row in the client, if this query extends it.
        latest = (
            SearchLog.objects.filter(
                user=user,
                client=client,
                opened_article__isnull=True,
                created_at__gte=timezone.now() - REFINE_WINDOW,
            )
            .order_by("-created_at", "-pk")
            .values_list("pk", "query")
            .first()
        )
        if latest is not None and latest[1] != query:
            if _extends(query, latest[1]):
                SearchLog.objects.filter(pk=latest[0]).update(**fields)
                return latest[0]
            if latest[1].startswith(query):  # an older key answered late: the row stays as typed
                return latest[0]
    return _insert_log(user_id=user.pk, client_id=client.pk, **fields)


def _extends(query: str, previous: str) -> bool:
    """`query` is `previous` typed further (its last key may have been corrected: 카드분ㅅ → 카드분실);
    never shorter, so an answer arriving late cannot put back what came before it. (The same search
    run again, from a link or Enter, is another search: the caller leaves equal queries out.)"""
    if query.startswith(previous):
        return True
    return len(previous) > 1 and len(query) >= len(previous) and query.startswith(previous[:-1])


def _insert_log(**values) -> int:
    """SearchLog.objects.create() without the model machinery: one row per keystroke that ends a
    query, and the ORM's instance, signals and SQL compilation cost more than the INSERT itself.
    SearchLog has no signal receivers and no save() of its own; created_at is set here."""
    values["created_at"] = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ", ".join(connection.ops.quote_name(c) for c in values)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(SearchLog._meta.db_table)} ({columns}) "  # noqa: S608 (names are ours)
        f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(values.values()))
        return cursor.fetchone()[0]


def log_opened(*, user, log_id: int, article_id: int) -> None:
    """The agent opened an article from a result list: remember which (only on their own log row)."""
    SearchLog.objects.filter(pk=log_id, user=user).update(opened_article_id=article_id)


# --- Index maintenance ------------------------------------------------------------------------
# The backends write the index through the index models' querysets, which bump INDEX: the next
# search in any process misses the result cache (tests/knowledge/search/test_result_cache.py).


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
