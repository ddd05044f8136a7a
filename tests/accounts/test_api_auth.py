"""POST /api/v1/auth/token/ and GET /api/v1/me/."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.accounts.factories import ManagerFactory, totp_code

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


def test_agent_gets_a_token_and_uses_it(api, org):
    response = api.post(
        TOKEN_URL, {"email": "agent.a@dasan.test", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED
    key = response.json()["token"]
    stored = ApiToken.objects.get(user=org["agent_a"])
    assert stored.key_hash != key and stored.key_hash == ApiToken.hash_key(key)

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    me = api.get("/api/v1/me/").json()
    assert me == {
        "id": org["agent_a"].pk,
        "email": "agent.a@dasan.test",
        "name": "김민지",
        "employee_number": org["agent_a"].employee_number,
        "role": "agent",
        "team": "상담1팀",
        "managed_teams": [],
        "clients": ["hanbit-card"],
    }


def test_me_for_a_manager_lists_managed_teams(org, as_user):
    me = as_user(org["manager_a"]).get("/api/v1/me/").json()
    assert me["team"] is None and me["managed_teams"] == ["상담1팀"] and me["role"] == "manager"


def test_bad_credentials_give_400_with_a_message(api, org):
    response = api.post(TOKEN_URL, {"email": "agent.a@dasan.test", "password": "wrong"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "incorrect" in response.json()["detail"] or "올바르지" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_missing_fields_name_the_field(api, db):
    response = api.post(TOKEN_URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"email", "password"}


def test_token_endpoint_is_rate_limited_per_account(api, org):
    for _ in range(5):
        api.post(TOKEN_URL, {"email": "agent.a@dasan.test", "password": "wrong"}, format="json")
    response = api.post(
        TOKEN_URL, {"email": "agent.a@dasan.test", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Another account from the same address is not affected.
    ok = api.post(
        TOKEN_URL, {"email": "agent.b@dasan.test", "password": "correct-horse-battery"}, format="json"
    )
    assert ok.status_code == HTTPStatus.CREATED


def test_manager_needs_the_totp_code(api, org):
    body = {"email": "manager.a@dasan.test", "password": "correct-horse-battery"}
    missing = api.post(TOKEN_URL, body, format="json")
    assert missing.status_code == HTTPStatus.BAD_REQUEST and "otp" in missing.json()
    wrong = api.post(TOKEN_URL, {**body, "otp": "000000"}, format="json")
    assert wrong.status_code == HTTPStatus.BAD_REQUEST and "otp" in wrong.json()
    good = api.post(TOKEN_URL, {**body, "otp": totp_code(org["manager_a"])}, format="json")
    assert good.status_code == HTTPStatus.CREATED


def test_manager_without_mfa_gets_no_token(api, db):
    manager = ManagerFactory(totp=False)
    response = api.post(
        TOKEN_URL, {"email": manager.email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working(api, org):
    from accounts import services

    token, key = services.api_token_create(user=org["agent_a"], name="CTI")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/me/").status_code == HTTPStatus.OK
    services.api_token_revoke(user=org["agent_a"], token_id=token.pk)
    assert api.get("/api/v1/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_me_requires_authentication(api, db):
    assert api.get("/api/v1/me/").status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_schema_and_docs_are_served_offline_to_signed_in_users(as_user, org, client):
    assert client.get("/api/schema/").status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    c = as_user(org["agent_a"])
    schema = c.get("/api/schema/")
    assert schema.status_code == HTTPStatus.OK
    assert b"/api/v1/auth/token/" in schema.content
    docs = c.get("/api/docs/")
    assert docs.status_code == HTTPStatus.OK
    assert b"cdn" not in docs.content.lower()
