"""Journey: a manager opens a mined topic that no article covers, links it to the existing article
that answers it (chosen from the client's titles as they type), sees the calls linked and the
customer expressions search learned from them, and an agent's search in those words now finds it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from knowledge.calls.importers.fields import KST
from knowledge.calls.models import CallRecord, MiningRun, Topic, TopicArticle
from knowledge.search.interface import search
from tests.knowledge.factories import published_article

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = [
    "보안기기 화면이 안 켜져요",
    "아침부터 보안기기 화면이 안 켜져요",
    "이체하려는데 보안기기 화면이 안 켜져요",
    "보안기기가 먹통이에요 화면이 안 켜져요",
    "보안기기 화면이 안 켜져서 이체를 못 해요",
]


def test_a_manager_links_a_topic_to_an_article_and_sees_what_search_learned(new_page, login, org, screenshot):
    manager, client = org["manager_a"], org["client_a"]
    article = published_article(
        client=client,
        by=manager,
        title="OTP 배터리 교체",
        question="OTP 기기가 켜지지 않는 고객",
        answer="OTP 기기의 배터리가 다 되면 가까운 영업점에서 새 기기로 교체해 드립니다.",
    )
    published_article(
        client=client, by=manager, title="앱 화면 오류", answer="앱 화면이 깨지면 다시 설치합니다."
    )
    start = datetime(2026, 11, 2, 10, tzinfo=KST)
    calls = [
        CallRecord.objects.create(
            client=client,
            external_id=f"E-{i}",
            started_at=start + timedelta(hours=i),
            inquiry=text,
            duration_seconds=240,
        )
        for i, text in enumerate(CALLS)
    ]
    run = MiningRun.objects.create(
        client=client,
        period_start="2026-11-01",
        period_end="2026-11-30",
        status="done",
        record_count=len(calls),
    )
    topic = Topic.objects.create(
        run=run,
        client=client,
        label="보안기기 · 화면 · 켜지다",
        keywords=["보안기기", "화면", "켜지다"],
        size=len(calls),
        share=1.0,
        call_ids=[c.pk for c in calls],
        representative_inquiries=[
            {"id": c.pk, "external_id": c.external_id, "text": c.inquiry} for c in calls[:3]
        ],
    )

    page = new_page()
    login(page, manager)
    page.goto(f"/knowledge/calls/topics/{topic.pk}/")
    card = page.get_by_test_id("topic-links")
    expect(card).to_contain_text("이 토픽의 매뉴얼")
    field = card.get_by_label("이 토픽에 답하는 매뉴얼")
    field.press_sequentially("OTP 배터")
    # the client's titles are offered as the manager types (a datalist of the client's articles)
    assert "OTP 배터리 교체" in page.locator("#topic-articles option").evaluate_all(
        "os => os.map(o => o.value)"
    )
    field.fill("OTP 배터리 교체")
    card.get_by_test_id("link-button").click()

    expect(page.locator(".messages")).to_contain_text("“OTP 배터리 교체”에 연결했습니다")
    row = page.get_by_test_id("topic-link")
    expect(row).to_contain_text("OTP 배터리 교체")
    expect(row.get_by_test_id("linked-calls")).to_contain_text("상담 5건 중 5건 연결")
    expect(row.get_by_test_id("linked-expressions")).to_contain_text("화면이 안 켜")
    expect(page.get_by_test_id("linked-alert")).to_contain_text("OTP 배터리 교체")
    expect(page.get_by_test_id("gap-alert")).to_have_count(0)
    expect(page.get_by_test_id("draft-button")).to_be_visible()  # a link is not a draft
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top of a full-page shot
    screenshot(page, "calls-topic-linked-article")

    assert TopicArticle.objects.filter(topic=topic, article=article, linked=True).exists()
    hits = search(user=org["agent_a"], client=client, query="보안기기 화면이 안 켜져요").hits
    assert hits[0].title == "OTP 배터리 교체"

    # taking the link back
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="연결 끊기").click()
    expect(page.locator(".messages")).to_contain_text("연결을 끊었습니다")
    expect(page.get_by_test_id("topic-link")).to_have_count(0)
    assert not CallRecord.objects.filter(article=article).exists()
