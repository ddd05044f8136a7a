from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by admins: there is no open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """allauth's rate limits key on the same address as every other limit (config.clientip)."""
        from config.clientip import client_ip

        return client_ip(request)


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
