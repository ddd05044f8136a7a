"""Writing a manual article from a mined topic: prefilled, linked to its calls, in the review flow."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from knowledge.calls import services
from knowledge.calls.models import CallRecord, TopicArticle
from knowledge.calls.privacy import without_tags
from knowledge.manuals import services as knowledge_services
from knowledge.manuals.markdown import render
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
    assert article.question.startswith(without_tags(topic.representative_inquiries[0]["text"]))
    assert without_tags(topic.representative_inquiries[1]["text"]) in article.question
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
    # the source calls are not in the text agents read and copy
    for call in calls:
        assert call.external_id not in article.question + article.answer
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


def test_the_draft_is_real_markdown_with_lists_and_no_filler_tags(org, topic):
    article = services.topic_create_draft(topic=topic, by=org["manager_a"])
    question, answer = str(render(article.question)), str(render(article.answer))
    assert question.count("<li>") == len(topic.representative_inquiries[1:3])
    assert "<ul>" in question and "<ul>" in answer
    assert answer.count("<li>") == len(topic.common_resolutions) - 1
    assert "Source calls" not in article.question


@pytest.mark.parametrize(
    ("keywords", "tags"),
    [
        (["얼마", "연회비", "환불", "문의", "환불하다", "연회비"], ["연회비", "환불"]),
        (
            ["방법", "카드", "분실", "재발급", "해외", "정지", "신고"],
            ["카드", "분실", "재발급", "해외", "정지"],
        ),
        (["뭐", "2026", "포인트"], ["포인트"]),
    ],
)
def test_tags_are_nouns_worth_searching_for(keywords, tags):
    assert services.draft_tags(keywords) == tags


def test_the_article_page_lists_the_source_calls_to_curators_under_their_own_heading(as_user, org, topic):
    article = services.topic_create_draft(topic=topic, by=org["manager_a"])
    link = TopicArticle.objects.get(article=article)
    page = as_user(org["manager_a"]).get(article.get_absolute_url()).content.decode()
    section = page[page.index('data-testid="source-calls"') :]
    assert "Source calls" in section[:200]
    first = CallRecord.objects.get(client=topic.client, external_id=link.source_call_ids[0])
    assert first.get_absolute_url() in section
    # before the heading: the customer situation, without the calls
    assert first.get_absolute_url() not in page[: page.index('data-testid="source-calls"')]


def test_personal_data_stays_out_of_the_draft(org, topic):
    topic.representative_inquiries[0]["text"] = "환불해 주세요 주문번호 1234567 연락처 010-1234-5678"
    topic.save()
    article = services.topic_create_draft(topic=topic, by=org["manager_a"])
    # masked, and the tags left out: a manual describes the situation, not one customer's numbers
    assert article.question.startswith("환불해 주세요 연락처 010-****-5678")
