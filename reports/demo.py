"""Demo data for reports: last month's operations diagnosis for each demo client. Idempotent.

The diagnosis needs call records for last month and the month before (for the trends). Where the
call-data demo has not provided them, a few thousand generated calls per client are added
(`knowledge.calls.samples`, external ids prefixed "RPT-"), last month is mined, a few manual
searches and feedback are added, and the snapshot is built in-process. An existing snapshot is
kept as it is: the demo never rewrites a stored report.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ClientCompany, User
from core.dates import SEOUL, month_bounds, previous_month
from knowledge.calls.importers.fields import customer_key
from knowledge.calls.models import CallRecord, MiningRun, MiningStatus
from knowledge.calls.samples import KIND_BY_CLIENT, generate
from knowledge.models import Article, ArticleFeedback, ArticleStatus
from knowledge.search.models import SearchLog

from .models import ReportSnapshot, SnapshotStatus
from .periods import bounds
from .services import snapshot_build_now

CALLS_LAST_MONTH = 2400
CALLS_MONTH_BEFORE = 2000
ZERO_RESULT_TERMS = {
    "card": ["카드 교체 주기", "가족카드 한도 공유", "애플페이 등록"],
    "telecom": ["eSIM 이동", "해외 로밍 데이터 차단", "번호이동 위약금"],
    "mall": ["새벽배송 지역", "선물포장 취소", "해외직구 관부가세"],
    "insurance": ["실손 청구 서류 사진", "자동차 보험 긴급출동 횟수", "태아보험 전환"],
}


def _records(client: ClientCompany, kind: str, since, until, count: int, seed: int, agents: list[User]):
    salt = settings.CALLS_CUSTOMER_KEY_SALT.encode()
    rng = random.Random(seed)
    start = datetime.combine(since, time(), tzinfo=SEOUL)
    end = datetime.combine(until, time(23, 59), tzinfo=SEOUL)
    by_label = {a.employee_number or a.email: a for a in agents}
    labels = list(by_label) or None
    for call in generate(
        kind=kind, count=count, start=start, end=end, agents=labels, seed=seed, prefix=f"RPT-{since:%Y%m}-"
    ):
        yield CallRecord(
            client=client,
            external_id=call.external_id,
            started_at=call.started_at,
            duration_seconds=call.duration,
            channel=call.channel,
            agent=by_label.get(call.agent),
            agent_label="" if call.agent in by_label else call.agent,
            category=call.category,
            inquiry=call.inquiry,
            resolution=call.resolution,
            transferred=call.transferred,
            escalated=rng.random() < 0.03,
            repeat_contact=rng.random() < 0.12,
            repeat_flag_given=True,
            customer_key=customer_key(call.customer, salt),
        )


def _searches(client: ClientCompany, kind: str, since, until, agents: list[User]) -> None:
    start, end = bounds(since, until)
    if SearchLog.objects.filter(client=client, created_at__gte=start, created_at__lt=end).exists():
        return
    rng = random.Random(client.pk)
    titles = list(
        Article.objects.filter(client=client, status=ArticleStatus.PUBLISHED).values_list("title", flat=True)[
            :12
        ]
    )
    logs = []
    for _i in range(160):
        zero = rng.random() < 0.18 and ZERO_RESULT_TERMS.get(kind)
        query = (
            rng.choice(ZERO_RESULT_TERMS[kind]) if zero else (rng.choice(titles)[:20] if titles else "안내")
        )
        logs.append(
            SearchLog(
                user=rng.choice(agents) if agents else None,
                client=client,
                query=query,
                result_count=0 if zero else rng.randint(1, 8),
                took_ms=rng.uniform(8, 40),
            )
        )
    created = SearchLog.objects.bulk_create(logs)
    # created_at is auto_now_add: move the rows into the period afterwards.
    span = int((end - start).total_seconds()) - 1
    for log in created:
        SearchLog.objects.filter(pk=log.pk).update(created_at=start + timedelta(seconds=rng.randrange(span)))


def _feedback(client: ClientCompany, since, until, agents: list[User]) -> None:
    start, end = bounds(since, until)
    if ArticleFeedback.objects.filter(
        article__client=client, updated_at__gte=start, updated_at__lt=end
    ).exists():
        return
    rng = random.Random(client.pk * 7)
    articles = list(Article.objects.filter(client=client, status=ArticleStatus.PUBLISHED).order_by("pk")[:10])
    for i, article in enumerate(articles):
        for agent in agents[:6]:
            if ArticleFeedback.objects.filter(article=article, user=agent).exists():
                continue
            helpful = rng.random() > (0.6 if i == 2 else 0.15)
            when = start + timedelta(
                days=rng.randrange(max(1, (end - start).days)), hours=rng.randrange(9, 18)
            )
            ArticleFeedback.objects.create(
                article=article,
                user=agent,
                helpful=helpful,
                comment="" if helpful or rng.random() < 0.5 else "스크립트가 실제 절차와 달라요",
                created_at=when,
                updated_at=when,
            )


def seed(stdout=None, slugs: list[str] | None = None) -> None:
    from knowledge.calls.services import mining_run_now

    today = timezone.localdate()
    last = month_bounds(previous_month(today))
    before = month_bounds(previous_month(last[0]))
    for slug, kind in KIND_BY_CLIENT.items():
        if slugs is not None and slug not in slugs:
            continue
        client = ClientCompany.objects.filter(slug=slug).first()
        if client is None:
            continue
        done = ReportSnapshot.objects.filter(
            client=client, period_start=last[0], period_end=last[1], status=SnapshotStatus.DONE
        ).exists()
        if done:
            continue
        agents = list(User.objects.filter(assignments__client=client, is_active=True).order_by("email"))
        with transaction.atomic():
            for (since, until), count, salt in ((before, CALLS_MONTH_BEFORE, 1), (last, CALLS_LAST_MONTH, 2)):
                start, end = bounds(since, until)
                if not CallRecord.objects.filter(
                    client=client, started_at__gte=start, started_at__lt=end
                ).exists():
                    CallRecord.objects.bulk_create(
                        _records(client, kind, since, until, count, client.pk * 10 + salt, agents),
                        batch_size=1000,
                    )
            _searches(client, kind, *last, agents)
            _feedback(client, *last, agents)
        manager = (
            User.objects.filter(managed_teams__members__assignments__client=client).order_by("email").first()
        )
        if not MiningRun.objects.filter(
            client=client, period_start=last[0], period_end=last[1], status=MiningStatus.DONE
        ).exists():
            try:
                mining_run_now(client=client, since=last[0], until=last[1], by=manager)
            except Exception as exc:  # the report is still worth building without topics
                if stdout:
                    stdout.write(f"  topic mining for {slug} failed: {exc}")
        snapshot_build_now(client=client, since=last[0], until=last[1], by=manager)
