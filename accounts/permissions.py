"""Who may see what: the one rule every app, the API, search and exports call.

- an admin sees every client company;
- a manager sees the clients served by the agents of the teams they manage (and their own);
- an agent sees the clients assigned to them.
Inactive clients are visible to admins only.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from core.caching import VersionedCache

from .caches import PERMISSIONS
from .models import ClientCompany, Role, User


def visible_clients(user) -> QuerySet[ClientCompany]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ClientCompany.objects.none()
    if user.is_admin:
        return ClientCompany.objects.all()
    return ClientCompany.objects.filter(pk__in=sorted(visible_client_map(user)))


def _visible_from_database(user) -> QuerySet[ClientCompany]:
    condition = Q(assignments__user=user)
    if user.role == Role.MANAGER:
        condition |= Q(assignments__user__team__manager=user)
    return ClientCompany.objects.filter(condition, active=True).distinct()


# --- The shared answer ------------------------------------------------------------------------
# Every request asks which clients its user may see (the search box, every page's data). The
# answer is kept in the shared cache per user under the permission version (core.caching), which
# the model layer bumps on any change that can alter anyone's answer: saves and deletes of an
# assignment, a team, a client or a person through the receivers in accounts/signals.py, and
# update()/bulk_create()/delete() on their querysets (accounts.models.PermissionQuerySet,
# UserQuerySet). The key also holds the user's own role and flags, so a demoted or deactivated
# user never reads their old answer. Within one read-only request the answer is memoised on the
# user (PermissionMemoMiddleware).
MEMO_ATTR = "_dasan_can_see_client"
PERMISSION_CACHE_SECONDS = 600
_answers = VersionedCache("accounts:visible", versions=(PERMISSIONS,), timeout=PERMISSION_CACHE_SECONDS)


def visible_client_map(user) -> dict[int, ClientCompany]:
    """The clients `user` may see, by id: the answer the rule above gives, from the cache."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    memo = getattr(user, MEMO_ATTR, None)
    if memo is not None and "visible" in memo:
        return memo["visible"]

    def compute() -> dict[int, ClientCompany]:
        rows = ClientCompany.objects.all() if user.is_admin else _visible_from_database(user)
        return {c.pk: c for c in rows.order_by("name", "pk")}

    clients = _answers.get_or_compute(
        user.pk, user.role, int(user.is_superuser), int(user.is_active), compute=compute
    )
    if memo is not None:
        memo["visible"] = clients
    return clients


def can_see_client(user, client: ClientCompany | int) -> bool:
    client_id = client if isinstance(client, int) else client.pk
    return client_id in visible_client_map(user)


def visible_client_or_none(user, slug: str) -> ClientCompany | None:
    """The client with this slug if `user` may see it, else None: for pages that offer a choice."""
    return next((c for c in visible_client_map(user).values() if c.slug == slug), None)


def visible_client_or_404(user, slug: str) -> ClientCompany:
    """The client with this slug if `user` may see it, else Http404: for pages about one client.

    A client the user may not see answers exactly as one that does not exist.
    """
    client = visible_client_or_none(user, slug)
    if client is None:
        raise Http404("No such client.")
    return client


def permissions_changed() -> None:
    """Who may see which client may have changed, by a write the model layer cannot see (raw SQL).

    Ordinary saves, deletes and queryset writes bump the version by themselves.
    """
    PERMISSIONS.bump()


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


def personal_details_rule(viewer):
    """Who sees a colleague's mobile number and today's status (재택, 휴가…): the person, their own
    team, the people who manage them, and admins. Returns a test for one person, so a page of
    people costs one query.

    Name, photo, 직급/직책, team, e-mail and desk extension are for every member of staff.
    """
    if not getattr(viewer, "is_authenticated", False):
        return lambda person: False
    if viewer.is_admin:
        return lambda person: True
    managed = (
        set(managed_users(viewer).values_list("pk", flat=True)) if viewer.role == Role.MANAGER else set()
    )

    def visible(person) -> bool:
        return (
            person.pk == viewer.pk
            or (person.team_id is not None and person.team_id == viewer.team_id)
            or person.pk in managed
        )

    return visible


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
