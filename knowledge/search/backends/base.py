"""The protocol every search backend implements, and the indexing both backends share.

Indexing is vendor-neutral: Kiwi terms go into `SearchDocument` (one row per published article,
one column per indexed field of `knowledge/search/fields.py`) and `SearchTerm` (the client's
vocabulary); the migration's vendor-specific structures (FTS5 tables with triggers, or generated
tsvector columns with GIN indexes) follow those rows. A backend adds the matching primitives:
`match`, `counts`, `near_terms` and the vocabulary look-ups.

Every index write goes through the index models' querysets, which bump the search result cache's
version (`knowledge/search/caches.py`): nothing here has to tell the result cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from knowledge.models import Article, ArticleStatus, Category, LearnedExpression, SearchDocument, SearchTerm

from .. import tokenizer
from ..engine import EngineResult, run
from ..fields import FIELDS, LEARNED, TEXT_FIELDS, TITLE, source_text
from ..query import Expr

BATCH = 500


def one_typo_away(candidate: str, typed: str) -> bool:
    """Whether a vocabulary term's jamo is one typo from the typed word's: one jamo changed, added,
    dropped or swapped, a key pressed twice costing nothing on top (첰크인 is 체크인 with ㅋ pressed
    twice and ㅓ for ㅔ, not two typos away). Only a doubled key of the typed word is forgiven: the
    vocabulary's own (경우: ㅇㅇ) are spelled so (겨울 stays two jamo from 경우)."""
    if tokenizer.edit_distance_at_most_one(candidate, typed):
        return True
    return any(
        tokenizer.edit_distance_at_most_one(candidate, typed[:i] + typed[i + 1 :])
        for i in range(1, len(typed))
        if typed[i] == typed[i - 1]
    )


@dataclass(frozen=True, slots=True)
class Document:
    title: set[str]
    every: set[str]
    learned: frozenset[str] = frozenset()  # customers' words learned for the article (less credit)
    helpfulness: float = 0.0
    published: float = 0.0  # POSIX time, 0 when unknown
    article: ArticleRow | None = None  # what a hit shows of the article


@dataclass(slots=True)
class ArticleRow:
    """The fields of a knowledge.Article that a search hit shows (see documents())."""

    pk: int
    client_id: int
    external_id: str
    title: str
    question: str
    answer: str
    category_id: int | None
    category_path: str

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.pk])


def helpfulness_scores(article_ids: list[int]) -> dict[int, float]:
    """Helpfulness in [0, 1] per article, from settings.KNOWLEDGE_SEARCH_HELPFULNESS (a dotted path to
    `f(article_ids) -> {id: score}`; the manuals part can plug its feedback counts in). Missing → 0."""
    path = getattr(settings, "KNOWLEDGE_SEARCH_HELPFULNESS", "")
    if not path:
        return {}
    return {int(k): max(0.0, min(1.0, float(v))) for k, v in import_string(path)(article_ids).items()}


def document_columns(hit: str) -> tuple[str, str]:
    """(columns, joins) reading a hit's Document (see document_from_row) beside the row of `hit`,
    a table or CTE with an `article_id`: the article (published, of the client: two parameters,
    status then client id, in the joins), its category and parent names, its index row. Left joins:
    a stale index row comes back with NULLs and no Document."""
    a, d, c = (m._meta.db_table for m in (Article, SearchDocument, Category))
    columns = ", ".join(f"dd.{f.column}" for f in FIELDS)
    return (
        "a.id, a.external_id, a.title, a.question, a.answer, a.category_id, c.name, p.name, p.parent_id,"
        f" dd.helpfulness, dd.published_at, {columns}",
        f" LEFT JOIN {a} a ON a.id = {hit}.article_id AND a.status = %s AND a.client_id = %s"
        f" LEFT JOIN {d} dd ON dd.article_id = a.id"
        f" LEFT JOIN {c} c ON c.id = a.category_id LEFT JOIN {c} p ON p.id = c.parent_id",
    )


def _documents_sql(n: int) -> str:
    """documents()' statement for n ids. Hand-written: the ORM compiled it anew for every search."""
    columns, joins = document_columns("h")
    d = SearchDocument._meta.db_table
    return (
        f"SELECT {columns} FROM {d} h {joins}"  # noqa: S608 (names are ours)
        f" WHERE a.id IS NOT NULL AND h.article_id IN ({', '.join(['%s'] * n)})"
    )


