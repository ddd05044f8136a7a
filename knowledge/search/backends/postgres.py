"""PostgreSQL: weighted tsvector over the Kiwi terms with a GIN index, pg_trgm for typos.

The migrations add generated columns to knowledge_searchdocument: `tsv` (the indexed fields of
knowledge/search/fields.py with their weights: title A, question + tags B, answer C, learned D,
built with array_to_tsvector so the 'simple' terms are taken verbatim) and `title_tsv`, each with a
GIN index; and a pg_trgm GIN index on the vocabulary's jamo strings.
"""

from __future__ import annotations

from django.db import connection

from knowledge.models import ArticleStatus

from .. import tokenizer
from ..fields import FIELDS
from ..query import And, Expr, Or, Term
from .base import SearchBackend, document_columns, document_from_row, one_typo_away


def tsv_expression() -> str:
    """The generated `tsv` column the migrations make: each indexed field's terms with its weight.
    (A migration cannot import this; tests/knowledge/search/test_fields.py holds them together.)"""
    return " || ".join(
        f"setweight(array_to_tsvector(string_to_array({f.column}, ' ')), '{f.tsvector_weight}')"
        for f in FIELDS
    )


def compile_tsquery(expr: Expr) -> str:
    """tsquery syntax, passed as a bound parameter and cast: terms are letters and digits, quoted."""
    if isinstance(expr, Term):
        quoted = "'" + expr.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return f"{quoted}:*" if expr.prefix else quoted
    joiner = " & " if isinstance(expr, And) else " | "
    assert isinstance(expr, And | Or)
    return "(" + joiner.join(compile_tsquery(p) for p in expr.parts) + ")"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    _collate = ' COLLATE "C"'

    def match(self, client_id, expr, *, limit, exclude=frozenset(), documents=None):
        """The best `limit` of at most `candidates` matches, and how many matched (up to that cap);
        at the cap, title matches first, then the rest of the candidates. One statement.

        Only a bounded candidate set is ranked: ts_rank over the 50k rows of a common word is too
        slow, and counting them exactly as well.
        """
        tsquery = compile_tsquery(expr)
        # The matches are a MATERIALIZED CTE read through a LIMIT: planned for all matching rows, so
        # PostgreSQL takes the GIN index unless the words are so common that a scan is cheaper, and
        # evaluated lazily, so it stops at the cap. (A LIMIT right on the scan made the planner scan
        # the table for moderately common words: 85 ms instead of 2 at 100k articles.) The title
        # matches are read only when the candidates reach the cap (a one-time filter).
        # The hits' articles are read in the same statement (documents() for the rows returned).
        columns, joins = document_columns("h")
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608 (names are ours)
            " SELECT article_id, tsv, helpfulness, published_at FROM knowledge_searchdocument"
            " WHERE client_id = %(client)s AND tsv @@ %(q)s::tsquery),"
            " c AS MATERIALIZED (SELECT * FROM m LIMIT %(cap)s),"
            " t AS MATERIALIZED ("
            " SELECT article_id, tsv, helpfulness, published_at FROM knowledge_searchdocument"
            " WHERE client_id = %(client)s AND title_tsv @@ %(q)s::tsquery),"
            " h AS ("
            "(SELECT 0 AS part, c.article_id, ts_rank(c.tsv, q) AS r, count(*) OVER () AS n,"
            " c.helpfulness AS hh, c.published_at AS hp"
            " FROM c, CAST(%(q)s AS tsquery) q"
            " ORDER BY r DESC, c.helpfulness DESC, c.published_at DESC NULLS LAST LIMIT %(n)s)"
            " UNION ALL"
            " (SELECT 1, t2.article_id, ts_rank(t2.tsv, q) AS r, 0, t2.helpfulness, t2.published_at"
            " FROM (SELECT * FROM t LIMIT %(cap)s) t2, CAST(%(q)s AS tsquery) q"
            " WHERE (SELECT count(*) FROM c) >= %(cap)s"
            " ORDER BY r DESC, t2.helpfulness DESC, t2.published_at DESC NULLS LAST LIMIT %(n)s))"
            f" SELECT h.part, h.article_id, h.r, h.n, {columns} FROM h"
            f" {joins.replace('%s', '%(status)s', 1).replace('%s', '%(client)s', 1)}"
            " ORDER BY h.part, h.r DESC, h.hh DESC, h.hp DESC NULLS LAST"
        )
        params = {
            "client": client_id,
            "q": tsquery,
            "cap": self.candidates,
            "n": limit + len(exclude),
            "status": ArticleStatus.PUBLISHED,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if documents is not None:
            for row in rows:
                documents[int(row[1])] = document_from_row(client_id, row[4:])
        body = [(int(r[1]), float(r[2])) for r in rows if r[0] == 0 and r[1] not in exclude]
        titles = [(int(r[1]), float(r[2])) for r in rows if r[0] == 1 and r[1] not in exclude]
        matched = next((int(r[3]) for r in rows if r[0] == 0), 0)
        if matched >= self.candidates:
            first = {pk for pk, _r in titles[:limit]}
            body = titles[:limit] + [(pk, r) for pk, r in body if pk not in first]
        return body[:limit], matched

    def counts(self, client_id, exprs):
        if not exprs:
            return []
        # One MATERIALIZED CTE per expression, read through a LIMIT (see _ranked): the index scan
        # stops at the cap, and the planner does not trade it for a table scan.
        # Only numbered names are formatted in; the tsqueries are bound parameters.
        ctes = ", ".join(
            f"m{i} AS MATERIALIZED (SELECT 1 FROM knowledge_searchdocument"  # noqa: S608
            " WHERE client_id = %s AND tsv @@ %s::tsquery)"
            for i in range(len(exprs))
        )
        columns = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM m{i} LIMIT %s) c)"  # noqa: S608
            for i in range(len(exprs))
        )
        params: list = []
        for expr in exprs:
            params += [client_id, compile_tsquery(expr)]
        params += [self.candidates] * len(exprs)
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {ctes} SELECT {columns}", params)
            return [int(n) for n in cursor.fetchone()]

    _NEAR = (
        "SELECT %s, term, jamo, similarity(jamo, %s) AS s FROM knowledge_searchterm"
        " WHERE client_id = %s AND jamo %% %s AND length(jamo) BETWEEN %s AND %s ORDER BY s DESC LIMIT 200"
    )

    def near_terms(self, client_id, word, limit):
        return self.near_terms_of(client_id, [word], limit)[word]

    def near_terms_of(self, client_id, words, limit):
        """One statement for every word: each word's own trigram query, joined by UNION ALL."""
        if not words:
            return {}
        targets = [tokenizer.jamo(word) for word in words]
        params: list = []
        for i, target in enumerate(targets):
            params += [i, target, client_id, target, len(target) - 1, len(target) + 1]
        sql = " UNION ALL ".join(f"({self._NEAR})" for _ in words)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = sorted(cursor.fetchall(), key=lambda row: -row[3])  # most similar first, per word
        out: dict[str, list[str]] = {}
        for i, (word, target) in enumerate(zip(words, targets, strict=True)):
            found = [term for n, term, j, _s in rows if n == i and term != word and one_typo_away(j, target)]
            out[word] = sorted(found, key=len)[:limit]
        return out
