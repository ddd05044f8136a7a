"""Who may see what: the one rule every app, the API, search and exports call.

- an admin sees every client company;
- a manager sees the clients served by the agents of the teams they manage (and their own);
- an agent sees the clients assigned to them.
Inactive clients are visible to admins only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

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
# answer is kept in the shared cache per user under a permission version; any change that can
# alter anyone's answer (an assignment, a team's manager or members, a client's active flag, a
# person's role) sets a new version before and after its transaction commits: see
# permissions_changed() and the receivers in accounts/signals.py. The key also holds the user's
# own role and flags, so a demoted or deactivated user never reads their old answer. Within one
# read-only request the answer is memoised on the user (PermissionMemoMiddleware).
MEMO_ATTR = "_dasan_can_see_client"
_VERSION_KEY = "accounts:permissions:version"
PERMISSION_CACHE_SECONDS = 600


def visible_client_map(user) -> dict[int, ClientCompany]:
    """The clients `user` may see, by id: the answer the rule above gives, from the cache."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    memo = getattr(user, MEMO_ATTR, None)
    if memo is not None and "visible" in memo:
        return memo["visible"]
    key = (
        f"accounts:visible:{_version()}:{user.pk}:{user.role}:{int(user.is_superuser)}:{int(user.is_active)}"
    )
    clients = cache.get(key)
    if clients is None:
        rows = ClientCompany.objects.all() if user.is_admin else _visible_from_database(user)
        clients = {c.pk: c for c in rows.order_by("name", "pk")}
        cache.set(key, clients, PERMISSION_CACHE_SECONDS)
    if memo is not None:
        memo["visible"] = clients
    return clients


def can_see_client(user, client: ClientCompany | int) -> bool:
    client_id = client if isinstance(client, int) else client.pk
    return client_id in visible_client_map(user)


def permissions_changed() -> None:
    """Who may see which client may have changed: every cached answer is dropped.

    Called by the signal receivers for ordinary saves and deletes, and by hand after writes that
    send no signals (bulk_create, QuerySet.update). The version changes at once (this
    transaction's own later reads see the change) and again after commit (a request that read the
    old rows meanwhile cached them under a version nobody asks for any more).
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(_VERSION_KEY, version, None)
    return version


def _version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(_VERSION_KEY)
    return version


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
