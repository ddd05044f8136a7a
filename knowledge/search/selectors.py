"""Reads for search and call mode, already filtered by what the asking user may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import ClientAssignment, ClientCompany, Role, User
from accounts.permissions import (
    can_manage_client,
    can_see_client,
    visible_client_map,
    visible_client_or_404,
    visible_clients,
)
from knowledge.models import (
    Article,
    ArticleStatus,
    ClientPreference,
    LearnedExpression,
    SearchLog,
    SynonymGroup,
)

RECENT_KEEP = 8


def call_clients(user: User) -> list[ClientCompany]:
    """The clients an agent can take calls for, in a stable order (the order of the Alt+N hotkeys)."""
    return list(visible_client_map(user).values())  # already by name


def current_client(user: User, clients: list[ClientCompany], slug: str | None = None) -> ClientCompany | None:
    """The client named in the URL, else the one the user used last in call mode, else the one they were
    assigned first, else the first visible one."""
    by_slug = {c.slug: c for c in clients}
    if slug:
        if slug not in by_slug:
            raise Http404("No such client.")
        return by_slug[slug]
    remembered = (
        ClientPreference.objects.filter(user=user, kind="current")
        .values_list("client__slug", flat=True)
        .first()
    )
    if remembered in by_slug:
        return by_slug[remembered]
    # Never used yet: the client they were assigned first, not the alphabetically first.
    first_assigned = (
        ClientAssignment.objects.filter(user=user, client__slug__in=list(by_slug))
        .order_by("created_at", "pk")
        .values_list("client__slug", flat=True)
        .first()
    )
    return (by_slug.get(first_assigned) if first_assigned else None) or (clients[0] if clients else None)


def visible_client(user: User, slug: str) -> ClientCompany:
    return visible_client_or_404(user, slug)


def visible_article(user: User, pk: int) -> Article:
    """A published article of a client the user may see, or 404."""
    article = Article.objects.published().select_related("client", "category").filter(pk=pk).first()
    if article is None or not can_see_client(user, article.client_id):
        raise Http404("No such article.")
    return article


def pinned_articles(user: User, client: ClientCompany) -> list[Article]:
    return _preferred(user, client, "pinned")


def recent_articles(user: User, client: ClientCompany) -> list[Article]:
    return _preferred(user, client, "recent")[:RECENT_KEEP]


def _preferred(user: User, client: ClientCompany, kind: str) -> list[Article]:
    ids = list(user_prefs(user, client, kind).values_list("article_id", flat=True)[:20])
    articles = Article.objects.filter(pk__in=ids, status=ArticleStatus.PUBLISHED, client=client)
    by_id = {a.pk: a for a in articles.select_related("category")}
    return [by_id[i] for i in ids if i in by_id]


def user_prefs(user: User, client: ClientCompany, kind: str) -> QuerySet[ClientPreference]:
    return ClientPreference.objects.filter(user=user, client=client, kind=kind, article__isnull=False)


def is_pinned(user: User, article: Article) -> bool:
    return user_prefs(user, article.client, "pinned").filter(article=article).exists()


# --- Managers ---------------------------------------------------------------------------------


def managed_clients(user: User) -> QuerySet[ClientCompany]:
    """Clients whose search vocabulary and gaps this user curates (managers of them, admins)."""
    if not (user.is_admin or user.role == Role.MANAGER):
        return ClientCompany.objects.none()
    return visible_clients(user).order_by("name")


class ZeroResultQuery(TypedDict):
    query: str
    times: int
    agents: int
    last: datetime


def zero_result_queries(user: User, client: ClientCompany, *, days: int = 30) -> list[ZeroResultQuery]:
    """Queries that found nothing for `client`, most frequent first: the gaps in the manual."""
    if not can_manage_client(user, client):
        raise Http404("No such client.")
    since = timezone.now() - timedelta(days=days)
    return list(
        SearchLog.objects.filter(client=client, result_count=0, created_at__gte=since)
        .values("query")
        .annotate(times=Count("id"), agents=Count("user", distinct=True), last=Max("created_at"))
        .order_by("-times", "-last")[:200]
    )


def synonym_groups_for(user: User) -> QuerySet[SynonymGroup]:
    """Global groups and those of the clients the user may curate."""
    return SynonymGroup.objects.filter(
        Q(client__isnull=True) | Q(client__in=managed_clients(user))
    ).select_related("client", "created_by")


def can_edit_synonym_group(user: User, group: SynonymGroup) -> bool:
    if group.client is None:  # a global group (no query: client_id is None)
        return user.is_admin
    return can_manage_client(user, group.client)


def learned_expression(user: User, pk: int) -> LearnedExpression:
    """An active learned expression of a client the user manages (404 if they cannot see it,
    403 if they see but do not manage it)."""
    expression = (
        LearnedExpression.objects.select_related("article", "client")
        .filter(pk=pk, removed_at__isnull=True)
        .first()
    )
    if expression is None or not can_see_client(user, expression.client):
        raise Http404("No such expression.")
    if not can_manage_client(user, expression.client):
        raise PermissionDenied
    return expression


def learned_expressions(user: User, article: Article) -> list[LearnedExpression]:
    """The article's active learned customer expressions, for its managers (empty for others)."""
    if not can_manage_client(user, article.client):
        return []
    return list(LearnedExpression.objects.filter(article=article, removed_at__isnull=True)[:60])


def article_by_reference(client: ClientCompany, reference: str) -> Article | None:
    """A published article of `client` by id, external id or exact title."""
    reference = reference.strip()
    if not reference:
        return None
    articles = Article.objects.published().filter(client=client)
    found = articles.filter(Q(external_id=reference) | Q(title=reference)).order_by("pk").first()
    if found is None and reference.isdigit():
        found = articles.filter(pk=int(reference)).first()
    return found


def published_titles(client: ClientCompany) -> list[str]:
    return list(
        Article.objects.published()
        .filter(client=client)
        .order_by("title")
        .values_list("title", flat=True)[:500]
    )
