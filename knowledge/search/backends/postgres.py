"""PostgreSQL: weighted tsvector over the Kiwi terms with a GIN index, pg_trgm for typos.

The migrations add generated columns to knowledge_searchdocument: `tsv` (the indexed fields of
knowledge/search/fields.py with their weights: title A, question + tags B, answer C, learned D,
built with array_to_tsvector so the 'simple' terms are taken verbatim) and `title_tsv`, each with a
GIN index; and a pg_trgm GIN index on the vocabulary's jamo strings.
"""

from __future__ import annotations

from django.db import connection

from .. import tokenizer
from ..fields import FIELDS
from ..query import And, Expr, Or, Term
from .base import SearchBackend


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

    def _ranked(self, client_id, tsquery, column, limit, exclude) -> tuple[list[tuple[int, float]], int]:
        """The best `limit` of at most `candidates` matches, and how many matched (up to that cap).

        Only a bounded candidate set is ranked: ts_rank over the 50k rows of a common word is too
        slow, and counting them exactly as well. One statement returns the hits and the count.
        """
        assert column in ("tsv", "title_tsv")
        # The column name is one of ours; values are bound parameters.
        # The matches are a MATERIALIZED CTE read through a LIMIT: planned for all matching rows, so
        # PostgreSQL takes the GIN index unless the words are so common that a scan is cheaper, and
        # evaluated lazily, so it stops at the cap. (A LIMIT right on the scan made the planner scan
        # the table for moderately common words: 85 ms instead of 2 at 100k articles.)
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            " SELECT article_id, tsv, helpfulness, published_at FROM knowledge_searchdocument"
            f" WHERE client_id = %s AND {column} @@ %s::tsquery)"
            " SELECT c.article_id, ts_rank(c.tsv, q) AS r, count(*) OVER ()"
            " FROM (SELECT * FROM m LIMIT %s) c, CAST(%s AS tsquery) q"
            " ORDER BY r DESC, c.helpfulness DESC, c.published_at DESC NULLS LAST LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, tsquery, self.candidates, tsquery, limit + len(exclude)])
            rows = cursor.fetchall()
        matched = int(rows[0][2]) if rows else 0
        return [(int(pk), float(r)) for pk, r, _n in rows if pk not in exclude][:limit], matched

    def match(self, client_id, expr, *, limit, exclude=frozenset()):
        tsquery = compile_tsquery(expr)
        ranked, matched = self._ranked(client_id, tsquery, "tsv", limit, exclude)
        if matched >= self.candidates:
            # More matches than are ranked: title matches first, then the rest of the candidates.
            titles, _n = self._ranked(client_id, tsquery, "title_tsv", limit, exclude)
            first = {pk for pk, _r in titles}
            ranked = titles + [(pk, r) for pk, r in ranked if pk not in first]
        return ranked[:limit], matched

    def near_terms(self, client_id, word, limit):
        target = tokenizer.jamo(word)
        sql = (
            "SELECT term, jamo FROM knowledge_searchterm WHERE client_id = %s AND jamo %% %s"
            " AND length(jamo) BETWEEN %s AND %s ORDER BY similarity(jamo, %s) DESC LIMIT 200"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [client_id, target, len(target) - 1, len(target) + 1, target])
            rows = cursor.fetchall()
        found = [term for term, j in rows if term != word and tokenizer.edit_distance_at_most_one(j, target)]
        return sorted(found, key=len)[:limit]
