"""A manager names, merges and splits mined topics, and the next mining run keeps it."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from knowledge.calls import services
from knowledge.calls.models import Topic, TopicRule

pytestmark = pytest.mark.django_db
OCTOBER = (date(2026, 10, 1), date(2026, 10, 30))


def _mine(client):
    return services.mining_run_now(client=client, since=OCTOBER[0], until=OCTOBER[1])


def _topic_with(run, word: str) -> Topic:
    return next(t for t in run.topics.order_by("rank") if word in t.label)


def test_a_rename_survives_the_next_mining_run(client_a, agent_a, manager_a, card_calls):
    run = _mine(client_a)
    topic = _topic_with(run, "분실")
    mined = topic.label
    services.topic_rename(topic=topic, name="카드 분실·도난 신고", by=manager_a)
    assert Topic.objects.get(pk=topic.pk).label == "카드 분실·도난 신고"
    run = _mine(client_a)  # the topics are replaced by a new run of the same period
    renamed = run.topics.get(label="카드 분실·도난 신고")
    assert renamed.mined_label == mined
    assert renamed.size == topic.size


def test_merging_two_topics_makes_one_and_stays_merged(
    client_a, agent_a, manager_a, card_calls, django_capture_on_commit_callbacks
):
    run = _mine(client_a)
    before = run.topics.count()
    a, b = list(run.topics.order_by("rank")[:2])
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_merge(topic=b, into=a, by=manager_a)
    run.refresh_from_db()
    assert run.topics.count() == before - 1
    assert run.topics.get(label=a.label).size == a.size + b.size
    run = _mine(client_a)
    assert run.topics.get(label=a.label).size == a.size + b.size


def test_splitting_calls_off_a_topic(
    client_a, agent_a, manager_a, card_calls, django_capture_on_commit_callbacks
):
    run = _mine(client_a)
    topic = _topic_with(run, "분실")
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_split(topic=topic, keyword="지갑", name="지갑 분실", by=manager_a)
    run.refresh_from_db()
    wallet = run.topics.get(label="지갑 분실")
    assert 0 < wallet.size < topic.size
    assert all("지갑" in r["text"] for r in wallet.representative_inquiries)
    assert sum(t.size for t in run.topics.all()) == 600


def test_who_may_correct_topics_and_bad_input(client_a, agent_a, manager_a, manager_b, card_calls, as_user):
    run = _mine(client_a)
    topic = run.topics.order_by("rank").first()
    url = reverse("knowledge:calls_topic_edit", args=[topic.pk])
    data = {"action": "rename", "name": "새 이름"}
    assert as_user(agent_a).post(url, data).status_code == HTTPStatus.FORBIDDEN
    assert as_user(manager_b).post(url, data).status_code == HTTPStatus.NOT_FOUND
    assert as_user(agent_a).get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    manager = as_user(manager_a)
    response = manager.post(url, {"action": "rename", "name": "   "}, follow=True)
    assert "Enter a name for the topic." in response.content.decode()
    response = manager.post(url, {"action": "split", "name": "x", "keyword": ""}, follow=True)
    assert "Enter the word the calls to split off use." in response.content.decode()
    assert not TopicRule.objects.exists()
    assert Topic.objects.get(pk=topic.pk).label == topic.label
    response = manager.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert Topic.objects.get(pk=topic.pk).label == "새 이름"
    page = manager.get(reverse("knowledge:calls_topic", args=[topic.pk])).content.decode()
    assert 'data-testid="topic-edit"' in page
    assert (
        'data-testid="topic-edit"'
        not in as_user(agent_a).get(reverse("knowledge:calls_topic", args=[topic.pk])).content.decode()
    )
