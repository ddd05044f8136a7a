"""What of an article is indexed, and how much a match there weighs: declared once, read by both
backends (`backends/base.py` builds the documents from it, `backends/sqlite.py` its bm25 weights,
`backends/postgres.py` the tsvector it expects).

Each field is a `SearchDocument` column holding the Kiwi terms of some of the article's text. The
vendor structures over those columns are made by migrations (FTS5 columns on SQLite, the generated
weighted `tsv` on PostgreSQL: 0002_search_index, 0006_learned_expressions); a migration cannot
import this module, so `tests/knowledge/search/test_fields.py` holds them to it. A new field or
weight is a new migration plus a line here.

Synonyms and the colloquial lexicon are not indexed: they widen the query (`query.py`, credits
SYNONYM / LEXICON there), so editing them never needs a re-index. The engine's own weights over
these fields (a title match lifts the score, a match only in the learned field counts
`engine.LEARNED_FACTOR` of its credit) apply to every backend alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndexedField:
    column: str  # the SearchDocument column holding the field's terms, space separated
    sources: tuple[str, ...]  # Article attributes analysed into it ("tags": one tag per line)
    tsvector_weight: str  # PostgreSQL setweight class: A (highest) … D
    bm25_weight: float  # SQLite FTS5 bm25 column weight


TITLE = IndexedField("title_terms", ("title",), tsvector_weight="A", bm25_weight=10.0)
QUESTION = IndexedField("question_terms", ("question", "tags"), tsvector_weight="B", bm25_weight=4.0)
ANSWER = IndexedField("answer_terms", ("answer", "steps", "cautions"), tsvector_weight="C", bm25_weight=1.0)
# Customers' words learned for the article (LearnedExpression), not text of the article itself.
LEARNED = IndexedField("learned_terms", (), tsvector_weight="D", bm25_weight=0.5)

# In the order of the full-text columns (FTS5 after its client_id filter column; tsv's concatenation).
FIELDS = (TITLE, QUESTION, ANSWER, LEARNED)
# The article's own text: a hit on these holds the typed word (LEARNED gets less credit).
TEXT_FIELDS = tuple(f for f in FIELDS if f.sources)


def source_text(article, field: IndexedField) -> str:
    """The article's text for `field`, one source per line."""
    parts = []
    for name in field.sources:
        if name == "tags":
            parts.append("\n".join(article.tag_list))
        else:
            parts.append(getattr(article, name))
    return "\n".join(parts)