def document_from_row(client_id: int, row) -> Document | None:
    """A Document from the columns of document_columns(); None when the article is not published."""
    (
        pk,
        ext,
        title,
        question,
        answer,
        cat_id,
        cat,
        parent,
        grandparent,
        helpfulness,
        published_at,
        *columns,
    ) = row
    if pk is None:
        return None
    fields = dict(zip(FIELDS, columns, strict=True))
    if grandparent is not None:  # deeper than two levels: rare, let the model walk it
        path = Category.objects.get(pk=cat_id).path
    else:
        path = " > ".join(n for n in (parent, cat) if n is not None)
    return Document(
        title=set(fields[TITLE].split()),
        every={term for f in TEXT_FIELDS for term in fields[f].split()},
        learned=frozenset(fields[LEARNED].split()),
        helpfulness=helpfulness,
        published=_timestamp(published_at),
        article=ArticleRow(pk, client_id, ext, title, question, answer, cat_id, path),
    )


def _timestamp(value) -> float:
    """POSIX time of a datetime column read by a plain cursor (SQLite gives text, naive UTC)."""
    if not value:
        return 0.0
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            return 0.0
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def learned_terms(article_ids: list[int]) -> dict[int, str]:
    """The index terms of each article's learned customer expressions (removed ones left out)."""
    out: dict[int, list[str]] = {}
    rows = LearnedExpression.objects.filter(article_id__in=article_ids, removed_at__isnull=True)
    for article_id, terms in rows.values_list("article_id", "terms"):
        out.setdefault(article_id, []).extend(terms.split())
    return {k: " ".join(dict.fromkeys(v)) for k, v in out.items()}


def document_fields(article, learned: str = "") -> dict[str, str]:
    """SearchDocument column → the terms of the article's text for that indexed field."""
    # The learned field first: the vocabulary is inserted in this order.
    return {LEARNED.column: learned} | {
        f.column: " ".join(tokenizer.index_terms(source_text(article, f))) for f in TEXT_FIELDS
    }


class Backend(Protocol):
    """What `knowledge.search.interface` and the engine ask of a backend (one per database vendor,
    `backends.BACKENDS`). `SearchBackend` below implements all but the vendor's matching."""

    vendor: str
    candidates: int  # matches ranked (and counted) at most per query

    # indexing: the interface calls these on commit of the articles' change
    def index(self, ids: Iterable[int]) -> None: ...
    def remove(self, ids: Iterable[int]) -> None: ...
    def update_helpfulness(self, ids: Iterable[int]) -> None: ...
    def rebuild(self, client_id: int | None = None) -> int: ...

    # searching: the interface calls search(), the engine the rest
    def search(
        self, *, client_id: int, query: str, limit: int, synonyms=None, lexicon=None
    ) -> EngineResult: ...
    def match(
        self,
        client_id: int,
        expr: Expr,
        *,
        limit: int,
        exclude: set[int] | frozenset = frozenset(),
        documents: dict[int, Document | None] | None = None,
    ) -> tuple[list[tuple[int, float]], int]: ...
    def counts(self, client_id: int, exprs: list[Expr]) -> list[int]: ...
    def near_terms(self, client_id: int, word: str, limit: int) -> list[str]: ...
    def near_terms_of(self, client_id: int, words: list[str], limit: int) -> dict[str, list[str]]: ...
    def chosung_terms(self, client_id: int, key: str, prefix: bool, limit: int) -> list[str]: ...
    def jamo_prefix_terms(self, client_id: int, jamo: str, limit: int) -> list[str]: ...
    def known_terms(self, client_id: int, terms: list[str]) -> set[str]: ...
    def documents(self, client_id: int, ids: list[int]) -> dict[int, Document]: ...


