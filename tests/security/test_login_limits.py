"""Login rate limits: per account, never a lock-out of the office that shares one NAT address."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory

OFFICE = "203.0.113.10"
PASSWORD = "correct-horse-battery"


def _login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


@pytest.mark.django_db
def test_300_agents_behind_one_address_all_sign_in_at_nine():
    agents = UserFactory.create_batch(300)
    # A few typos on the way in, as every morning.
    typos = Client(REMOTE_ADDR=OFFICE)
    for agent in agents[:20]:
        assert _login(typos, agent.email, "wrong-password").status_code == HTTPStatus.OK
    signed_in = 0
    for agent in agents:
        client = Client(REMOTE_ADDR=OFFICE)
        response = _login(client, agent.email)
        assert response.status_code == HTTPStatus.FOUND, f"{agent.email} was refused: {response.status_code}"
        assert client.get(reverse("home")).status_code == HTTPStatus.OK
        signed_in += 1
    assert signed_in == 300


@pytest.mark.django_db
def test_repeated_failures_lock_that_account_only_even_from_many_addresses():
    victim, colleague = UserFactory.create_batch(2)
    for i in range(5):  # an attacker rotating addresses still spends the account's budget
        _login(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), victim.email, "guess")
    client = Client(REMOTE_ADDR=OFFICE)
    response = _login(client, victim.email)
    assert response.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND  # not signed in
    assert _login(Client(REMOTE_ADDR=OFFICE), colleague.email).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_the_token_endpoint_shares_the_per_account_budget():
    victim = UserFactory()
    for _ in range(5):
        _login(Client(REMOTE_ADDR=OFFICE), victim.email, "guess")
    response = Client(REMOTE_ADDR=OFFICE).post(
        "/api/v1/auth/token/", {"email": victim.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # And the other way round: guesses at the API count against the sign-in page.
    other = UserFactory()
    for _ in range(5):
        Client(REMOTE_ADDR=OFFICE).post(
            "/api/v1/auth/token/",
            {"email": other.email, "password": "guess"},
            content_type="application/json",
        )
    refused = _login(Client(REMOTE_ADDR=OFFICE), other.email)
    assert "Too many failed login attempts" in str(refused.context["form"].non_field_errors())


@pytest.mark.django_db
def test_behind_the_proxy_limits_key_on_the_client_address(settings):
    """All requests come from the proxy: the client's own address (X-Forwarded-For) is what counts,
    so a flood of failures from one outside address does not lock out the office."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    targets = UserFactory.create_batch(30)
    for _round in range(4):  # 120 failures from one address: over the 100/min per-address budget
        for user in targets:
            _login(attacker, user.email, "guess")
    refused = _login(attacker, UserFactory().email)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS or "Too many" in refused.content.decode()
    agent = UserFactory()
    office = Client(HTTP_X_FORWARDED_FOR=OFFICE, **proxy)
    assert _login(office, agent.email).status_code == HTTPStatus.FOUND
    assert User.objects.filter(pk=agent.pk, last_login__isnull=False).exists()
