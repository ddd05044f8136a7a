from __future__ import annotations

import factory
from django.utils import timezone

from knowledge.models import Article, ArticleStatus, Category
from tests.accounts.factories import ClientCompanyFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    client = factory.SubFactory(ClientCompanyFactory)
    name = factory.Sequence(lambda n: f"분류{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article by default; pass status=ArticleStatus.DRAFT for a draft."""

    class Meta:
        model = Article

    client = factory.SubFactory(ClientCompanyFactory)
    title = factory.Sequence(lambda n: f"상담 매뉴얼 {n}")
    question = "고객이 문의하는 상황"
    answer = "고객님, 안내해 드리겠습니다."
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class DraftArticleFactory(ArticleFactory):
    status = ArticleStatus.DRAFT
    published_at = None


def published_article(*, client, by, **fields) -> Article:
    """An article published through the service, so it has its first revision."""
    from knowledge.manuals import services

    article = ArticleFactory(
        client=client, status=ArticleStatus.DRAFT, published_at=None, created_by=by, **fields
    )
    services.article_publish(article=article, by=by, comment="첫 게시")
    article.refresh_from_db()
    return article
