"""Learned customer expressions: search learns customers' words for an article from the client's
own calls and searches, per client, and a manager can remove what it learned."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import TestCase
from django.urls import reverse

from accounts.models import AuditEvent
from knowledge.calls import services as call_services
from knowledge.calls.models import CallRecord, ImportStatus
from knowledge.models import LearnedExpression
from knowledge.search import services as search_services
from knowledge.search.backends import get_backend
from knowledge.search.interface import search
from tests.accounts.factories import UserFactory
from tests.knowledge.calls.conftest import write_csv

from .helpers import indexed_article

pytestmark = pytest.mark.django_db

HEADER = ["상담번호", "상담일시", "문의내용", "처리내용", "적용 매뉴얼"]
# Customers describing a missing verification text in their own words: neither the article (which
# speaks of 인증번호 미수신) nor the shipped colloquial lexicon knows 쪽지 or 먹통.
CUSTOMER_WORDS = [
    "가입하는데 쪽지가 먹통이에요",
    "쪽지가 계속 먹통이네요",
    "본인 쪽지가 먹통이라 가입을 못 해요",
    "쪽지 먹통입니다 [고객번호]",
]
QUERY = "쪽지가 먹통이에요"


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


@pytest.fixture
def articles(client_a):
    verification = indexed_article(
        client_a,
        "인증번호 미수신",
        answer="인증번호 문자가 수신되지 않으면 스팸함을 확인하고 재전송을 안내합니다.",
    )
    verification.external_id = "KB-77"
    verification.save(update_fields=["external_id"])
    other = indexed_article(client_a, "요금제 변경", answer="요금제 변경은 다음 달부터 적용됩니다.")
    return verification, other


def _export(tmp_path, rows):
    return write_csv(tmp_path / "calls.csv", rows, header=HEADER)


def _rows(reference: str) -> list[list[str]]:
    return [
        [f"C-{i}", f"2026-10-0{i + 1} 10:00", text, "인증번호 재전송", reference]
        for i, text in enumerate(CUSTOMER_WORDS)
    ] + [["C-9", "2026-10-09 10:00", "요금제 바꾸고 싶어요", "요금제 변경", "요금제 변경"]]


def _import(client, path, by):
    # The index follows on commit; the test's transaction never commits, so run those callbacks.
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = call_services.import_file(client=client, path=path, by=by, mine=False)
    assert job.status == ImportStatus.DONE, job.message
    return job


def test_customers_words_find_the_article_only_after_the_calls_are_imported(
    articles, client_a, agent_a, manager_a, tmp_path
):
    verification, _other = articles
    query = QUERY
    assert verification.title not in titles(search(user=agent_a, client=client_a, query=query))

    _import(client_a, _export(tmp_path, _rows("KB-77")), manager_a)

    linked = CallRecord.objects.filter(article=verification).count()
    assert linked == len(CUSTOMER_WORDS)
    # the 요금제 call was linked by exact title, to its own article
    assert CallRecord.objects.get(external_id="C-9").article.title == "요금제 변경"
    learned = set(
        LearnedExpression.objects.filter(article=verification, removed_at__isnull=True).values_list(
            "text", flat=True
        )
    )
    assert {"쪽지", "먹통"} <= learned
    assert "고객번호" not in learned  # a masked placeholder is not a customer's word
    assert titles(search(user=agent_a, client=client_a, query=query))[0] == verification.title


def test_an_unknown_manual_name_links_nothing(articles, client_a, manager_a, tmp_path):
    _import(client_a, _export(tmp_path, _rows("없는 매뉴얼")), manager_a)
    assert not CallRecord.objects.filter(article__isnull=False).exclude(external_id="C-9").exists()
    assert not LearnedExpression.objects.filter(article=articles[0]).exists()


def _open_from_search(agent, client, query, article):
    result = search(user=agent, client=client, query=query, log=True)
    search_services.search_result_opened(user=agent, log_id=result.log_id, article=article)


def test_a_query_three_agents_followed_to_an_article_finds_it_for_the_fourth(
    articles, client_a, django_capture_on_commit_callbacks
):
    verification, _other = articles
    query = "가입 쪽지 먹통"
    agents = [UserFactory(clients=[client_a]) for _ in range(4)]
    assert verification.title not in titles(search(user=agents[3], client=client_a, query=query))
    with django_capture_on_commit_callbacks(execute=True):
        for agent in agents[:2]:
            _open_from_search(agent, client_a, query, verification)
    assert not LearnedExpression.objects.exists()  # two agents are not enough
    with django_capture_on_commit_callbacks(execute=True):
        _open_from_search(agents[0], client_a, query, verification)  # the same agent again: still two
    assert not LearnedExpression.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _open_from_search(agents[2], client_a, query, verification)
    expression = LearnedExpression.objects.get()
    assert (expression.text, expression.source, expression.calls) == (query, "search", 3)
    assert verification.title in titles(search(user=agents[3], client=client_a, query=query))


def test_the_number_of_agents_is_a_setting(articles, client_a, settings, django_capture_on_commit_callbacks):
    settings.KNOWLEDGE_SEARCH_LEARN_AGENTS = 1
    agent = UserFactory(clients=[client_a])
    with django_capture_on_commit_callbacks(execute=True):
        _open_from_search(agent, client_a, "쪽지 먹통", articles[0])
    assert LearnedExpression.objects.filter(article=articles[0]).count() == 1


def test_nothing_learned_in_one_client_changes_another(
    articles, client_a, client_b, manager_a, tmp_path, django_capture_on_commit_callbacks
):
    twin = indexed_article(
        client_b, "인증번호 미수신", answer="인증번호 문자가 오지 않으면 재전송을 안내합니다."
    )
    agent_b = UserFactory(clients=[client_b])
    query = QUERY
    before = [(h.title, h.score) for h in search(user=agent_b, client=client_b, query=query).hits]
    _import(client_a, _export(tmp_path, _rows("KB-77")), manager_a)
    agents = [UserFactory(clients=[client_a]) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for agent in agents:
            _open_from_search(agent, client_a, query, articles[0])
    after = [(h.title, h.score) for h in search(user=agent_b, client=client_b, query=query).hits]
    assert after == before
    assert not LearnedExpression.objects.filter(client=client_b).exists()
    assert get_backend().documents(client_b.pk, [twin.pk])[twin.pk].learned == frozenset()


def test_an_article_of_another_client_is_never_taught(articles, client_a, client_b):
    other = indexed_article(client_b, "번호 이동", answer="번호 이동 안내")
    assert not search_services.learned_from_search(
        client_id=client_a.pk, query="아무 말", article_id=other.pk
    )


def test_removing_an_expression_takes_effect_at_once_and_stays_removed(
    articles, client_a, agent_a, manager_a, tmp_path, as_user, django_capture_on_commit_callbacks
):
    verification, _other = articles
    _import(client_a, _export(tmp_path, _rows("KB-77")), manager_a)
    query = "먹통"
    assert verification.title in titles(search(user=agent_a, client=client_a, query=query))
    expression = LearnedExpression.objects.get(article=verification, text="먹통")

    page = as_user(manager_a).get(verification.get_absolute_url())
    assert "먹통" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(manager_a).post(reverse("knowledge:learned_remove", args=[expression.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert verification.title not in titles(search(user=agent_a, client=client_a, query=query))
    assert AuditEvent.objects.filter(action="knowledge.learned.remove").exists()
    # the next learning run does not bring it back
    with django_capture_on_commit_callbacks(execute=True):
        search_services.learned_from_calls(client=client_a)
    expression.refresh_from_db()
    assert expression.removed_at is not None
    assert verification.title not in titles(search(user=agent_a, client=client_a, query=query))


def test_who_may_remove_an_expression(articles, client_a, agent_a, manager_b, as_user):
    expression = LearnedExpression.objects.create(
        client=client_a, article=articles[0], text="쪽지", terms="쪽지", source="calls", calls=3
    )
    url = reverse("knowledge:learned_remove", args=[expression.pk])
    assert as_user(agent_a).post(url).status_code == HTTPStatus.FORBIDDEN  # sees it, may not manage it
    assert as_user(manager_b).post(url).status_code == HTTPStatus.NOT_FOUND  # another team's client
    assert as_user(agent_a).get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    expression.refresh_from_db()
    assert expression.removed_at is None
    # agents do not see the learned list on the article page
    assert "learned-expressions" not in as_user(agent_a).get(articles[0].get_absolute_url()).content.decode()


def test_a_manager_links_a_zero_result_query_to_an_article(
    articles, client_a, agent_a, manager_a, as_user, django_capture_on_commit_callbacks
):
    verification, _other = articles
    query = "쪽지 먹통"
    assert search(user=agent_a, client=client_a, query=query).count == 0
    url = reverse("knowledge:search_gap_link")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(manager_a).post(
            url, {"client": client_a.slug, "query": query, "article": verification.title}
        )
    assert response.status_code == HTTPStatus.FOUND
    assert titles(search(user=agent_a, client=client_a, query=query)) == [verification.title]
    expression = LearnedExpression.objects.get()
    assert (expression.source, expression.text) == ("manager", query)


def test_linking_a_query_to_an_unknown_article_changes_nothing(
    articles, client_a, manager_a, agent_a, as_user
):
    url = reverse("knowledge:search_gap_link")
    response = as_user(manager_a).post(url, {"client": client_a.slug, "query": "쪽지", "article": "없는 글"})
    assert response.status_code == HTTPStatus.FOUND
    assert not LearnedExpression.objects.exists()
    # agents may not link, nor managers for a client they do not manage
    assert (
        as_user(agent_a)
        .post(url, {"client": client_a.slug, "query": "먹통", "article": "요금제 변경"})
        .status_code
        == HTTPStatus.FORBIDDEN
    )
    assert not LearnedExpression.objects.exists()


def test_a_topic_drafted_into_an_article_links_its_calls(
    client_a, agent_a, manager_a, django_capture_on_commit_callbacks
):
    from knowledge.calls.models import MiningRun, Topic
    from knowledge.models import ArticleStatus

    calls = [
        CallRecord.objects.create(
            client=client_a,
            external_id=f"T-{i}",
            started_at="2026-10-01T10:00:00+09:00",
            inquiry=text,
        )
        for i, text in enumerate(CUSTOMER_WORDS)
    ]
    run = MiningRun.objects.create(client=client_a, period_start="2026-10-01", period_end="2026-10-31")
    topic = Topic.objects.create(
        run=run, client=client_a, label="쪽지 · 먹통", size=len(calls), call_ids=[c.pk for c in calls]
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = call_services.topic_create_draft(topic=topic, by=manager_a)
    assert article.status == ArticleStatus.DRAFT
    assert CallRecord.objects.filter(article=article).count() == len(calls)
    assert LearnedExpression.objects.filter(article=article, text="먹통").exists()
