"""The search result cache: identical searches are answered from it, never stale after a change to
the index or the synonyms, and never across the permission rule."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ClientAssignment
from accounts.permissions import MEMO_ATTR, can_see_client
from knowledge.manuals import services as manual_services
from knowledge.models import ArticleStatus
from knowledge.search import interface
from knowledge.search import services as search_services
from knowledge.search.backends import get_backend
from knowledge.search.interface import search
from tests.knowledge.factories import ArticleFactory

from .helpers import indexed_article

pytestmark = pytest.mark.django_db


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


def index_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "searchdocument" in q["sql"].lower()]


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    interface._results.clear()
    yield
    interface._results.clear()


def test_a_repeated_search_does_not_touch_the_index(org):
    indexed_article(org["client_a"], "카드 분실 신고", answer="분실 신고를 접수합니다.")
    first = search(user=org["agent_a"], client=org["client_a"], query="카드 분실")
    with CaptureQueriesContext(connection) as ctx:
        again = search(user=org["agent_a"], client=org["client_a"], query="카드 분실")
    assert titles(again) == titles(first) == ["카드 분실 신고"]
    assert again.count == first.count and again.hits[0].snippet == first.hits[0].snippet
    assert index_queries(ctx) == []


def test_other_workers_share_results_through_the_shared_cache(org):
    indexed_article(org["client_a"], "카드 분실 신고", answer="분실 신고를 접수합니다.")
    search(user=org["agent_a"], client=org["client_a"], query="카드 분실")
    interface._results.clear()  # another process: nothing in its own memory
    with CaptureQueriesContext(connection) as ctx:
        result = search(user=org["agent_a"], client=org["client_a"], query="카드 분실")
    assert titles(result) == ["카드 분실 신고"] and index_queries(ctx) == []


def test_publishing_an_article_shows_it_in_a_cached_search(org, django_capture_on_commit_callbacks):
    indexed_article(org["client_a"], "포인트 적립 안내", answer="포인트")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="포인트")) == ["포인트 적립 안내"]
    draft = ArticleFactory(
        client=org["client_a"], title="포인트 소멸 안내", answer="포인트 소멸", status=ArticleStatus.DRAFT
    )
    with django_capture_on_commit_callbacks(execute=True):
        manual_services.article_publish(article=draft, by=org["admin_user"], comment="새 안내")
    found = titles(search(user=org["agent_a"], client=org["client_a"], query="포인트"))
    assert sorted(found) == ["포인트 소멸 안내", "포인트 적립 안내"]


def test_archiving_an_article_removes_it_from_a_cached_search(org, django_capture_on_commit_callbacks):
    article = indexed_article(org["client_a"], "연체 이자 안내", answer="연체")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="연체")) == ["연체 이자 안내"]
    with django_capture_on_commit_callbacks(execute=True):
        manual_services.article_archive(article=article, by=org["admin_user"], comment="폐지")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="연체")) == []


def test_a_synonym_change_reaches_a_cached_search(org, django_capture_on_commit_callbacks):
    indexed_article(org["client_a"], "회원 탈퇴 방법", answer="탈퇴 절차")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == []
    with django_capture_on_commit_callbacks(execute=True):
        group = search_services.synonym_group_create(
            by=org["admin_user"], client=org["client_a"], terms="해지, 탈퇴"
        )
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == ["회원 탈퇴 방법"]
    with django_capture_on_commit_callbacks(execute=True):
        search_services.synonym_group_delete(by=org["admin_user"], group=group)
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == []


def test_a_rebuild_and_a_direct_index_write_start_afresh(org):
    article = indexed_article(org["client_a"], "해외 결제 안내", answer="해외")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해외")) == ["해외 결제 안내"]
    get_backend().remove([article.pk])
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해외")) == []
    interface.rebuild(org["client_a"])
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해외")) == ["해외 결제 안내"]


def test_an_agent_of_another_client_never_gets_cached_results(org, as_user):
    indexed_article(org["client_a"], "한빛 요금제 안내", answer="요금제")
    indexed_article(org["client_b"], "누리 요금제 안내", answer="요금제")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="요금제")) == ["한빛 요금제 안내"]
    # The same words for the client B agent: client A's cached list is neither theirs nor reachable.
    assert titles(search(user=org["agent_b"], client=org["client_a"], query="요금제")) == []
    assert titles(search(user=org["agent_b"], client=org["client_b"], query="요금제")) == ["누리 요금제 안내"]
    client = as_user(org["agent_b"])
    url = f"/knowledge/call/results/?client={org['client_a'].slug}&q=요금제"
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    page = client.get(
        f"/knowledge/call/results/?client={org['client_b'].slug}&q=요금제", HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert "누리 <mark>요금제</mark> 안내" in html and "한빛" not in html


def test_losing_a_client_takes_its_cached_results_away_at_once(org, as_user):
    indexed_article(org["client_a"], "한빛 요금제 안내", answer="요금제")
    client = as_user(org["agent_a"])
    url = f"/knowledge/call/results/?client={org['client_a'].slug}&q=요금제"
    assert "한빛 <mark>요금제</mark> 안내" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    ClientAssignment.objects.filter(user=org["agent_a"], client=org["client_a"]).delete()
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert search(user=org["agent_a"], client=org["client_a"], query="요금제").hits == []


def test_a_repeated_search_asks_the_database_nothing_about_permissions(org, as_user):
    indexed_article(org["client_a"], "한빛 요금제 안내", answer="요금제")
    client = as_user(org["agent_a"])
    url = f"/knowledge/call/results/?client={org['client_a'].slug}&q=요금제"
    client.get(url, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    permission = [q for q in ctx.captured_queries if "accounts_clientassignment" in q["sql"]]
    assert permission == []  # the user's visible clients come from the shared cache
    assert index_queries(ctx) == []  # served from the cache; the search log row is still written
    assert any(
        q["sql"].startswith("INSERT") and "knowledge_searchlog" in q["sql"] for q in ctx.captured_queries
    )


def test_outside_a_read_only_request_permissions_are_not_memoised(org):
    agent = org["agent_a"]
    assert getattr(agent, MEMO_ATTR, None) is None
    assert can_see_client(agent, org["client_a"])
    ClientAssignment.objects.filter(user=agent, client=org["client_a"]).delete()
    assert not can_see_client(agent, org["client_a"])


# --- The models bump the versions: no caller has to remember --------------------------------


def test_synonym_rows_written_directly_reach_a_cached_search(org, django_capture_on_commit_callbacks):
    from knowledge.models import SynonymGroup

    indexed_article(org["client_a"], "회원 탈퇴 방법", answer="탈퇴 절차")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == []
    SynonymGroup.objects.bulk_create([SynonymGroup(client=org["client_a"], terms="해지, 탈퇴")])
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == ["회원 탈퇴 방법"]
    SynonymGroup.objects.filter(client=org["client_a"]).update(terms="해약, 탈퇴")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == []
    group = SynonymGroup.objects.create(client=org["client_a"], terms="해지, 탈퇴")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == ["회원 탈퇴 방법"]
    group.delete()
    SynonymGroup.objects.all().delete()
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해지")) == []


def test_a_stray_index_update_makes_cached_lists_stale(org):
    from knowledge.models import SearchDocument

    article = indexed_article(org["client_a"], "해외 결제 안내", answer="해외")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해외")) == ["해외 결제 안내"]
    SearchDocument.objects.filter(article=article).update(title_terms="", question_terms="", answer_terms="")
    assert titles(search(user=org["agent_a"], client=org["client_a"], query="해외")) == []
