from __future__ import annotations

import pytest

from tests.knowledge.factories import published_article


@pytest.fixture
def article_a(org):
    """A published article of client_a (hanbit-card) with one revision, published by manager_a."""
    return published_article(
        client=org["client_a"],
        by=org["manager_a"],
        title="해외에서 카드 분실 신고",
        answer="고객님, 지금 바로 분실 신고를 접수해 드리겠습니다.",
        tags="분실, 해외",
    )


@pytest.fixture
def article_b(org):
    """A published article of client_b (nuri-telecom)."""
    return published_article(
        client=org["client_b"],
        by=org["manager_b"],
        title="요금제 변경",
        answer="네 고객님, 요금제 변경 도와드리겠습니다.",
    )
