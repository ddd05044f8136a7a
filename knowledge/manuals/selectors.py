"""Reads for the manuals, already filtered by what the user may see.

The one rule (pages, API and exports all come through here):
- agents see published articles of the clients assigned to them, plus the drafts they proposed;
- managers see every article, in every state, of their teams' clients;
- admins see everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Field,
    ForeignObjectRel,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from accounts.models import ClientCompany, User
from accounts.permissions import can_manage_client, visible_client_or_404, visible_clients

from .models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleStatus,
    ArticleSuggestion,
    Attachment,
    Category,
    SuggestionStatus,
)


def is_curator(user: User | AnonymousUser) -> bool:
    """Managers and admins curate manuals (review, publish, import, export)."""
    return isinstance(user, User) and (user.is_admin or user.is_manager)


def clients_for(user: User) -> QuerySet[ClientCompany]:
    return visible_clients(user).order_by("name")


def client_for(user: User, slug: str) -> ClientCompany:
    return visible_client_or_404(user, slug)


def managed_clients(user: User) -> QuerySet[ClientCompany]:
    if not is_curator(user):
        return ClientCompany.objects.none()
    return visible_clients(user).order_by("name")


def articles_for(
    user: User, *, client: ClientCompany | None = None, status: str | None = None
) -> QuerySet[Article]:
    qs = Article.objects.filter(client__in=visible_clients(user))
    # Agents see published articles and the drafts they proposed; asked for published ones only,
    # the rule is the client's visibility alone.
    if not is_curator(user) and status != ArticleStatus.PUBLISHED:
        qs = qs.filter(
            Q(status=ArticleStatus.PUBLISHED)
            | Q(created_by=user, status__in=[ArticleStatus.DRAFT, ArticleStatus.REVIEW])
        )
    if client is not None:
        qs = qs.filter(client=client)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("client", "category", "category__parent", "owner")


def article_for(user: User, pk: int) -> Article:
    article = articles_for(user).filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


def can_curate(user: User, article: Article) -> bool:
    return can_manage_client(user, article.client)


def categories_for(client: ClientCompany) -> list[dict[str, Any]]:
    """The category tree as a flat list in display order with depth, for one client."""
    nodes = list(Category.objects.filter(client=client).order_by("position", "name"))
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[dict[str, Any]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            out.append({"category": node, "depth": depth})
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


def category_descendants(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def article_detail(user: User, pk: int) -> Article:
    """One article with what its page shows: related articles limited to what the user may see
    (`visible_related`), its attachments (`attachment_list`, read only when it has any: most
    have none) and `latest_revision_number` (None before the first publish)."""
    visible_related = (
        articles_for(user, status=ArticleStatus.PUBLISHED)
        .select_related(None)
        .only("pk", "title", "client_id")
    )
    article = (
        articles_for(user)
        .select_related("created_by")
        .annotate(latest_revision_number=_latest_revision_number(), has_attachments=_has_attachments())
        .prefetch_related(Prefetch("related", queryset=visible_related, to_attr="visible_related"))
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404
    article.attachment_list = (  # type: ignore[attr-defined]  # for the page
        list(Attachment.objects.filter(article=article).order_by("created_at"))
        if article.has_attachments
        else []
    )
    return article


def _quoted(column: Field[Any, Any] | ForeignObjectRel | None) -> str:
    assert isinstance(column, Field) and column.column  # a concrete column
    return connection.ops.quote_name(column.column)


def _has_attachments() -> RawSQL:
    q = connection.ops.quote_name
    attachments = q(Attachment._meta.db_table)
    of = f"{attachments}.{q(Attachment._meta.get_field('article').column)}"
    article = f"{q(Article._meta.db_table)}.{_quoted(Article._meta.pk)}"
    sql = f"EXISTS(SELECT 1 FROM {attachments} WHERE {of} = {article})"  # noqa: S608
    return RawSQL(sql, [], output_field=BooleanField())  # noqa: S611


def _latest_revision_number() -> RawSQL:
    """MAX(number) of the article's revisions, inside the article's query (as plain SQL: an ORM
    subquery costs more Python time than the query it saves)."""
    q = connection.ops.quote_name
    revisions = q(ArticleRevision._meta.db_table)
    number = f"{revisions}.{_quoted(ArticleRevision._meta.get_field('number'))}"
    of = f"{revisions}.{q(ArticleRevision._meta.get_field('article').column)}"
    article = f"{q(Article._meta.db_table)}.{_quoted(Article._meta.pk)}"
    sql = f"SELECT MAX({number}) FROM {revisions} WHERE {of} = {article}"  # noqa: S608
    return RawSQL(sql, [], output_field=IntegerField())  # noqa: S611


def revisions_for(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("created_by").order_by("-number")


def pending_suggestions(user: User, *, article: Article | None = None) -> QuerySet[ArticleSuggestion]:
    qs = ArticleSuggestion.objects.filter(
        status=SuggestionStatus.PENDING, article__client__in=managed_clients(user)
    ).select_related("article", "article__client", "author")
    if article is not None:
        qs = qs.filter(article=article)
    return qs.order_by("created_at")


def suggestion_for(user: User, pk: int) -> ArticleSuggestion:
    """Curators of the client see any suggestion; an agent sees their own."""
    qs = ArticleSuggestion.objects.select_related("article", "article__client", "author", "reviewed_by")
    suggestion = qs.filter(pk=pk, article__client__in=visible_clients(user)).first()
    if suggestion is None or not (is_curator(user) or suggestion.author_id == user.pk):
        raise Http404
    return suggestion


def my_suggestions(user: User) -> QuerySet[ArticleSuggestion]:
    return ArticleSuggestion.objects.filter(author=user).select_related("article").order_by("-created_at")


def review_queue(user: User) -> QuerySet[Article]:
    return (
        Article.objects.filter(status=ArticleStatus.REVIEW, client__in=managed_clients(user))
        .select_related("client", "category", "created_by")
        .order_by("updated_at")
    )


def review_queue_count(user: User) -> int:
    """Articles in review plus pending suggestions, counted in one query."""
    articles = review_queue(user).order_by().values("pk")
    return articles.union(pending_suggestions(user).order_by().values("pk"), all=True).count()


def due_for_verification(user: User, *, within_days: int = 14) -> QuerySet[Article]:
    limit = timezone.localdate() + timedelta(days=within_days)
    return (
        Article.objects.filter(
            client__in=managed_clients(user), status=ArticleStatus.PUBLISHED, verify_by__lte=limit
        )
        .select_related("client", "owner")
        .order_by("verify_by")
    )


def due_for_verification_head(user: User, *, limit: int) -> tuple[Sequence[Article], int]:
    """The first `limit` articles due for verification (title and date) and how many are due, in
    one query."""
    due = due_for_verification(user).select_related(None).only("pk", "title", "verify_by")
    head = list(due.annotate(due_total=Window(Count("pk")))[:limit])
    return head, (int(head[0].due_total) if head else 0)


def recently_updated(user: User, *, limit: int = 6) -> list[Article]:
    """The latest published articles, with what their lists show: title, client name, date."""
    return list(
        articles_for(user, status=ArticleStatus.PUBLISHED)
        .select_related(None)
        .select_related("client")
        .only("pk", "title", "published_at", "client", "client__name")
        .order_by("-published_at", "-pk")[:limit]
    )


def feedback_for(user: User, article: Article) -> ArticleFeedback | None:
    return ArticleFeedback.objects.filter(article=article, user=user).first()


def feedback_counts(article: Article) -> dict[str, int]:
    counts = article.feedback.aggregate(
        n_helpful=Count("pk", filter=Q(helpful=True)), n_unhelpful=Count("pk", filter=Q(helpful=False))
    )
    return {"helpful": counts["n_helpful"] or 0, "unhelpful": counts["n_unhelpful"] or 0}


def helpfulness_scores(article_ids: list[int]) -> dict[int, float]:
    """Search's tie-breaker: the lower bound of the 95% Wilson interval of the share of "helpful"
    votes, so one vote counts for less than many (1 of 1 → 0.21, 20 of 22 → 0.72). No votes → 0."""
    rows = (
        ArticleFeedback.objects.filter(article_id__in=article_ids)
        .values("article_id")
        .annotate(up=Count("pk", filter=Q(helpful=True)), n=Count("pk"))
    )
    z = 1.96
    scores = {}
    for row in rows:
        n, share = row["n"], row["up"] / row["n"]
        centre = share + z * z / (2 * n)
        spread = z * ((share * (1 - share) + z * z / (4 * n)) / n) ** 0.5
        scores[row["article_id"]] = max(0.0, (centre - spread) / (1 + z * z / n))
    return scores


@dataclass
class FeedbackSummary:
    articles: Sequence[Article] = field(default_factory=list)
    comments: list[ArticleFeedback] = field(default_factory=list)


def feedback_summary(user: User, client: ClientCompany) -> FeedbackSummary:
    """Managers' view: articles with feedback counts (least helpful first) and recent comments."""
    if not can_manage_client(user, client):
        raise Http404
    articles = list(
        Article.objects.filter(client=client)
        .annotate(
            helpful_count=Count("feedback", filter=Q(feedback__helpful=True)),
            unhelpful_count=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .filter(Q(helpful_count__gt=0) | Q(unhelpful_count__gt=0))
        .select_related("category")
        .order_by("-unhelpful_count", "helpful_count", "title")
    )
    comments = list(
        ArticleFeedback.objects.filter(article__client=client)
        .exclude(comment="")
        .select_related("article", "user")
        .order_by("-updated_at")[:50]
    )
    return FeedbackSummary(articles=articles, comments=comments)


def export_articles(user: User, client: ClientCompany) -> QuerySet[Article]:
    """What an export of a client's manual contains: the same rule as the pages."""
    if not can_manage_client(user, client):
        raise Http404
    return (
        articles_for(user, client=client).exclude(status=ArticleStatus.ARCHIVED).order_by("category", "title")
    )


def attachment_for(user: User, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("article").filter(pk=pk).first()
    if attachment is None or not articles_for(user).filter(pk=attachment.article_id).exists():
        raise Http404
    return attachment


def reminder_candidates(today: date) -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, verify_by__lte=today).select_related(
        "owner", "created_by", "client"
    )
