from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from knowledge.models import SearchDocument
from tests.knowledge.factories import ArticleFactory


def test_rebuild_search_index_for_all_or_one_client(org):
    a = ArticleFactory(client=org["client_a"], title="카드 분실")
    ArticleFactory(client=org["client_b"], title="요금제 변경")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 2 published articles" in out.getvalue()
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", "--client", "hanbit-card", stdout=out)
    assert list(SearchDocument.objects.values_list("article_id", flat=True)) == [a.pk]


def test_rebuild_names_an_unknown_client(db):
    with pytest.raises(CommandError, match="Unknown client company: nope"):
        call_command("rebuild_search_index", "--client", "nope")
