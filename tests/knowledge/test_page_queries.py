"""The manual article page is on the load test's hot path: its queries must not grow with the
related articles, attachments, revisions, feedback or suggestions."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from knowledge.manuals import services
from knowledge.models import ArticleStatus, Attachment
from tests.accounts.factories import UserFactory
from tests.knowledge.factories import ArticleFactory, CategoryFactory, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_article(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, manager = org["client_a"], org["manager_a"]
    top = CategoryFactory(client=client, name="카드")
    sub = CategoryFactory(client=client, parent=top, name="분실")
    article = published_article(client=client, by=manager, title="카드 분실", category=sub, owner=manager)
    for i in range(3):  # three more revisions
        services.article_update(
            article=article, by=manager, content={"answer": f"안내 {i}"}, comment=f"수정 {i}"
        )
    article.related.add(*[ArticleFactory(client=client, title=f"관련 {i}") for i in range(6)])
    article.related.add(ArticleFactory(client=client, title="관련 초안", status=ArticleStatus.DRAFT))
    for i in range(4):
        Attachment.objects.create(
            article=article,
            file=ContentFile(b"x", name=f"f{i}.txt"),
            original_name=f"안내문{i}.txt",
            content_type="text/plain",
            size=1,
            uploaded_by=manager,
        )
    for i in range(5):
        agent = UserFactory(clients=[client])
        services.feedback_set(article=article, by=agent, helpful=bool(i % 2), comment=f"의견 {i}")
        services.suggestion_create(article=article, by=agent, content={"answer": f"제안 {i}"})
    services.feedback_set(article=article, by=org["agent_a"], helpful=True, comment="좋아요")
    article.refresh_from_db()
    return article


# Agent: session, user, the article (with its latest revision number), related articles,
# attachments, the agent's own feedback, the bell. A manager adds the TOTP check, the client
# check, feedback counts and the pending suggestions.
@pytest.mark.parametrize(("who", "most"), [("agent_a", 7), ("manager_a", 11)])
def test_manual_article_takes_a_fixed_number_of_queries(
    as_user, org, busy_article, who, most, django_assert_max_num_queries
):
    c = as_user(org[who])
    url = busy_article.get_absolute_url()
    c.get(url)
    with django_assert_max_num_queries(most):
        page = c.get(url).content.decode()
    assert "카드 &gt; 분실" in page and "관련 5" in page and "관련 초안" not in page
    assert "안내문3.txt" in page and "· r4" in page


def test_a_draft_never_published_offers_deletion_to_its_curator(as_user, org):
    draft = ArticleFactory(client=org["client_a"], status=ArticleStatus.DRAFT, published_at=None)
    page = as_user(org["manager_a"]).get(draft.get_absolute_url()).content.decode()
    assert "Delete draft" in page
    services.article_publish(article=draft, by=org["manager_a"], comment="게시")
    services.article_update(article=draft, by=org["manager_a"], content={"answer": "새 안내"}, comment="수정")
    page = as_user(org["manager_a"]).get(draft.get_absolute_url()).content.decode()
    assert "Delete draft" not in page and "· r2" in page


def test_an_article_without_attachments_does_not_look_for_them(as_user, org, django_assert_max_num_queries):
    article = published_article(client=org["client_a"], by=org["manager_a"], title="첨부 없음")
    article.related.add(*[ArticleFactory(client=org["client_a"]) for _ in range(3)])
    c = as_user(org["agent_a"])
    c.get(article.get_absolute_url())
    with django_assert_max_num_queries(6):
        page = c.get(article.get_absolute_url()).content.decode()
    assert "첨부 없음" in page and "· r1" in page
