from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by admins: there is no open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def format_email_subject(self, subject) -> str:
        """ "[다산] 비밀번호 재설정" rather than the request's host name."""
        return f"[{_('Dasan')}] {subject}"

    def get_client_ip(self, request) -> str:
        """allauth's rate limits key on the same address as every other limit (config.clientip)."""
        from config.clientip import client_ip

        return client_ip(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt while a person sets up the MFA they were just sent to.
        allauth asks for the password again before any MFA change. Right after signing in (within
        the reauthentication window) that prompt only repeats what was typed a moment ago, so it
        is skipped for the first set-up: no TOTP yet, or a TOTP created since this sign-in
        (its recovery codes). Changing an existing set-up still asks.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        request = getattr(context, "request", None)
        signed_in_at = _signed_in_at(request)
        if (
            request is None
            or signed_in_at is None
            or time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT
        ):
            return True
        return not _first_mfa_setup_since(request.user, signed_in_at)


def _signed_in_at(request) -> float | None:
    """When this session's sign-in happened (its latest non-reauthentication record)."""
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    from allauth.account.internal.flows.login import get_authentication_records

    times = [
        r["at"] for r in get_authentication_records(request, request.user) if not r.get("reauthenticated")
    ]
    return max(times) if times else None


def _first_mfa_setup_since(user, signed_in_at: float) -> bool:
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return totp is None or totp.created_at.timestamp() >= signed_in_at


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA behaviour with our own words for its errors."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code did not work. Enter the 6-digit code your app shows now "
            "(it changes every 30 seconds); if it still fails, check that your phone's clock is set automatically."
        ),
        "cannot_delete_authenticator": _("Managers and administrators must keep two-step sign-in on."),
        "cannot_generate_recovery_codes": _(
            "Set up the authenticator app first; recovery codes come with it."
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        from .permissions import mfa_required

        return not mfa_required(authenticator.user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company SSO logs in existing staff (matched by e-mail); it never creates accounts."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def authenticate_by_email(self, sociallogin):
        """Match the IdP's verified address against each person's login identity only.

        allauth would also match addresses someone added but never verified: a new hire's address
        left pending by a colleague would sign the new hire into the colleague's account.
        """
        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            users = list(
                get_user_model().objects.filter(email__iexact=address.email.strip(), is_active=True)[:2]
            )
            if len(users) == 1:
                return users[0], address.email
        return None


def has_company_identity(user) -> bool:
    """People who sign in through the company IdP: their address belongs to the IdP, admins change it."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user).exists()
