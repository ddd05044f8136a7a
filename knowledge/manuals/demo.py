"""Demo manuals: about 40 published articles per demo client, plus drafts, a review item and a
pending suggestion. Idempotent: articles are keyed by client + external_id."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ClientCompany, User

from . import services
from .demo_articles import CLIENT_ARTICLES, PENDING_ARTICLES
from .models import Article, ArticleStatus, ArticleSuggestion


def _curator_for(client: ClientCompany) -> User:
    # accounts.demo, seeded first, made the admin.
    return User.objects.filter(managed_teams__members__assignments__client=client).order_by(
        "email"
    ).first() or User.objects.get(email="admin@dasan.example")


@transaction.atomic
def seed(stdout=None) -> None:
    today = timezone.localdate()
    created = 0
    for slug, entries in CLIENT_ARTICLES.items():
        client = ClientCompany.objects.filter(slug=slug).first()
        if client is None:
            continue
        manager = _curator_for(client)
        by_category: dict[int, list[Article]] = {}
        for i, (path, title, question, answer, steps, cautions, tags) in enumerate(entries, start=1):
            external_id = f"{slug}-{i:03d}"
            article = Article.objects.filter(client=client, external_id=external_id).first()
            if article is None:
                category = services.category_get_or_create(client=client, path=path)
                article = Article.objects.create(
                    client=client,
                    external_id=external_id,
                    category=category,
                    title=title,
                    question=question,
                    answer=answer,
                    steps=steps,
                    cautions=cautions,
                    tags=tags,
                    owner=manager,
                    created_by=manager,
                    # Spread the verification dates so a few are due this week.
                    verify_by=today + timedelta(days=(i * 7) % 120 - 3),
                )
                services.article_publish(article=article, by=manager, comment="매뉴얼 초기 구축 (데모)")
                created += 1
            if article.category_id:
                by_category.setdefault(article.category_id, []).append(article)
        for group in by_category.values():
            if len(group) > 1 and not group[0].related.exists():
                group[0].related.add(*group[1:4])

    for slug, path, title, question, answer, status in PENDING_ARTICLES:
        client = ClientCompany.objects.filter(slug=slug).first()
        if client is None or Article.objects.filter(client=client, title=title).exists():
            continue
        agent = User.objects.filter(assignments__client=client, role="agent").order_by("email").first()
        article = services.article_create_draft(
            client=client,
            title=title,
            question=question,
            answer=answer,
            by=agent,
            category=services.category_get_or_create(client=client, path=path),
        )
        if status == ArticleStatus.REVIEW and agent is not None:
            services.article_submit(article=article, by=agent)

    # Journey 1's article gets a second revision and an agent's pending suggestion.
    lost = Article.objects.filter(client__slug="hanbit-card", external_id="hanbit-card-001").first()
    agent = User.objects.filter(email="agent1@dasan.example").first()
    if lost is not None and agent is not None and not ArticleSuggestion.objects.filter(article=lost).exists():
        manager = _curator_for(lost.client)
        services.article_update(
            article=lost,
            by=manager,
            content={
                "cautions": lost.cautions + "\n\n해외 ATM 현금서비스 부정 인출은 별도 보상 기준을 따릅니다."
            },
            comment="해외 ATM 부정 인출 기준 추가",
        )
        services.suggestion_create(
            article=lost,
            by=agent,
            content={"answer": lost.answer + " 귀국 후에는 가까운 지점에서 당일 재발급도 가능합니다."},
            note="고객들이 귀국 후 당일 발급 여부를 자주 물어봅니다.",
        )
    if stdout is not None and created:
        stdout.write(f"    manuals: {created} articles published")
