"""Reads for accounts, already filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import ApiToken, Notification, User
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


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
