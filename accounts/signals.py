"""Saves and deletes that can change who may see which client, or a cached signed-in user, bump the
cache versions (core.caching). Queryset writes that send no signal bump them in accounts.models."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.caching import bump_on_save_and_delete

from .backends import forget_user
from .caches import PERMISSIONS
from .models import ClientAssignment, ClientCompany, Team, User

# A User save that only records a sign-in changes nobody's clients (it happens at every login).
_HARMLESS_USER_FIELDS = frozenset({"last_login"})

# Assignments also cover user.clients.add()/remove()/clear(): the through model's manager does those.
for _model in (ClientAssignment, ClientCompany, Team):
    bump_on_save_and_delete(_model, PERMISSIONS)


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)
    PERMISSIONS.bump()


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    forget_user(instance.pk)  # the signed-in user is cached (accounts.backends)
    if created or update_fields is None or not set(update_fields) <= _HARMLESS_USER_FIELDS:
        PERMISSIONS.bump()
