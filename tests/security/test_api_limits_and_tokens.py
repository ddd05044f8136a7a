"""Issue 18, item 5: API throttles as documented, the client address only from trusted proxies,
tokens that expire and end with a password change or a deactivation."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _me(key: str, **extra):
    return Client(**extra).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_token_rate_holds_token_calls(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"token": "5/min", "token_mint": "5/min"}
    }
    user = UserFactory()
    _token, key = api_token_create(user=user, name="CTI")
    statuses = [_me(key).status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3
    # Another person's token has its own budget; the web pages' session calls are not held by it.
    _other, other_key = api_token_create(user=UserFactory(), name="CTI")
    assert _me(other_key).status_code == 200
    session = Client()
    session.force_login(user)
    assert all(session.get("/api/v1/me/").status_code == 200 for _ in range(8))


def test_token_minting_is_throttled_per_client_address(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"token": "5/min", "token_mint": "5/min"}
    }
    user = UserFactory()
    body = {"email": user.email, "password": PASSWORD}
    c = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        c.post("/api/v1/auth/token/", body, content_type="application/json").status_code for _ in range(7)
    ]
    assert statuses[:5] == [201] * 5 and statuses[5:] == [429, 429]
    assert ApiToken.objects.filter(user=user).count() == 5
    # A forged X-Forwarded-For from a client that is not a trusted proxy changes nothing.
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert forged.post("/api/v1/auth/token/", body, content_type="application/json").status_code == 429


def test_device_registration_throttle_ignores_forwarded_for_from_untrusted_clients(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    url = "/api/v1/wellbeing/devices/register/"
    for i in range(30):
        Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").post(
            url, {}, content_type="application/json", HTTP_AUTHORIZATION="Register nope"
        )
    spoofed = Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert spoofed.post(url, {}, content_type="application/json").status_code == 429
    # Through the trusted proxy the client's own address counts: another office is not blocked.
    via_proxy = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.201")
    assert via_proxy.post(url, {}, content_type="application/json").status_code == 401


def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(settings, rf):
    from config.clientip import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert (
        client_ip(rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "198.51.100.1"
    )
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "1.2.3.4"
    # The client's own (forged) entries sit left of what the proxy appended: never reached.
    forged = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.9")
    assert client_ip(forged) == "1.2.3.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.2"


def test_tokens_expire_after_the_configured_days(settings):
    settings.API_TOKEN_DAYS = 90
    user = UserFactory()
    token, key = api_token_create(user=user, name="CTI")
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert _me(key).status_code == HTTPStatus.UNAUTHORIZED
    assert _me(key).status_code == HTTPStatus.OK


def test_a_password_change_or_a_deactivation_revokes_every_token():
    user = UserFactory()
    _t, key = api_token_create(user=user, name="CTI")
    user.set_password("a-brand-new-password-1")
    user.save()
    assert _me(key).status_code == HTTPStatus.UNAUTHORIZED
    _t2, key2 = api_token_create(user=user, name="CTI 2")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert _me(key2).status_code == HTTPStatus.UNAUTHORIZED


def test_changing_the_password_on_the_page_revokes_tokens(client):
    user = UserFactory()
    _t, key = api_token_create(user=user, name="CTI")
    client.force_login(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another-long-pass-9", "password2": "another-long-pass-9"},
    )
    assert _me(key).status_code == HTTPStatus.UNAUTHORIZED


def test_the_tokens_page_lists_expiry_and_revokes(client):
    user = UserFactory()
    token, _key = api_token_create(user=user, name="CTI")
    client.force_login(user)
    page = client.get(reverse("accounts:api_tokens")).content.decode()
    assert token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page
    assert 'data-testid="token-expires"' in page
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token: 404, untouched.
    other, _ = api_token_create(user=UserFactory(), name="x")
    assert client.post(reverse("accounts:api_token_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
