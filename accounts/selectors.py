"""Reads for accounts, already filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import ApiToken, ClientCompany, Notification, Team, User
from .permissions import visible_clients  # noqa: F401  (re-exported: the one visibility rule)


def directory_search(*, query: str = "", team_id: int | None = None) -> QuerySet[User]:
    """Colleagues by name, e-mail, employee number or team. Every staff member may use the directory.
    A team's manager is found with the team, though managers are not its members."""
    qs = User.objects.filter(is_active=True).select_related("team").prefetch_related("managed_teams")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(employee_number__iexact=query)
            | Q(team__name__icontains=query)
            | Q(managed_teams__name__icontains=query)
        )
    if team_id:
        qs = qs.filter(Q(team_id=team_id) | Q(managed_teams__id=team_id))
    return qs.distinct().order_by("name")


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def latest_notifications(user: User, limit: int) -> tuple[list[Notification], int]:
    """The latest notifications and the number of unread ones, in one query (the count is a
    subquery the database evaluates once; no notification at all means none unread)."""
    unread = (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = list(
        Notification.objects.filter(recipient=user).annotate(
            unread_total=Coalesce(Subquery(unread, output_field=IntegerField()), 0)
        )[:limit]
    )
    return latest, (latest[0].unread_total if latest else 0)


def clients_and_team(user: User) -> tuple[list[ClientCompany], str | None]:
    """The clients a person serves (by name) and their team's name (None without a team), in
    one query when they serve any client."""
    team = Team.objects.filter(pk=user.team_id).order_by().values("name")
    clients = list(user.clients.order_by("name").annotate(team_name=Subquery(team)))
    if user.team_id is None:
        return clients, None
    if clients:
        return clients, clients[0].team_name
    return clients, team.values_list("name", flat=True).first()


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
