from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from knowledge.manuals import demo
from knowledge.models import Article, ArticleStatus, ArticleSuggestion


@pytest.mark.django_db
def test_demo_manuals_are_realistic_and_seeding_twice_changes_nothing():
    accounts_demo.seed()
    demo.seed()
    counts = {
        slug: Article.objects.filter(client__slug=slug, status=ArticleStatus.PUBLISHED).count()
        for slug in ("hanbit-card", "nuri-telecom", "baro-mall", "dunde-insurance")
    }
    assert all(n >= 35 for n in counts.values()), counts
    lost = Article.objects.get(client__slug="hanbit-card", title="해외에서 카드 분실 신고")
    assert "분실 신고" in lost.answer and lost.revisions.count() == 2
    assert Article.objects.filter(status=ArticleStatus.REVIEW).exists()
    assert Article.objects.filter(status=ArticleStatus.DRAFT).exists()
    assert ArticleSuggestion.objects.count() == 1
    before = (Article.objects.count(), ArticleSuggestion.objects.count())
    demo.seed()
    assert (Article.objects.count(), ArticleSuggestion.objects.count()) == before
