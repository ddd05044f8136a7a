"""A small, hand-countable month of one client's data (November 2026, Seoul time).

Calls in November (weekday: Mon = 0):
  1. 11-02 Mon 09:15  120 s call  분실
  2. 11-02 Mon 09:40  300 s call  분실  repeat, transferred
  3. 11-02 Mon 14:05   60 s chat  한도
  4. 11-03 Tue 10:00  600 s call  해외  escalated
  5. 11-04 Wed 00:30   30 s chat  분실  (still 11-03 in UTC)
  6. 11-30 Mon 18:00 1500 s call  해외  repeat
October (the previous period): 분실 200 s, 해외 400 s transferred, 분실 100 s at 10-31 23:59.
December 1st 00:00 is outside. client_b has calls too, which must not count.
"""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.calls.models import MiningRun, MiningStatus, Topic
from knowledge.models import ArticleFeedback
from knowledge.search.models import SearchLog
from tests.knowledge.factories import ArticleFactory
from tests.wellbeing.factories import AbuseFactory

from .factories import CallRecordFactory, kst

NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def month_data(org):
    a, b = org["client_a"], org["client_b"]
    agent = org["agent_a"]
    C = CallRecordFactory
    C(client=a, started_at=kst(2026, 11, 2, 9, 15), duration_seconds=120, category="분실", agent=agent)
    C(
        client=a,
        started_at=kst(2026, 11, 2, 9, 40),
        duration_seconds=300,
        category="분실",
        repeat_contact=True,
        transferred=True,
        agent=agent,
    )
    C(client=a, started_at=kst(2026, 11, 2, 14, 5), duration_seconds=60, channel="chat", category="한도")
    C(client=a, started_at=kst(2026, 11, 3, 10, 0), duration_seconds=600, category="해외", escalated=True)
    C(client=a, started_at=kst(2026, 11, 4, 0, 30), duration_seconds=30, channel="chat", category="분실")
    C(
        client=a,
        started_at=kst(2026, 11, 30, 18, 0),
        duration_seconds=1500,
        category="해외",
        repeat_contact=True,
    )
    C(client=a, started_at=kst(2026, 10, 5, 11, 0), duration_seconds=200, category="분실")
    C(client=a, started_at=kst(2026, 10, 6, 11, 0), duration_seconds=400, category="해외", transferred=True)
    C(client=a, started_at=kst(2026, 10, 31, 23, 59), duration_seconds=100, category="분실")
    C(client=a, started_at=kst(2026, 12, 1, 0, 0), duration_seconds=999, category="분실")
    C(client=b, started_at=kst(2026, 11, 2, 9, 0), duration_seconds=50, category="요금")

    # Abusive calls: two in November, one in October for client_a; one for client_b.
    AbuseFactory(user=agent, client=a, occurred_at=kst(2026, 11, 10, 11, 0))
    AbuseFactory(
        user=agent,
        client=a,
        occurred_at=kst(2026, 11, 20, 15, 0),
        counselling_requested_at=kst(2026, 11, 20, 16, 0),
    )
    AbuseFactory(user=agent, client=a, occurred_at=kst(2026, 10, 20, 15, 0))
    AbuseFactory(user=org["agent_b"], client=b, occurred_at=kst(2026, 11, 20, 15, 0))

    # Manual searches: 카드 분실 ×3 with results, 애플페이 ×3 without (one with stray spaces).
    for query, results in [("카드 분실", 5)] * 3 + [("애플페이", 0), ("애플페이", 0), (" 애플페이 ", 0)]:
        log = SearchLog.objects.create(user=agent, client=a, query=query, result_count=results)
        SearchLog.objects.filter(pk=log.pk).update(created_at=kst(2026, 11, 12, 10, 0))
    log = SearchLog.objects.create(user=agent, client=a, query="10월 검색", result_count=0)
    SearchLog.objects.filter(pk=log.pk).update(created_at=kst(2026, 10, 12, 10, 0))

    # Feedback: "분실 신고" 1 helpful + 3 not helpful (one comment); "해외 결제" 1 helpful.
    lost = ArticleFactory(client=a, title="분실 신고")
    abroad = ArticleFactory(client=a, title="해외 결제")
    from tests.accounts.factories import UserFactory

    voters = [agent, *UserFactory.create_batch(3, clients=[a])]
    when = kst(2026, 11, 15, 12, 0)
    ArticleFeedback.objects.create(
        article=lost, user=voters[0], helpful=True, created_at=when, updated_at=when
    )
    for v in voters[1:]:
        ArticleFeedback.objects.create(
            article=lost,
            user=v,
            helpful=False,
            comment='=HYPERLINK("http://x")' if v == voters[1] else "",
            created_at=when,
            updated_at=when,
        )
    ArticleFeedback.objects.create(
        article=abroad, user=voters[1], helpful=True, created_at=when, updated_at=when
    )

    # A mining run of exactly November: 분실 covered by the article, 해외 결제 a gap.
    run = MiningRun.objects.create(
        client=a,
        period_start=NOV[0],
        period_end=NOV[1],
        status=MiningStatus.DONE,
        record_count=6,
        covered_calls=3,
        coverage=0.5,
        topic_count=2,
        finished_at=kst(2026, 12, 1, 3, 0),
    )
    Topic.objects.create(
        run=run,
        client=a,
        rank=0,
        label="카드 분실",
        keywords=["분실", "카드"],
        size=3,
        share=0.5,
        previous_size=2,
        trend=0.5,
        avg_duration=150.0,
        repeat_rate=1 / 3,
        transfer_rate=1 / 3,
        covered_by=lost,
    )
    Topic.objects.create(
        run=run,
        client=a,
        rank=1,
        label="해외 결제",
        keywords=["해외", "결제"],
        size=2,
        share=1 / 3,
        previous_size=1,
        trend=1.0,
        avg_duration=1050.0,
        repeat_rate=0.5,
        escalation_rate=0.5,
    )
    return {"client": a, "run": run, "lost": lost, "abroad": abroad}
