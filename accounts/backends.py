"""Authentication backends that read the signed-in user from the shared cache.

Django loads the session's user from the database on every request. Here the row is kept in the
cache for a few minutes (core.caching) and dropped whenever the user is saved or deleted
(accounts/signals.py), so a deactivation, a role change or a new password (which ends other
sessions through the session hash) counts from the next request, as before. Writes that send no
signal (User.objects...update(), bulk_update(), delete()) bump the users version instead
(accounts.models.UserQuerySet): no caller has to remember anything.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from core.caching import VersionedCache

from .caches import USERS

USER_CACHE_SECONDS = 300
_users = VersionedCache("accounts:user", versions=(USERS,), timeout=USER_CACHE_SECONDS)


def forget_user(user_id) -> None:
    """Drop one cached user (a single row changed: cheaper than bumping everyone's)."""
    _users.forget(user_id)


class _CachedUser:
    def get_user(self, user_id):
        # super().get_user gives None when missing or inactive: nothing is stored then.
        user = _users.get_or_compute(user_id, compute=lambda: super(_CachedUser, self).get_user(user_id))
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_CachedUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_CachedUser, AllauthBackend):
    def _authenticate_by_email(self, email, password):
        """Only the login identity (User.email) signs in, never an added, unverified address."""
        if not email:
            return None
        for user in get_user_model().objects.filter(email__iexact=email.strip()):
            if self._check_password(user, password):
                return user
        return None
