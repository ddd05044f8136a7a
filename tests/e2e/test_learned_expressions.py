"""Journey: calls imported with the manual used teach an article its customers' words; the manager
sees them on the article (고객 표현) and removes one that does not belong."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from knowledge.calls.importers.fields import KST
from knowledge.models import CallRecord, LearnedExpression
from knowledge.search.services import learned_from_calls
from tests.knowledge.factories import published_article

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = [
    "가입하는데 쪽지가 먹통이에요",
    "쪽지가 계속 먹통이네요 [고객번호]",
    "본인 확인 쪽지가 먹통이라 가입을 못 해요",
    "인증 쪽지 먹통입니다",
    "회원가입 쪽지가 먹통이에요 급해요",
    "가입 쪽지가 안 와요 먹통",
]


def test_a_manager_sees_and_removes_learned_customer_expressions(new_page, login, org, screenshot):
    manager = org["manager_a"]
    article = published_article(
        client=org["client_a"],
        by=manager,
        title="인증번호 미수신",
        question="인증번호 문자가 오지 않는 고객",
        answer="고객님, 스팸 문자함을 확인해 주시고 인증번호를 다시 보내 드리겠습니다.",
    )
    start = datetime(2026, 11, 2, 10, tzinfo=KST)
    for i, text in enumerate(CALLS):
        CallRecord.objects.create(
            client=org["client_a"],
            external_id=f"E-{i}",
            started_at=start + timedelta(hours=i),
            inquiry=text,
            article=article,
        )
    learned_from_calls(client=org["client_a"])
    assert LearnedExpression.objects.filter(article=article, text="먹통").exists()

    page = new_page()
    login(page, manager)
    page.goto(article.get_absolute_url())
    section = page.get_by_test_id("learned-expressions")
    expect(section).to_contain_text("고객 표현")
    expect(section).to_contain_text("먹통")
    expect(section).to_contain_text("쪽지")
    expect(section).to_contain_text("쪽지가 먹통")  # a phrase, as customers said it
    screenshot(page, "search-learned-expressions")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="삭제 쪽지", exact=True).click()  # not the phrase 쪽지가 먹통
    expect(page.locator(".messages")).to_contain_text("표현을 지웠습니다")
    expect(page.get_by_role("button", name="삭제 쪽지", exact=True)).to_have_count(0)
    assert LearnedExpression.objects.get(article=article, text="쪽지").removed_at is not None
