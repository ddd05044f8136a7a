"""Signing in with allauth, and MFA being required for managers and admins."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.accounts.factories import ManagerFactory, UserFactory, totp_code


def test_agent_signs_in_with_email_and_password(client, org):
    response = client.post(
        reverse("account_login"), {"login": "Agent.A@dasan.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("home")).status_code == HTTPStatus.OK


def test_wrong_password_is_refused_with_a_message(client, org):
    response = client.post(reverse("account_login"), {"login": "agent.a@dasan.test", "password": "nope"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_there_is_no_open_sign_up(client, db):
    from accounts.models import User

    page = client.get(reverse("account_signup"))
    assert page.templates[0].name == "account/signup_closed.html"
    response = client.post(
        reverse("account_signup"),
        {"email": "new@dasan.test", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    assert response.templates[0].name == "account/signup_closed.html"
    assert not User.objects.filter(email="new@dasan.test").exists()


def test_failed_logins_are_limited_per_account(client, org):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "agent.a@dasan.test", "password": "nope"})
    response = client.post(
        reverse("account_login"), {"login": "agent.a@dasan.test", "password": "correct-horse-battery"}
    )
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND  # still signed out
    # A colleague at the same address is not affected.
    ok = client.post(
        reverse("account_login"), {"login": "agent.b@dasan.test", "password": "correct-horse-battery"}
    )
    assert ok.status_code == HTTPStatus.FOUND


def test_many_people_from_one_office_address_can_all_sign_in(client, db):
    """300 agents behind one NAT at 09:00: the per-IP budget must not lock the office out."""
    users = UserFactory.create_batch(40)
    for user in users:
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
        )
        assert response.status_code == HTTPStatus.FOUND, user.email
        client.logout()


def test_manager_without_totp_must_set_it_up_first(client, db):
    manager = ManagerFactory(totp=False)
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # The API says the same, with a 403.
    assert client.get("/api/v1/me/").status_code == HTTPStatus.FORBIDDEN


def test_agent_without_totp_is_not_asked_for_it(as_user, org):
    assert as_user(org["agent_a"]).get(reverse("home")).status_code == HTTPStatus.OK


def test_manager_login_asks_for_the_totp_code(client, org):
    manager = org["manager_a"]
    response = client.post(
        reverse("account_login"), {"login": manager.email, "password": "correct-horse-battery"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == HTTPStatus.FOUND  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(manager)})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("home")).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "who,expected",
    [("agent_a", HTTPStatus.FOUND), ("manager_a", HTTPStatus.FOUND), ("admin_user", HTTPStatus.OK)],
)
def test_only_admins_reach_the_admin_site(as_user, org, who, expected):
    assert as_user(org[who]).get("/admin/").status_code == expected


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


# --- Company single sign-on (OpenID Connect), configured by environment variables ---------------
OIDC = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "company",
                "name": "사내 SSO",
                "client_id": "dasan-intranet",
                "secret": "s3cret",
                "settings": {"server_url": "https://idp.example.com/.well-known/openid-configuration"},
            }
        ]
    }
}


def test_oidc_is_read_from_the_environment_and_off_without_it():
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    off = subprocess.run([sys.executable, "-c", probe], env=base, capture_output=True, text=True, check=True)
    assert json.loads(off.stdout) == {}
    env = base | {
        "OIDC_SERVER_URL": "https://idp.example.com",
        "OIDC_CLIENT_ID": "dasan-intranet",
        "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_NAME": "사내 SSO",
    }
    on = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    [app] = json.loads(on.stdout)["openid_connect"]["APPS"]
    assert app == {
        "provider_id": "company",
        "name": "사내 SSO",
        "client_id": "dasan-intranet",
        "secret": "s3cret",
        "settings": {"server_url": "https://idp.example.com"},
    }


def test_login_page_offers_company_sso_only_when_configured(client, settings, db):
    assert 'data-testid="sso"' not in client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = OIDC
    settings.LANGUAGE_CODE = "ko"
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="sso"' in page and "사내 SSO 계정으로 로그인" in page
    assert 'action="/accounts/oidc/company/login/?process=login"' in page


def test_the_sso_button_sends_the_browser_to_the_identity_provider(client, settings, db, monkeypatch):
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    settings.SOCIALACCOUNT_PROVIDERS = OIDC
    discovery = {
        "authorization_endpoint": "https://idp.example.com/authorize",
        "token_endpoint": "https://idp.example.com/token",
        "userinfo_endpoint": "https://idp.example.com/userinfo",
    }
    monkeypatch.setattr(OpenIDConnectOAuth2Adapter, "openid_config", property(lambda self: discovery))
    response = client.post("/accounts/oidc/company/login/?process=login")
    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.example.com/authorize?")
    assert "client_id=dasan-intranet" in response["Location"]


def test_sso_never_creates_accounts():
    from accounts.adapters import SocialAccountAdapter

    assert SocialAccountAdapter().is_open_for_signup(None, None) is False


# --- Recovery codes, password change and reset, sign-out ---------------------------------------
def test_a_manager_who_lost_the_phone_signs_in_once_with_each_recovery_code(client, org):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    manager = org["manager_a"]
    code = RecoveryCodes.activate(manager).get_unused_codes()[0]
    for attempt, expected_ok in ((1, True), (2, False)):
        client.post(reverse("account_login"), {"login": manager.email, "password": "correct-horse-battery"})
        client.post(reverse("mfa_authenticate"), {"code": code})
        signed_in = client.get(reverse("home")).status_code == HTTPStatus.OK
        assert signed_in is expected_ok, attempt
        client.logout()


def test_changing_the_password_needs_the_current_one(as_user, org):
    agent = org["agent_a"]
    c = as_user(agent)
    url = reverse("account_change_password")
    bad = c.post(
        url, {"oldpassword": "wrong", "password1": "new-horse-battery-9", "password2": "new-horse-battery-9"}
    )
    assert bad.status_code == HTTPStatus.OK and "oldpassword" in bad.context["form"].errors
    agent.refresh_from_db()
    assert agent.check_password("correct-horse-battery")
    ok = c.post(
        url,
        {
            "oldpassword": "correct-horse-battery",
            "password1": "new-horse-battery-9",
            "password2": "new-horse-battery-9",
        },
    )
    assert ok.status_code == HTTPStatus.FOUND
    agent.refresh_from_db()
    assert agent.check_password("new-horse-battery-9")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, org, mailoutbox):
    import re

    agent = org["agent_a"]
    response = client.post(reverse("account_reset_password"), {"email": agent.email})
    assert response.status_code == HTTPStatus.FOUND
    [message] = [m for m in mailoutbox if m.to == [agent.email]]
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == HTTPStatus.OK
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
        {"password1": "reset-horse-battery-7", "password2": "reset-horse-battery-7"},
    )
    assert done.status_code == HTTPStatus.FOUND
    agent.refresh_from_db()
    assert agent.check_password("reset-horse-battery-7")


def test_sign_out_ends_the_session(as_user, org):
    c = as_user(org["agent_a"])
    assert c.post(reverse("account_logout")).status_code == HTTPStatus.FOUND
    assert c.get(reverse("home")).status_code == HTTPStatus.FOUND


def test_the_password_reset_mail_is_in_our_own_korean_words_for_a_korean_user(client, org, mailoutbox):
    agent = org["agent_a"]
    response = client.post(
        reverse("account_reset_password"), {"email": agent.email}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == HTTPStatus.FOUND
    [message] = [m for m in mailoutbox if m.to == [agent.email]]
    assert message.subject == "[다산] 비밀번호 재설정 안내"
    assert message.body.startswith("다산 계정의 비밀번호 재설정을 요청하셨습니다.")
    assert "/accounts/password/reset/key/" in message.body and "비밀번호는 그대로 유지됩니다." in message.body
    assert "Hello from" not in message.body and "username" not in message.body


def test_a_reset_for_an_unknown_address_says_to_ask_the_administrator_not_to_sign_up(client, db, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@dasan.test"}, HTTP_ACCEPT_LANGUAGE="ko")
    [message] = mailoutbox
    assert message.subject == "[다산] 이 주소로 등록된 다산 계정이 없습니다"
    assert "nobody@dasan.test 주소로" in message.body and "관리자에게 문의해 주세요" in message.body
    assert "/signup/" not in message.body
