"""Authentication backends that read the signed-in user from the shared cache.

Django loads the session's user from the database on every request. Here the row is kept in the
cache for a few minutes and dropped whenever the user is saved or deleted (accounts/signals.py),
so a deactivation, a role change or a new password (which ends other sessions through the
session hash) counts from the next request, as before. Writes that send no signal must call
forget_user() (none in this code base updates users in bulk).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction

USER_CACHE_SECONDS = 300


def _key(user_id) -> str:
    return f"accounts:user:{user_id}"


def forget_user(user_id) -> None:
    cache.delete(_key(user_id))
    # Once more after commit: a request that read the old row meanwhile may have cached it.
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


class _CachedUser:
    def get_user(self, user_id):
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)  # None when missing or inactive
            if user is None:
                return None
            cache.set(_key(user_id), user, USER_CACHE_SECONDS)
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