class SearchBackend:
    """Base class: indexing over the Django tables; subclasses match and count."""

    vendor = ""
    # How many matching articles are ranked (and counted) at most: a common word matches most of a
    # client's manual, and ranking all of it costs more than a live call can wait for.
    candidates = 100

    # --- indexing -------------------------------------------------------------------------
    def index(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            articles = list(Article.objects.filter(pk__in=chunk, status=ArticleStatus.PUBLISHED))
            helpful = helpfulness_scores([a.pk for a in articles])
            learned = learned_terms([a.pk for a in articles])
            docs: list[SearchDocument] = []
            vocab: dict[tuple[int, str], None] = {}
            for a in articles:
                fields = document_fields(a, learned.get(a.pk, ""))
                docs.append(
                    SearchDocument(
                        article_id=a.pk,
                        client_id=a.client_id,
                        helpfulness=helpful.get(a.pk, 0.0),
                        published_at=a.published_at,
                        **fields,
                    )
                )
                for value in fields.values():
                    for term in value.split():
                        vocab.setdefault((a.client_id, term), None)
            with transaction.atomic():
                SearchDocument.objects.filter(article_id__in=chunk).delete()
                SearchDocument.objects.bulk_create(docs)
                SearchTerm.objects.bulk_create(
                    [
                        SearchTerm(
                            client_id=client_id,
                            term=term[:100],
                            jamo=tokenizer.jamo(term)[:300],
                            chosung=tokenizer.chosung(term)[:100],
                        )
                        for client_id, term in vocab
                    ],
                    ignore_conflicts=True,
                    batch_size=1000,
                )

    def update_helpfulness(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        scores = helpfulness_scores(ids)
        for pk in SearchDocument.objects.filter(article_id__in=ids).values_list("article_id", flat=True):
            SearchDocument.objects.filter(article_id=pk).update(helpfulness=scores.get(pk, 0.0))

    def remove(self, ids: Iterable[int]) -> None:
        SearchDocument.objects.filter(article_id__in=list(ids)).delete()

    def rebuild(self, client_id: int | None = None) -> int:
        """Re-index every published article (of one client). The vocabulary is rebuilt with it."""
        docs = SearchDocument.objects.all()
        terms = SearchTerm.objects.all()
        articles = Article.objects.published()
        if client_id is not None:
            docs, terms, articles = (
                docs.filter(client_id=client_id),
                terms.filter(client_id=client_id),
                articles.filter(client_id=client_id),
            )
        with transaction.atomic():
            docs.delete()
            terms.delete()
        ids = list(articles.values_list("pk", flat=True))
        self.index(ids)
        return len(ids)

    # --- matching (vendor-specific) -----------------------------------------------------------
    def match(
        self,
        client_id: int,
        expr: Expr,
        *,
        limit: int,
        exclude: set[int] | frozenset = frozenset(),
        documents: dict[int, Document | None] | None = None,
    ) -> tuple[list[tuple[int, float]], int]:
        """(article id, rank) best first, and how many articles match, counted up to `candidates`
        (the count includes excluded ones). At the cap, title matches come first. A backend may
        put what documents() would give for the rows it read into `documents` (None for an
        article no longer published), so that scoring them costs no further statement."""
        raise NotImplementedError

    def counts(self, client_id: int, exprs: list[Expr]) -> list[int]:
        """How many articles match each expression, each counted up to `candidates`: one statement."""
        raise NotImplementedError

    def near_terms(self, client_id: int, word: str, limit: int) -> list[str]:
        """Vocabulary terms one jamo away from `word` (typo candidates)."""
        raise NotImplementedError

    def near_terms_of(self, client_id: int, words: list[str], limit: int) -> dict[str, list[str]]:
        """near_terms() of each word; a backend may answer them in one statement."""
        return {word: self.near_terms(client_id, word, limit) for word in words}

    # --- vocabulary look-ups (shared SQL; the prefix range compares code points) ------------
    _collate = ""

    def _prefix_lookup(self, column: str, client_id: int, key: str, prefix: bool, limit: int) -> list[str]:
        col = f"{column}{self._collate}"
        if prefix:
            where, params = f"{col} >= %s AND {col} < %s", [key, key + "\U0010ffff"]
        else:
            where, params = f"{col} = %s", [key]
        sql = (
            f"SELECT term FROM knowledge_searchterm WHERE client_id = %s AND {where} "  # noqa: S608 (columns are ours)
            "ORDER BY length(term), term LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def chosung_terms(self, client_id: int, key: str, prefix: bool, limit: int) -> list[str]:
        return self._prefix_lookup("chosung", client_id, key, prefix, limit)

    def jamo_prefix_terms(self, client_id: int, jamo: str, limit: int) -> list[str]:
        return self._prefix_lookup("jamo", client_id, jamo, True, limit)

    def known_terms(self, client_id: int, terms: list[str]) -> set[str]:
        if not terms:
            return set()
        # Hand-written like the look-ups above: the ORM's compiling cost more than the query.
        sql = (
            "SELECT term FROM knowledge_searchterm WHERE client_id = %s"  # noqa: S608 (placeholders only)
            f" AND term IN ({', '.join(['%s'] * len(terms))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, *terms])
            return {row[0] for row in cursor.fetchall()}

    def documents(self, client_id: int, ids: list[int]) -> dict[int, Document]:
        """Terms and tie-breakers per article, with what a hit shows of it, in one query. The
        article table has the last word: only published articles of this client come back, so a
        stale index row never shows anything else. Plain rows, not model instances: this runs on
        every keystroke that misses the result cache, and building ~20 articles with their
        category chain and index row was most of its cost, and so was compiling the ORM query."""
        if not ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(_documents_sql(len(ids)), [ArticleStatus.PUBLISHED, client_id, *ids])
            rows = cursor.fetchall()
        docs = (document_from_row(client_id, row) for row in rows)
        return {doc.article.pk: doc for doc in docs if doc is not None and doc.article is not None}

    # --- the search itself --------------------------------------------------------------------
    def search(self, *, client_id: int, query: str, limit: int, synonyms=None, lexicon=None):
        return run(
            self, client_id=client_id, query=query, limit=limit, synonyms=synonyms or {}, lexicon=lexicon
        )
