"""Linking a mined topic to an existing article: a manager chooses one of the client's articles on
the topic page, the topic's calls are linked to it and teach search how customers ask; the page
shows the calls counted and the expressions learned; the link can be taken back."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from knowledge.calls import services
from knowledge.calls.models import CallRecord, MiningRun, Topic, TopicArticle
from knowledge.models import LearnedExpression
from knowledge.search.interface import search
from tests.knowledge.search.helpers import indexed_article

pytestmark = pytest.mark.django_db

# Customers asking for a dead OTP device in their own words: not the article's words.
INQUIRIES = [
    "보안기기 화면이 안 켜져요",
    "아침부터 보안기기 화면이 안 켜져요",
    "이체하려는데 보안기기 화면이 안 켜져요",
    "보안기기가 먹통이에요 화면이 안 켜져요",
]
QUERY = "보안기기 화면이 안 켜져요"


@pytest.fixture
def topic(client_a, agent_a):  # agent A serves client A, so manager A (their manager) manages it
    calls = [
        CallRecord.objects.create(
            client=client_a, external_id=f"T-{i}", started_at="2026-10-01T10:00:00+09:00", inquiry=text
        )
        for i, text in enumerate(INQUIRIES)
    ]
    run = MiningRun.objects.create(
        client=client_a, period_start="2026-10-01", period_end="2026-10-31", status="done"
    )
    return Topic.objects.create(
        run=run, client=client_a, label="보안기기 · 화면", size=len(calls), call_ids=[c.pk for c in calls]
    )


@pytest.fixture
def otp(client_a):
    indexed_article(client_a, "앱 화면 오류", answer="앱 화면이 깨지면 다시 설치합니다.")
    return indexed_article(client_a, "OTP 배터리 교체", answer="OTP 기기의 배터리가 다 되면 교체해 드립니다.")


def _post(as_user, user, topic, data, capture):
    with capture(execute=True):
        return as_user(user).post(reverse("knowledge:calls_topic_link", args=[topic.pk]), data)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_manager_links_a_topic_sees_what_it_taught_and_unlinks_it(
    topic, otp, agent_a, manager_a, as_user, django_capture_on_commit_callbacks
):
    page = as_user(manager_a).get(reverse("knowledge:calls_topic", args=[topic.pk])).content.decode()
    assert 'data-testid="topic-links"' in page and 'list="topic-articles"' in page
    assert '<option value="OTP 배터리 교체">' in page  # the client's titles to choose from
    assert [h.title for h in search(user=agent_a, client=topic.client, query=QUERY).hits][:1] != [otp.title]

    response = _post(
        as_user,
        manager_a,
        topic,
        {"action": "link", "article": otp.title},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(f"/topics/{topic.pk}/#links")
    assert CallRecord.objects.filter(article=otp).count() == len(INQUIRIES)
    link = TopicArticle.objects.get(topic=topic, article=otp)
    assert link.linked and sorted(link.linked_call_ids) == sorted(topic.call_ids)
    assert AuditEvent.objects.filter(action="calls.topic_linked").exists()
    learned = set(
        LearnedExpression.objects.filter(article=otp, removed_at__isnull=True).values_list("text", flat=True)
    )
    assert "화면이 안 켜" in learned and "보안" in learned

    page = as_user(manager_a).get(reverse("knowledge:calls_topic", args=[topic.pk])).content.decode()
    assert "OTP 배터리 교체" in page and "4 of 4 calls linked" in page
    assert "화면이 안 켜" in page
    assert search(user=agent_a, client=topic.client, query=QUERY).hits[0].title == otp.title
    # the article was not written from these calls: its page lists no source calls for them
    assert 'data-testid="source-calls"' not in as_user(manager_a).get(otp.get_absolute_url()).content.decode()
    # the topics list names the article beside the topic
    topics_page = as_user(manager_a).get(reverse("knowledge:calls_topics", args=[topic.client.slug]))
    assert 'data-testid="topic-article"' in topics_page.content.decode()

    response = _post(
        as_user, manager_a, topic, {"action": "unlink", "article": otp.pk}, django_capture_on_commit_callbacks
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not CallRecord.objects.filter(article=otp).exists()
    assert not TopicArticle.objects.filter(topic=topic).exists()
    assert not LearnedExpression.objects.filter(article=otp, source="calls", removed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="calls.topic_unlinked").exists()
    assert [h.title for h in search(user=agent_a, client=topic.client, query=QUERY).hits][:1] != [otp.title]


def test_unlinking_leaves_the_calls_an_import_linked(
    topic, otp, manager_a, as_user, django_capture_on_commit_callbacks
):
    CallRecord.objects.filter(external_id="T-0").update(article=otp)  # the export's 적용 매뉴얼 said so
    _post(
        as_user,
        manager_a,
        topic,
        {"action": "link", "article": otp.title},
        django_capture_on_commit_callbacks,
    )
    assert len(TopicArticle.objects.get(topic=topic).linked_call_ids) == len(INQUIRIES) - 1
    _post(
        as_user, manager_a, topic, {"action": "unlink", "article": otp.pk}, django_capture_on_commit_callbacks
    )
    assert list(CallRecord.objects.filter(article=otp).values_list("external_id", flat=True)) == ["T-0"]


@pytest.mark.parametrize("reference", ["", "없는 매뉴얼", "other-title", "other-pk"])
def test_an_unknown_or_foreign_article_is_refused_and_nothing_is_stored(
    reference, topic, otp, client_b, manager_a, as_user, django_capture_on_commit_callbacks
):
    foreign = indexed_article(client_b, "다른 고객사 매뉴얼", answer="다른 고객사의 안내입니다.")
    value = {"other-title": foreign.title, "other-pk": str(foreign.pk)}.get(reference, reference)
    audits = AuditEvent.objects.count()
    response = _post(
        as_user, manager_a, topic, {"action": "link", "article": value}, django_capture_on_commit_callbacks
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == ["No published article of this client has that title or id."]
    assert not TopicArticle.objects.exists()
    assert not CallRecord.objects.filter(article__isnull=False).exists()
    assert not LearnedExpression.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_the_service_refuses_another_clients_article_and_a_link_that_is_not_there(
    topic, otp, client_b, manager_a, admin_user
):
    foreign = indexed_article(client_b, "다른 고객사 매뉴얼")
    with pytest.raises(ValidationError) as error:
        services.topic_link_article(topic=topic, article=foreign, by=admin_user)
    assert error.value.message_dict == {"article": ["Choose an article of this client."]}
    with pytest.raises(ValidationError):
        services.topic_unlink_article(topic=topic, article=otp, by=manager_a)
    assert not TopicArticle.objects.exists() and not CallRecord.objects.filter(article__isnull=False).exists()


def test_a_drafted_article_is_not_unlinked(topic, manager_a, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.topic_create_draft(topic=topic, by=manager_a)
    response = _post(
        as_user,
        manager_a,
        topic,
        {"action": "unlink", "article": draft.pk},
        django_capture_on_commit_callbacks,
    )
    assert _messages(response) == ["This topic is not linked to that article."]
    assert TopicArticle.objects.filter(topic=topic, article=draft).exists()
    assert CallRecord.objects.filter(article=draft).count() == len(INQUIRIES)


@pytest.mark.parametrize("posted", ["", "abc", "99999999"])
def test_unlinking_an_article_id_that_is_not_a_link_says_so_and_changes_nothing(
    posted, topic, otp, manager_a, as_user, django_capture_on_commit_callbacks
):
    _post(
        as_user,
        manager_a,
        topic,
        {"action": "link", "article": otp.title},
        django_capture_on_commit_callbacks,
    )
    response = _post(
        as_user, manager_a, topic, {"action": "unlink", "article": posted}, django_capture_on_commit_callbacks
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response)[-1] == "This topic is not linked to that article."
    assert TopicArticle.objects.filter(topic=topic, article=otp, linked=True).exists()
    assert CallRecord.objects.filter(article=otp).count() == len(INQUIRIES)


def test_who_may_link(
    topic, otp, agent_a, manager_b, admin_user, as_user, django_capture_on_commit_callbacks
):
    url = reverse("knowledge:calls_topic_link", args=[topic.pk])
    data = {"action": "link", "article": otp.title}
    assert as_user(agent_a).post(url, data).status_code == HTTPStatus.FORBIDDEN
    assert as_user(manager_b).post(url, data).status_code == HTTPStatus.NOT_FOUND  # another team's client
    assert as_user(agent_a).get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not TopicArticle.objects.exists()
    # agents see the topic, not the linking card
    page = as_user(agent_a).get(reverse("knowledge:calls_topic", args=[topic.pk])).content.decode()
    assert "topic-links" not in page
    assert _post(as_user, admin_user, topic, data, django_capture_on_commit_callbacks).status_code == 302
    assert TopicArticle.objects.filter(topic=topic, article=otp, linked=True).exists()
