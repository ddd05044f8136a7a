"""PostgreSQL: weighted tsvector over the Kiwi terms with a GIN index, pg_trgm for typos.

The migration adds generated columns to knowledge_searchdocument: `tsv` (title A, question + tags B,
answer C, built with array_to_tsvector so the 'simple' terms are taken verbatim) and `title_tsv`,
each with a GIN index; and a pg_trgm GIN index on the vocabulary's jamo strings.
"""

from __future__ import annotations

from django.db import connection

from .. import tokenizer
from ..query import And, Expr, Or, Term
from .base import SearchBackend


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

    def _ranked(self, client_id, tsquery, column, limit, exclude) -> list[tuple[int, float]]:
        # Only a bounded candidate set is ranked: ts_rank over 50k rows of a common word is too slow.
        assert column in ("tsv", "title_tsv")
        # The column name is one of ours; values are bound parameters.
        sql = (
            "SELECT c.article_id, ts_rank(c.tsv, q) AS r FROM ("  # noqa: S608
            " SELECT article_id, tsv, helpfulness, published_at FROM knowledge_searchdocument"
            f" WHERE client_id = %s AND {column} @@ %s::tsquery LIMIT %s"
            ") c, CAST(%s AS tsquery) q"
            " ORDER BY r DESC, c.helpfulness DESC, c.published_at DESC NULLS LAST LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, tsquery, self.candidates, tsquery, limit + len(exclude)])
            rows = cursor.fetchall()
        return [(int(pk), float(r)) for pk, r in rows if pk not in exclude][:limit]

    def match(self, client_id, expr, *, limit, exclude=frozenset()):
        tsquery = compile_tsquery(expr)
        ranked = self._ranked(client_id, tsquery, "tsv", self.candidates, exclude)
        saturated = len(ranked) >= self.candidates - len(exclude)
        if saturated:
            titles = self._ranked(client_id, tsquery, "title_tsv", limit, exclude)
            first = {pk for pk, _r in titles}
            ranked = titles + [(pk, r) for pk, r in ranked if pk not in first]
        return ranked[:limit], saturated

    def count(self, client_id, expr, cap):
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM knowledge_searchdocument"
            " WHERE client_id = %s AND tsv @@ %s::tsquery LIMIT %s) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, compile_tsquery(expr), cap])
            return int(cursor.fetchone()[0])

    def near_terms(self, client_id, word, limit):
        target = tokenizer.jamo(word)
        sql = (
            "SELECT term, jamo FROM knowledge_searchterm WHERE client_id = %s AND jamo %% %s"
            " ORDER BY similarity(jamo, %s) DESC LIMIT 200"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, target, target])
            rows = cursor.fetchall()
        found = [term for term, j in rows if term != word and tokenizer.edit_distance_at_most_one(j, target)]
        return sorted(found, key=len)[:limit]
