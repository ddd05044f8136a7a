"""Writing a manual article from a mined topic: prefilled, linked to its calls, in the review flow."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from knowledge import services as knowledge_services
from knowledge.calls import services
from knowledge.calls.models import CallRecord, TopicArticle
from knowledge.calls.services import mask_identifiers
from knowledge.models import ArticleStatus


@pytest.fixture
def topic(org, client_a, card_calls):
    run = services.mining_run_now(client=client_a, since=date(2026, 10, 1), until=date(2026, 10, 30))
    return run.topics.order_by("rank").first()


def test_a_manager_drafts_an_article_prefilled_from_the_topic(org, topic):
    manager = org["manager_a"]
    article = services.topic_create_draft(topic=topic, by=manager)
    assert article.status == ArticleStatus.DRAFT and article.client == topic.client
    assert article.created_by == manager
    # the representative question, other phrasings, the common resolutions
    assert article.question.startswith(mask_identifiers(topic.representative_inquiries[0]["text"]))
    assert mask_identifiers(topic.representative_inquiries[1]["text"]) in article.question
    assert article.answer.startswith(topic.common_resolutions[0]["text"])
    for resolution in topic.common_resolutions[1:]:
        assert resolution["text"] in article.answer
    assert topic.label.split(" · ")[0] in article.title
    assert all(not tag.strip().endswith("다") for tag in article.tags.split(","))
    # links to the source calls, which are calls of the topic
    link = TopicArticle.objects.get(article=article)
    assert link.topic == topic and 1 <= len(link.source_call_ids) <= 10
    calls = CallRecord.objects.filter(client=topic.client, external_id__in=link.source_call_ids)
    assert set(calls.values_list("pk", flat=True)) <= set(topic.call_ids)
    for call in calls:
        assert f"[{call.external_id}]({call.get_absolute_url()})" in article.question
    assert AuditEvent.objects.filter(action="calls.topic_drafted").exists()


def test_drafting_the_same_topic_twice_gives_the_same_draft(org, topic):
    first = services.topic_create_draft(topic=topic, by=org["manager_a"])
    again = services.topic_create_draft(topic=topic, by=org["admin_user"])
    assert again.pk == first.pk
    assert TopicArticle.objects.count() == 1


@pytest.mark.parametrize("who", ["agent_a", "manager_b", "agent_b"])
def test_only_managers_of_the_client_draft(org, topic, who):
    with pytest.raises(PermissionDenied):
        services.topic_create_draft(topic=topic, by=org[who])
    assert not TopicArticle.objects.exists()


def test_the_draft_goes_through_review_and_is_published(org, topic):
    manager = org["manager_a"]
    article = services.topic_create_draft(topic=topic, by=manager)
    knowledge_services.article_submit(article=article, by=manager)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    knowledge_services.article_publish(
        article=article, by=org["admin_user"], comment="상담 이력 기반 신규 매뉴얼"
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.revisions.count() == 1


def test_the_link_survives_mining_again(org, client_a, topic):
    article = services.topic_create_draft(topic=topic, by=org["manager_a"])
    run = services.mining_run_now(client=client_a, since=date(2026, 10, 1), until=date(2026, 10, 30))
    link = TopicArticle.objects.get(article=article)
    assert link.topic is not None and link.topic.run == run and link.topic.label == topic.label


def test_numbers_customers_typed_stay_out_of_the_draft():
    assert mask_identifiers("환불해 주세요 주문번호 1234567") == "환불해 주세요 주문번호 •••••••"
    assert mask_identifiers("010-1234-5678로 연락 주세요") == "•••-••••-••••로 연락 주세요"
    assert mask_identifiers("412,000원 결제, 3개월 할부") == "412,000원 결제, 3개월 할부"
