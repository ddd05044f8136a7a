"""SQLite: an FTS5 table over the Kiwi terms (bm25 with column weights), FTS5 trigrams for typos.

The FTS5 tables are created by the migration as external-content tables over
knowledge_searchdocument / knowledge_searchterm and kept in sync by triggers.
"""

from __future__ import annotations

from django.db import connection

from .. import tokenizer
from ..fields import FIELDS, TITLE
from ..query import And, Expr, Or, Term
from .base import SearchBackend, one_typo_away

# bm25 column weights in the FTS5 table's column order: client_id (a filter, not relevance), then
# the indexed fields (title, question + tags, answer, learned: "0.0, 10.0, 4.0, 1.0, 0.5").
WEIGHTS = ", ".join(str(w) for w in (0.0, *(f.bm25_weight for f in FIELDS)))


def compile_match(expr: Expr) -> str:
    """FTS5 query syntax. Terms are letters and digits only and are quoted besides."""
    if isinstance(expr, Term):
        quoted = '"' + expr.text.replace('"', '""') + '"'
        return f"{quoted} *" if expr.prefix else quoted
    joiner = " AND " if isinstance(expr, And) else " OR "
    assert isinstance(expr, And | Or)
    return "(" + joiner.join(compile_match(p) for p in expr.parts) + ")"


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def _match_string(self, client_id: int, expr: Expr, column: str = "") -> str:
        body = compile_match(expr)
        if column:
            body = f"{column} : {body}"
        return f'client_id : "{int(client_id)}" AND {body}'

    def _ranked(self, match: str, limit: int, exclude) -> tuple[list[tuple[int, float]], int]:
        """The best `limit` of at most `candidates` matches, and how many matched (up to that cap)."""
        # The inner LIMIT bounds how many matches get ranked at all (a common word matches most rows).
        # WEIGHTS is a constant; the MATCH string is a bound parameter.
        sql = (
            "SELECT c.rowid, c.r, count(*) OVER () FROM ("  # noqa: S608
            f" SELECT rowid, bm25(knowledge_searchdocument_fts, {WEIGHTS}) AS r"
            " FROM knowledge_searchdocument_fts WHERE knowledge_searchdocument_fts MATCH %s LIMIT %s"
            ") c JOIN knowledge_searchdocument d ON d.article_id = c.rowid"
            " ORDER BY c.r, d.helpfulness DESC, d.published_at DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, self.candidates, limit + len(exclude)])
            rows = cursor.fetchall()
        matched = int(rows[0][2]) if rows else 0
        return [(int(pk), -float(r)) for pk, r, _n in rows if pk not in exclude][:limit], matched

    def match(self, client_id, expr, *, limit, exclude=frozenset(), documents=None):
        ranked, matched = self._ranked(self._match_string(client_id, expr), limit, exclude)
        if matched >= self.candidates:
            # More matches than are ranked: title matches first, then the rest of the candidates.
            titles, _n = self._ranked(self._match_string(client_id, expr, TITLE.column), limit, exclude)
            first = {pk for pk, _r in titles}
            ranked = titles + [(pk, r) for pk, r in ranked if pk not in first]
        return ranked[:limit], matched

    def counts(self, client_id, exprs):
        if not exprs:
            return []
        column = (
            "(SELECT count(*) FROM (SELECT rowid FROM knowledge_searchdocument_fts"
            " WHERE knowledge_searchdocument_fts MATCH %s LIMIT %s))"
        )
        params: list = []
        for expr in exprs:
            params += [self._match_string(client_id, expr), self.candidates]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join([column] * len(exprs)), params)
            return [int(n) for n in cursor.fetchone()]

    def near_terms(self, client_id, word, limit):
        target = tokenizer.jamo(word)
        grams = {target[i : i + 3] for i in range(max(0, len(target) - 2))}
        if not grams:
            return []
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
        # A subquery, not a join: joined, SQLite runs the MATCH once per vocabulary row (300× slower).
        # One jamo more or less is all a candidate may differ by in length.
        sql = (
            "SELECT t.term, t.jamo FROM knowledge_searchterm t WHERE t.id IN ("
            " SELECT rowid FROM knowledge_searchterm_trgm WHERE knowledge_searchterm_trgm MATCH %s)"
            " AND t.client_id = %s AND length(t.jamo) BETWEEN %s AND %s LIMIT 400"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, client_id, len(target) - 1, len(target) + 1])
            rows = cursor.fetchall()
        found = [term for term, j in rows if term != word and one_typo_away(j, target)]
        return sorted(found, key=len)[:limit]
