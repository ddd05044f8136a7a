"""Saves and deletes that can change who may see which client, or a cached signed-in user, bump the
cache versions (core.caching). Queryset writes that send no signal bump them in accounts.models.

A user's save also ends their API tokens when it changes the password or deactivates them, and keeps
allauth's record of the login address in step with User.email. A recovery code used to sign in
is mailed to its owner, as allauth mails its other MFA changes."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_used
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.caching import bump_on_save_and_delete

from .backends import forget_user
from .caches import PERMISSIONS
from .models import ClientAssignment, ClientCompany, Team, User

# A User save that only records a sign-in changes nobody's clients (it happens at every login).
_HARMLESS_USER_FIELDS = frozenset({"last_login"})
_CREDENTIAL_FIELDS = frozenset({"password", "is_active"})

# Assignments also cover user.clients.add()/remove()/clear(): the through model's manager does those.
for _model in (ClientAssignment, ClientCompany, Team):
    bump_on_save_and_delete(_model, PERMISSIONS)


@receiver(pre_save, sender=User)
def _user_saving(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Note whether this save changes the password or deactivates: API tokens end with either."""
    instance._dasan_revoke_tokens = False
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and not _CREDENTIAL_FIELDS & set(update_fields))
    ):
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old and (old["password"] != instance.password or (old["is_active"] and not instance.is_active)):
        instance._dasan_revoke_tokens = True


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)
    PERMISSIONS.bump()


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    forget_user(instance.pk)  # the signed-in user is cached (accounts.backends)
    if getattr(instance, "_dasan_revoke_tokens", False):
        from .services import api_tokens_revoke_all

        api_tokens_revoke_all(
            user=instance, reason="password changed" if instance.is_active else "deactivated"
        )
        instance._dasan_revoke_tokens = False
    if update_fields is None or "email" in update_fields:
        _sync_identity_address(instance)
    if created or update_fields is None or not set(update_fields) <= _HARMLESS_USER_FIELDS:
        PERMISSIONS.bump()


def _sync_identity_address(user: User) -> None:
    """User.email is the login identity; only trusted writes change it (admins, create_user, or allauth
    after the new address was verified), so allauth's record of it is verified and primary, and the
    addresses it replaced go. A pending, unverified change is left as it is."""
    from allauth.account.models import EmailAddress

    email = user.email.lower()
    current = EmailAddress.objects.filter(user=user, primary=True, verified=True).values_list(
        "email", flat=True
    )
    if list(current) == [email]:
        return
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).filter(
        Q(verified=True) | Q(primary=True)
    ).delete()
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
    )


@receiver(authenticator_used)
def _recovery_code_used(sender, request, user, authenticator, **kwargs) -> None:
    """A recovery code in use means a lost phone, or someone else holding the password and a code:
    the owner hears of it either way (allauth mails TOTP and code changes, not this)."""
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    from allauth.account.adapter import get_adapter

    # The code was marked used on a row read again under lock, not on this instance.
    remaining = len(Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes())
    get_adapter(request).send_notification_mail(
        "mfa/email/recovery_code_used", user, context={"remaining": remaining}
    )
