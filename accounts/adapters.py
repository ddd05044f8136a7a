from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by admins: there is no open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company SSO logs in existing staff (matched by e-mail); it never creates accounts."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
