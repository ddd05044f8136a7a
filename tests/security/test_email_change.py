"""Issue 18, item 2: the login e-mail changes only to a verified address, after the password."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

PASSWORD = "correct-horse-battery"


def _signed_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return client


def _can_log_in(client, login: str) -> bool:
    client.logout()
    client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    return client.get(reverse("home")).status_code == HTTPStatus.OK


def test_adding_then_making_primary_an_unverified_address_changes_nothing(client, org):
    """The red-team path: action_add then action_primary must not make the address the identity."""
    agent = org["agent_a"]
    _signed_in(client, agent)
    client.post(reverse("account_email"), {"action_add": "", "email": "ceo@dasan.test"})
    client.post(reverse("account_email"), {"action_primary": "", "email": "ceo@dasan.test"})

    agent.refresh_from_db()
    assert agent.email == "agent.a@dasan.test"
    assert not EmailAddress.objects.filter(user=agent, email="ceo@dasan.test", primary=True).exists()
    assert not EmailAddress.objects.filter(email="ceo@dasan.test", verified=True).exists()
    # Whatever is pending is no login identity: neither for the agent nor blocking a real account.
    assert not _can_log_in(client, "ceo@dasan.test")
    ceo = User.objects.create_user(email="ceo@dasan.test", password=PASSWORD, name="CEO")
    assert _can_log_in(client, "ceo@dasan.test")
    assert client.get(reverse("home")).context["user"] == ceo


def test_a_change_needs_the_password_and_the_link_sent_to_the_new_address(client, org):
    agent = org["agent_a"]
    client.force_login(agent)  # signed in long ago: no recent password
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new.a@dasan.test"})
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_reauthenticate") in response["Location"]
    assert not EmailAddress.objects.filter(email="new.a@dasan.test").exists()

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    mail.outbox.clear()
    client.post(reverse("account_email"), {"action_add": "", "email": "new.a@dasan.test"})
    pending = EmailAddress.objects.get(user=agent, email="new.a@dasan.test")
    assert not pending.verified and not pending.primary
    agent.refresh_from_db()
    assert agent.email == "agent.a@dasan.test"  # still the old identity until verified
    (message,) = [m for m in mail.outbox if m.to == ["new.a@dasan.test"]]

    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body).group(1)
    client.post(reverse("account_confirm_email", args=[key]))
    agent.refresh_from_db()
    assert agent.email == "new.a@dasan.test"
    assert list(EmailAddress.objects.filter(user=agent).values_list("email", "verified", "primary")) == [
        ("new.a@dasan.test", True, True)
    ]


def test_company_sso_users_cannot_change_their_address_themselves(client, org):
    from allauth.socialaccount.models import SocialAccount

    agent = org["agent_a"]
    SocialAccount.objects.create(user=agent, provider="company", uid="sub-1")
    _signed_in(client, agent)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new.a@dasan.test"}, follow=True
    )
    assert "comes from the company sign-in" in response.content.decode()
    assert not EmailAddress.objects.filter(email="new.a@dasan.test").exists()


def test_sso_auto_connect_matches_only_the_login_identity(org):
    """A later SSO user whose address someone left pending must not land in that someone's account."""
    from types import SimpleNamespace

    from accounts.adapters import SocialAccountAdapter

    agent = org["agent_a"]
    EmailAddress.objects.create(user=agent, email="newhire@dasan.test", verified=False, primary=False)
    provider = SimpleNamespace(app=None, get_settings=dict)
    sociallogin = SimpleNamespace(
        provider=provider, email_addresses=[SimpleNamespace(email="newhire@dasan.test", verified=True)]
    )
    assert SocialAccountAdapter().authenticate_by_email(sociallogin) is None

    sociallogin.email_addresses = [SimpleNamespace(email="Agent.A@dasan.test", verified=True)]
    assert SocialAccountAdapter().authenticate_by_email(sociallogin) == (agent, "Agent.A@dasan.test")
    sociallogin.email_addresses = [SimpleNamespace(email="agent.a@dasan.test", verified=False)]
    assert SocialAccountAdapter().authenticate_by_email(sociallogin) is None


def test_an_admin_changes_an_address_and_it_becomes_the_verified_identity(org):
    agent = org["agent_a"]
    assert list(EmailAddress.objects.filter(user=agent).values_list("email", "verified", "primary")) == [
        ("agent.a@dasan.test", True, True)
    ]
    agent.email = "renamed.a@dasan.test"
    agent.save()
    assert list(EmailAddress.objects.filter(user=agent).values_list("email", "verified", "primary")) == [
        ("renamed.a@dasan.test", True, True)
    ]


pytestmark = pytest.mark.django_db
