"""The indexed fields are declared once (knowledge/search/fields.py): the documents hold them, and
the full-text structures the migrations built in the database index exactly them, with their weights."""

from __future__ import annotations

import importlib
import re

import pytest
from django.db import connection

from knowledge.models import LearnedExpression, SearchDocument
from knowledge.search import tokenizer
from knowledge.search.backends import get_backend
from knowledge.search.backends.postgres import tsv_expression
from knowledge.search.fields import ANSWER, FIELDS, LEARNED, QUESTION, TITLE
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# The latest migration that (re)built the full-text structures over the indexed fields.
LATEST_FULL_TEXT_MIGRATION = "knowledge.migrations.0006_learned_expressions"


def squeeze(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_each_field_holds_the_terms_of_its_sources(org):
    article = ArticleFactory(
        client=org["client_a"],
        title="로밍 신청",
        question="해외 출국 전",
        tags="데이터, 요금제",
        answer="부가서비스 가입",
        steps="앱 접속",
        cautions="위약금 발생",
    )
    LearnedExpression.objects.create(
        client=org["client_a"], article=article, text="외국 나가요", terms="외국", source="manager"
    )
    get_backend().index([article.pk])
    document = SearchDocument.objects.get(article=article)

    def terms(field):
        return set(getattr(document, field.column).split())

    assert {"로밍", "신청"} <= terms(TITLE)
    assert {"해외", "출국", "데이터", "요금제"} <= terms(QUESTION)
    assert {"부가서비스", "가입", "앱", "접속", "위약금", "발생"} <= terms(ANSWER)
    assert terms(LEARNED) == {"외국"}
    assert "로밍" not in terms(QUESTION) | terms(ANSWER)  # each source in its own field only
    assert [f.column for f in FIELDS] == ["title_terms", "question_terms", "answer_terms", "learned_terms"]
    assert tokenizer.index_terms("로밍 신청") == document.title_terms.split()


def test_the_migrations_index_the_declared_fields_with_their_weights():
    migration = importlib.import_module(LATEST_FULL_TEXT_MIGRATION)
    # PostgreSQL: the generated tsv column is the declared fields, weighted, in order.
    tsv = next(s for s in migration.PG_FORWARD if "ADD COLUMN tsv " in s)
    assert squeeze(f"GENERATED ALWAYS AS ( {tsv_expression()}) STORED") in squeeze(tsv)
    # SQLite: the FTS5 columns are the client filter, then the declared fields in order (the bm25
    # weights of backends/sqlite.py are read in that order).
    fts = next(s for s in migration.SQLITE_FORWARD if "USING fts5" in s)
    columns = re.search(r"fts5\(\s*([^']*?),\s*content=", fts).group(1)
    assert [c.strip() for c in columns.split(",")] == ["client_id", *(f.column for f in FIELDS)]


def test_the_database_indexes_the_declared_fields():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM pragma_table_info('knowledge_searchdocument_fts')")
            assert [row[0] for row in cursor.fetchall()] == ["client_id", *(f.column for f in FIELDS)]
        else:
            cursor.execute(
                "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
                " ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
                " WHERE d.adrelid = 'knowledge_searchdocument'::regclass AND a.attname = 'tsv'"
            )
            expression = cursor.fetchone()[0]
            found = re.findall(r"string_to_array\((\w+), ' '::text\)\), '(\w)'::\"char\"", expression)
            assert found == [(f.column, f.tsvector_weight) for f in FIELDS]
