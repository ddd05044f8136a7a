"""The figures of an operations diagnosis, computed with database aggregates.

Every number is a COUNT/AVG/SUM over the client's call records (or search log, feedback, abusive-call
reports) for the period, grouped in the database; Python only walks the grouped rows (at most
days × 24 of them), never the call records. `compute()` returns plain JSON, which is what a
snapshot stores and what the page, the exports and the API read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, Lower, Trim, TruncDate

from accounts.models import ClientCompany
from core.dates import SEOUL
from knowledge.calls.models import CallRecord, MiningRun, MiningStatus, Topic
from knowledge.models import ArticleFeedback
from knowledge.search.models import SearchLog
from wellbeing.models import AbusiveCallReport

from .models import FIGURES_SCHEMA
from .periods import bounds, days, previous_period

# Handle-time buckets in seconds: [low, high), the last one open.
AHT_BUCKETS = [(0, 60), (60, 180), (180, 300), (300, 600), (600, 1200), (1200, None)]
TOP_CATEGORIES = 10
TOP_TOPICS = 10
TOP_GAPS = 5
TOP_TERMS = 10
STEPS = ["volume", "rhythm", "channels", "categories", "handle_time", "topics", "care", "search", "feedback"]


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _change(now: float, before: float) -> float | None:
    """Relative change; None when there is nothing to compare with."""
    if not before:
        return None
    return round((now - before) / before, 4)


def _calls(client: ClientCompany, since: date, until: date) -> QuerySet[CallRecord]:
    start, end = bounds(since, until)
    return CallRecord.objects.filter(client=client, started_at__gte=start, started_at__lt=end).order_by()


def _totals(qs: QuerySet[CallRecord]) -> dict:
    agg = qs.aggregate(
        calls=Count("id"),
        seconds=Sum("duration_seconds"),
        repeat=Count("id", filter=Q(repeat_contact=True)),
        transferred=Count("id", filter=Q(transferred=True)),
        escalated=Count("id", filter=Q(escalated=True)),
        agents=Count("agent", distinct=True),
    )
    calls = agg["calls"] or 0
    seconds = agg["seconds"] or 0
    return {
        "calls": calls,
        "handle_seconds": seconds,
        "aht": round(seconds / calls, 1) if calls else 0.0,
        "repeat": agg["repeat"],
        "transferred": agg["transferred"],
        "escalated": agg["escalated"],
        "repeat_rate": _rate(agg["repeat"], calls),
        "transfer_rate": _rate(agg["transferred"], calls),
        "escalation_rate": _rate(agg["escalated"], calls),
        "agents": agg["agents"],
    }


def _percentile(qs: QuerySet[CallRecord], count: int, q: float) -> int:
    """Nearest-rank percentile of the handle time (one ordered query with an offset)."""
    if not count:
        return 0
    rank = max(1, math.ceil(q * count))
    value = qs.order_by("duration_seconds").values_list("duration_seconds", flat=True)[rank - 1 : rank]
    return int(next(iter(value), 0))


def _rhythm(qs: QuerySet[CallRecord], since: date, until: date) -> tuple[list[dict], list[list[int]]]:
    """Calls per day (every day of the period, zeros included) and a weekday × hour grid (Mon = 0)."""
    per_day = dict.fromkeys(days(since, until), 0)
    grid = [[0] * 24 for _ in range(7)]
    rows = (
        qs.annotate(day=TruncDate("started_at", tzinfo=SEOUL), hour=ExtractHour("started_at", tzinfo=SEOUL))
        .values("day", "hour")
        .annotate(n=Count("id"))
    )
    for row in rows:
        day = row["day"]
        if isinstance(day, str):  # some backends hand back text
            day = date.fromisoformat(day)
        if day in per_day:
            per_day[day] += row["n"]
        grid[day.weekday()][row["hour"]] += row["n"]
    daily = [{"date": d.isoformat(), "calls": n} for d, n in per_day.items()]
    return daily, grid


def _channels(qs: QuerySet[CallRecord], total: int) -> list[dict]:
    rows = (
        qs.values("channel")
        .annotate(calls=Count("id"), aht=Avg("duration_seconds"))
        .order_by("-calls", "channel")
    )
    return [
        {
            "channel": r["channel"],
            "calls": r["calls"],
            "share": _rate(r["calls"], total),
            "aht": round(r["aht"] or 0, 1),
        }
        for r in rows
    ]


def _categories(qs: QuerySet[CallRecord], previous: QuerySet[CallRecord], total: int) -> list[dict]:
    rows = list(
        qs.values("category")
        .annotate(
            calls=Count("id"),
            aht=Avg("duration_seconds"),
            repeat=Count("id", filter=Q(repeat_contact=True)),
            transferred=Count("id", filter=Q(transferred=True)),
        )
        .order_by("-calls", "category")[:TOP_CATEGORIES]
    )
    names = [r["category"] for r in rows]
    before = dict(
        previous.filter(category__in=names)
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [
        {
            "name": r["category"],
            "calls": r["calls"],
            "share": _rate(r["calls"], total),
            "previous": before.get(r["category"], 0),
            "trend": _change(r["calls"], before.get(r["category"], 0)),
            "aht": round(r["aht"] or 0, 1),
            "repeat_rate": _rate(r["repeat"], r["calls"]),
            "transfer_rate": _rate(r["transferred"], r["calls"]),
        }
        for r in rows
    ]


def _handle_time(qs: QuerySet[CallRecord], total: int) -> dict:
    filters = {}
    for i, (low, high) in enumerate(AHT_BUCKETS):
        cond = Q(duration_seconds__gte=low)
        if high is not None:
            cond &= Q(duration_seconds__lt=high)
        filters[f"b{i}"] = Count("id", filter=cond)
    agg = qs.aggregate(longest=Max("duration_seconds"), **filters)
    buckets = [
        {"low": low, "high": high, "calls": agg[f"b{i}"], "share": _rate(agg[f"b{i}"], total)}
        for i, (low, high) in enumerate(AHT_BUCKETS)
    ]
    return {
        "buckets": buckets,
        "p50": _percentile(qs, total, 0.5),
        "p90": _percentile(qs, total, 0.9),
        "longest": agg["longest"] or 0,
    }


def mining_run_for(client: ClientCompany, since: date, until: date) -> MiningRun | None:
    """The mining run of exactly this period, else the latest finished one that overlaps it."""
    done = MiningRun.objects.filter(client=client, status=MiningStatus.DONE)
    return (
        done.filter(period_start=since, period_end=until).first()
        or done.filter(period_start__lte=until, period_end__gte=since).order_by("-finished_at", "-id").first()
    )


def _topic(t: Topic) -> dict:
    return {
        "id": t.pk,
        "label": t.label,
        "keywords": [k if isinstance(k, str) else k[0] for k in (t.keywords or [])[:5]],
        "calls": t.size,
        "share": round(t.share, 4),
        "previous": t.previous_size,
        "trend": None if t.trend is None else round(t.trend, 4),
        "aht": round(t.avg_duration, 1),
        "repeat_rate": round(t.repeat_rate, 4),
        "transfer_rate": round(t.transfer_rate, 4),
        "escalation_rate": round(t.escalation_rate, 4),
        "covered_by": t.covered_by_id,
        "covered_title": t.covered_by.title if t.covered_by else "",
        "gap": t.covered_by_id is None,
    }


def _topics(client: ClientCompany, since: date, until: date) -> dict:
    run = mining_run_for(client, since, until)
    if run is None:
        return {"run": None, "topics": [], "gaps": [], "coverage": None}
    topics = Topic.objects.filter(run=run).select_related("covered_by").order_by("-size", "rank")
    top = [_topic(t) for t in topics[:TOP_TOPICS]]
    gaps = [_topic(t) for t in topics.filter(covered_by__isnull=True)[:TOP_GAPS]]
    gap_calls = topics.filter(covered_by__isnull=True).aggregate(n=Sum("size"))["n"] or 0
    return {
        "run": {
            "id": run.pk,
            "start": run.period_start.isoformat(),
            "end": run.period_end.isoformat(),
            "exact": (run.period_start, run.period_end) == (since, until),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        },
        "topics": top,
        "gaps": gaps,
        "coverage": {
            "rate": round(run.coverage, 4),
            "covered_calls": run.covered_calls,
            "calls": run.record_count,
            "topics": run.topic_count,
            "gap_topics": topics.filter(covered_by__isnull=True).count(),
            "gap_calls": gap_calls,
        },
    }


def _care(client: ClientCompany, since: date, until: date, previous: tuple[date, date], calls: int) -> dict:
    reports = AbusiveCallReport.objects.filter(client=client).order_by()
    start, end = bounds(since, until)
    pstart, pend = bounds(*previous)
    agg = reports.aggregate(
        now=Count("id", filter=Q(occurred_at__gte=start, occurred_at__lt=end)),
        before=Count("id", filter=Q(occurred_at__gte=pstart, occurred_at__lt=pend)),
        counselling=Count(
            "id",
            filter=Q(occurred_at__gte=start, occurred_at__lt=end, counselling_requested_at__isnull=False),
        ),
    )
    return {
        "abusive_calls": agg["now"],
        "previous": agg["before"],
        "per_1000": round(1000 * agg["now"] / calls, 2) if calls else 0.0,
        "counselling": agg["counselling"],
    }


def _search(client: ClientCompany, since: date, until: date) -> dict:
    start, end = bounds(since, until)
    logs = SearchLog.objects.filter(client=client, created_at__gte=start, created_at__lt=end).order_by()
    agg = logs.aggregate(n=Count("id"), zero=Count("id", filter=Q(result_count=0)))
    terms = logs.annotate(term=Lower(Trim("query"))).values("term")
    top = terms.annotate(n=Count("id"), zero=Count("id", filter=Q(result_count=0))).order_by("-n", "term")
    zero = terms.filter(result_count=0).annotate(n=Count("id")).order_by("-n", "term")
    return {
        "searches": agg["n"],
        "zero_results": agg["zero"],
        "zero_rate": _rate(agg["zero"], agg["n"]),
        "top_terms": [{"term": r["term"], "count": r["n"], "zero": r["zero"]} for r in top[:TOP_TERMS]],
        "zero_terms": [{"term": r["term"], "count": r["n"]} for r in zero[:TOP_TERMS]],
    }


def _feedback(client: ClientCompany, since: date, until: date) -> dict:
    start, end = bounds(since, until)
    rows = ArticleFeedback.objects.filter(
        article__client=client, updated_at__gte=start, updated_at__lt=end
    ).order_by()
    agg = rows.aggregate(good=Count("id", filter=Q(helpful=True)), bad=Count("id", filter=Q(helpful=False)))
    articles = (
        rows.values("article_id", title=F("article__title"))
        .annotate(good=Count("id", filter=Q(helpful=True)), bad=Count("id", filter=Q(helpful=False)))
        .filter(bad__gt=0)
        .order_by("-bad", "good", "title")[:5]
    )
    comments = rows.filter(helpful=False).exclude(comment="").order_by("-updated_at")
    total = agg["good"] + agg["bad"]
    return {
        "helpful": agg["good"],
        "not_helpful": agg["bad"],
        "helpful_rate": _rate(agg["good"], total),
        "worst": [
            {"id": a["article_id"], "title": a["title"], "helpful": a["good"], "not_helpful": a["bad"]}
            for a in articles
        ],
        "comments": [
            {"article_id": c.article_id, "title": c.article.title, "comment": c.comment}
            for c in comments.select_related("article")[:5]
        ],
    }


def compute(
    *, client: ClientCompany, since: date, until: date, on_step: Callable[[str, float], None] | None = None
) -> dict:
    """All figures of the diagnosis for a client and period (both dates inclusive)."""

    def step(name: str) -> None:
        if on_step:
            on_step(name, STEPS.index(name) / len(STEPS))

    previous = previous_period(since, until)
    qs = _calls(client, since, until)
    before = _calls(client, *previous)

    step("volume")
    totals = _totals(qs)
    prior = _totals(before)
    calls = totals["calls"]
    step("rhythm")
    daily, heatmap = _rhythm(qs, since, until)
    step("channels")
    channels = _channels(qs, calls)
    step("categories")
    categories = _categories(qs, before, calls)
    step("handle_time")
    handle_time = _handle_time(qs, calls)
    step("topics")
    topics = _topics(client, since, until)
    step("care")
    care = _care(client, since, until, previous, calls)
    step("search")
    search = _search(client, since, until)
    step("feedback")
    feedback = _feedback(client, since, until)

    figures = {
        "schema": FIGURES_SCHEMA,
        "client": {"id": client.pk, "slug": client.slug, "name": client.name},
        "period": {"start": since.isoformat(), "end": until.isoformat(), "days": (until - since).days + 1},
        "previous_period": {"start": previous[0].isoformat(), "end": previous[1].isoformat()},
        "totals": totals,
        "previous": prior,
        "changes": {
            "calls": _change(calls, prior["calls"]),
            "aht": _change(totals["aht"], prior["aht"]),
            "repeat_rate": round(totals["repeat_rate"] - prior["repeat_rate"], 4) if prior["calls"] else None,
            "transfer_rate": round(totals["transfer_rate"] - prior["transfer_rate"], 4)
            if prior["calls"]
            else None,
            "escalation_rate": round(totals["escalation_rate"] - prior["escalation_rate"], 4)
            if prior["calls"]
            else None,
        },
        "daily": daily,
        "heatmap": heatmap,
        "channels": channels,
        "categories": categories,
        "handle_time": handle_time,
        "mining": topics,
        "care": care,
        "search": search,
        "feedback": feedback,
    }
    from .findings import findings

    figures["findings"] = findings(figures)
    return figures
