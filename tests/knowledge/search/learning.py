"""Call data linked to the demo manuals, for the "customers_with_calls" relevance run.

Each demo client's generated calls (knowledge/calls/samples.py) carry the manual article an agent
would have used for their subject, as an export's 적용 매뉴얼 column does; learning then turns the
customers' words into the articles' learned expressions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# The article an agent would open for each generated subject (by the demo's external ids).
ARTICLE_FOR_TOPIC = {
    "card": {
        "loss": 2,
        "overseas": 23,
        "limit": 6,
        "statement": 9,
        "points": 17,
        "password": 26,
        "installment": 13,
        "cancel": 30,
    },
    "telecom": {"plan": 1, "bill": 4, "network": 30, "device": 18, "roaming": 15, "contract": 23},
    "mall": {"delivery": 1, "refund": 12, "return": 8, "coupon": 18, "account": 22},
    "insurance": {"claim": 1, "accident": 4, "premium": 11, "renewal": 17},
}


def import_demo_calls(corpus, count: int = 1500) -> int:
    """Store `count` generated calls per demo client, linked to their article, then learn."""
    from knowledge.calls import samples
    from knowledge.models import Article, CallRecord
    from knowledge.search.backends import get_backend
    from knowledge.search.services import learned_from_calls

    end = datetime(2026, 11, 30, tzinfo=UTC)
    total = 0
    for n, (slug, kind) in enumerate(samples.KIND_BY_CLIENT.items()):
        client = corpus.clients.get(slug)
        if client is None:
            continue
        ids = {a.external_id: a.pk for a in Article.objects.filter(client=client).only("pk", "external_id")}
        articles = {topic: ids.get(f"{slug}-{i:03d}") for topic, i in ARTICLE_FOR_TOPIC[kind].items()}
        rows = [
            CallRecord(
                client=client,
                external_id=call.external_id,
                started_at=call.started_at,
                duration_seconds=call.duration,
                category=call.category,
                inquiry=call.inquiry,
                resolution=call.resolution,
                article_id=articles.get(call.topic),
            )
            for call in samples.generate(
                kind=kind, count=count, start=end - timedelta(days=30), end=end, seed=500 + n, details=True
            )
        ]
        CallRecord.objects.bulk_create(rows, batch_size=1000)
        total += len(rows)
        learned_from_calls(client=client)
    # learned_from_calls re-indexes on commit; the benchmark runs inside a transaction it rolls back.
    get_backend().index(list(corpus.keys))
    return total
