"""Who may see what: the one rule every app, the API, search and exports call.

- an admin sees every client company;
- a manager sees the clients served by the agents of the teams they manage (and their own);
- an agent sees the clients assigned to them.
Inactive clients are visible to admins only.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import ClientCompany, Role, User


def visible_clients(user) -> QuerySet[ClientCompany]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ClientCompany.objects.none()
    if user.is_admin:
        return ClientCompany.objects.all()
    condition = Q(assignments__user=user)
    if user.role == Role.MANAGER:
        condition |= Q(assignments__user__team__manager=user)
    return ClientCompany.objects.filter(condition, active=True).distinct()


MEMO_ATTR = "_dasan_can_see_client"


def can_see_client(user, client: ClientCompany | int) -> bool:
    client_id = client if isinstance(client, int) else client.pk
    # Within one read-only request the answer cannot change: PermissionMemoMiddleware gives that
    # request's user a memo, so the view and the search service ask the database once.
    memo = getattr(user, MEMO_ATTR, None)
    if memo is not None and client_id in memo:
        return memo[client_id]
    allowed = visible_clients(user).filter(pk=client_id).exists()
    if memo is not None:
        memo[client_id] = allowed
    return allowed


def managed_users(manager) -> QuerySet[User]:
    """The people whose requests this user decides: the members of the teams they manage."""
    if not getattr(manager, "is_authenticated", False):
        return User.objects.none()
    if manager.is_admin:
        return User.objects.filter(is_active=True)
    if manager.role != Role.MANAGER:
        return User.objects.none()
    return User.objects.filter(team__manager=manager, is_active=True).exclude(pk=manager.pk)


def manages(manager, user: User) -> bool:
    if manager.pk == user.pk:
        return False  # nobody decides on their own requests
    return managed_users(manager).filter(pk=user.pk).exists()


def can_manage_client(user, client: ClientCompany) -> bool:
    """Managers and admins who can see a client may curate its content (manuals, imports)."""
    return (user.is_admin or user.role == Role.MANAGER) and can_see_client(user, client)


def mfa_required(user) -> bool:
    return (
        getattr(user, "is_authenticated", False) and user.effective_role in settings.DASAN_MFA_REQUIRED_ROLES
    )


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_satisfied(user) -> bool:
    return not mfa_required(user) or has_mfa(user)
