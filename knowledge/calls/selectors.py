"""Reads of the call-data part, already filtered by what the user may see (accounts.permissions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accounts.models import ClientCompany, User
from accounts.permissions import can_manage_client, visible_client_or_none, visible_clients

from .importers.fields import KST
from .models import CallRecord, ImportJob, MiningRun, MiningStatus, Topic, TopicArticle

if TYPE_CHECKING:
    from knowledge.models import Article, LearnedExpression


def clients_for(user: User) -> QuerySet[ClientCompany]:
    return visible_clients(user).order_by("name")


def client_for(user: User, slug: str) -> ClientCompany | None:
    return visible_client_or_none(user, slug)


def call_records(
    user: User,
    *,
    client: ClientCompany | None = None,
    since: date | None = None,
    until: date | None = None,
    query: str = "",
) -> QuerySet[CallRecord]:
    from .services import _bounds

    qs = CallRecord.objects.filter(client__in=visible_clients(user)).select_related("client", "agent")
    if client is not None:
        qs = qs.filter(client=client)
    if since:
        qs = qs.filter(started_at__gte=_bounds(since, since)[0])
    if until:
        qs = qs.filter(started_at__lt=_bounds(until, until)[1])
    if query.strip():
        qs = qs.filter(inquiry__icontains=query.strip())
    return qs.order_by("-started_at", "-id")


def import_jobs(user: User, *, client: ClientCompany) -> QuerySet[ImportJob]:
    """Imports of a client: for the people who may import into it."""
    if not can_manage_client(user, client):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(client=client).select_related("created_by").order_by("-created_at", "-id")


def import_job_for(user: User, pk: int) -> ImportJob | None:
    job = ImportJob.objects.select_related("client", "created_by").filter(pk=pk).first()
    if job is None or not can_manage_client(user, job.client):
        return None
    return job


def mining_runs(user: User, *, client: ClientCompany) -> QuerySet[MiningRun]:
    return MiningRun.objects.filter(client=client, client__in=visible_clients(user)).order_by(
        "-finished_at", "-id"
    )


def latest_run(user: User, *, client: ClientCompany) -> MiningRun | None:
    """The most recently finished run of a client (what the topics page shows by default)."""
    return (
        mining_runs(user, client=client)
        .filter(status=MiningStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def topics(user: User, *, run: MiningRun) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(run=run, client__in=visible_clients(user))
        .select_related("covered_by")
        .prefetch_related("articles__article")
        .order_by("rank")
    )


def topic_for(user: User, pk: int) -> Topic | None:
    return (
        Topic.objects.filter(pk=pk, client__in=visible_clients(user))
        .select_related("run", "client", "covered_by")
        .first()
    )


def topic_calls(topic: Topic, limit: int = 50) -> list[CallRecord]:
    ids = topic.call_ids[:limit]
    by_id = {c.pk: c for c in CallRecord.objects.filter(pk__in=ids).select_related("agent")}
    return [by_id[i] for i in ids if i in by_id]


def topic_drafts(topic: Topic) -> QuerySet[TopicArticle]:
    return TopicArticle.objects.filter(topic=topic, linked=False).select_related("article", "created_by")


def linked_article(topic: Topic, article_id: object) -> Article | None:
    """The article a manager linked the topic to, by its id as posted (None for anything else)."""
    try:
        pk = int(str(article_id))
    except ValueError:
        return None
    link = (
        TopicArticle.objects.filter(topic=topic, article_id=pk, linked=True).select_related("article").first()
    )
    return link.article if link else None


def topic_links(topic: Topic) -> list[dict[str, Any]]:
    """The articles a topic is drafted into or linked to, each with how many of the topic's calls
    are linked to it and the customer expressions its calls taught search (for the topic page)."""
    from django.db.models import Count, Q

    from knowledge.models import LearnedExpression

    links = list(TopicArticle.objects.filter(topic=topic).select_related("article").order_by("created_at"))
    ids = [link.article_id for link in links]
    counts = dict(
        CallRecord.objects.filter(pk__in=topic.call_ids, article_id__in=ids)
        .values_list("article_id")
        .annotate(n=Count("pk", filter=Q(client_id=topic.client_id)))
    )
    learned: dict[int, list[LearnedExpression]] = {}
    rows = LearnedExpression.objects.filter(
        article_id__in=ids, source=LearnedExpression.Source.CALLS, removed_at__isnull=True
    ).order_by("-weight", "text")
    for expression in rows:
        learned.setdefault(expression.article_id, []).append(expression)
    return [
        {
            "link": link,
            "article": link.article,
            "calls": counts.get(link.article_id, 0),
            "learned": learned.get(link.article_id, [])[:24],
        }
        for link in links
    ]


def call_record_for(user: User, pk: int) -> CallRecord | None:
    return (
        CallRecord.objects.filter(pk=pk, client__in=visible_clients(user))
        .select_related("client", "agent")
        .first()
    )


def local_date(value: datetime) -> date:
    return value.astimezone(KST).date()


def mining_run_for(user: User, pk: int) -> MiningRun | None:
    return MiningRun.objects.filter(pk=pk, client__in=visible_clients(user)).select_related("client").first()


def article_sources(article: Article) -> list[dict[str, Any]]:
    """The topics an article was drafted from, each with its source calls in the draft's order
    (for the article page's "source calls" section, shown to the client's curators)."""
    sources = []
    for link in TopicArticle.objects.filter(article=article, linked=False).order_by("created_at"):
        calls = {
            c.external_id: c
            for c in CallRecord.objects.filter(
                client_id=article.client_id, external_id__in=link.source_call_ids
            ).only("pk", "external_id", "started_at", "inquiry")
        }
        ordered = [calls[ext] for ext in link.source_call_ids if ext in calls]
        sources.append({"label": link.label, "calls": ordered})
    return sources
