"""Issue 18, item 4: a reviewer publishes the text they reviewed, never a text swapped in after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knowledge.manuals import services
from knowledge.models import Article, ArticleRevision, ArticleStatus

pytestmark = pytest.mark.django_db


def _in_review(org) -> Article:
    return services.article_create(
        client=org["client_a"], by=org["agent_a"], content={"title": "해외 분실", "answer": "검토받은 답"}
    )


def test_the_author_cannot_change_an_article_while_it_is_in_review(as_user, org):
    """The red-team path: the agent edits after submitting; the text stays what the reviewer sees."""
    article = _in_review(org)
    with pytest.raises(ValidationError, match="in review"):
        services.article_update(article=article, by=org["agent_a"], content={"answer": "바꿔치기한 답"})
    c = as_user(org["agent_a"])
    response = c.post(
        reverse("knowledge:edit", args=[article.pk]),
        {"title": "해외 분실", "answer": "바꿔치기한 답"},
        follow=True,
    )
    assert "in review" in response.content.decode()
    article.refresh_from_db()
    assert article.answer == "검토받은 답" and article.status == ArticleStatus.REVIEW


def test_publishing_needs_the_version_the_reviewer_saw(as_user, org):
    article = _in_review(org)
    c = as_user(org["manager_a"])
    page = c.get(article.get_absolute_url()).content.decode()
    assert f'name="version" value="{article.edit_version}"' in page
    seen = article.edit_version
    # Another curator changes the text meanwhile.
    services.article_update(article=article, by=org["admin_user"], content={"answer": "나중에 바뀐 답"})

    response = c.post(
        reverse("knowledge:action", args=[article.pk, "publish"]),
        {"comment": "확인", "version": seen},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    assert not ArticleRevision.objects.filter(article=article).exists()

    # Without a version nothing is published either.
    c.post(reverse("knowledge:action", args=[article.pk, "publish"]), {"comment": "확인"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW

    # With the version now on the page it goes through, and the revision is that text.
    c.post(
        reverse("knowledge:action", args=[article.pk, "publish"]),
        {"comment": "확인", "version": article.edit_version},
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert ArticleRevision.objects.get(article=article).answer == "나중에 바뀐 답"


def test_the_service_refuses_a_stale_version(org):
    article = _in_review(org)
    seen = article.edit_version
    services.article_update(article=article, by=org["manager_a"], content={"answer": "새 답"})
    with pytest.raises(services.ArticleChanged):
        services.article_publish(article=article, by=org["manager_a"], comment="ok", seen_version=seen)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
