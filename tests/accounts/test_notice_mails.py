"""The mails sent after a security change (2-step sign-in on or off, recovery codes made or used,
password reset, company sign-in connected or not) are in our own words, like every account mail:
subject "[다산] …", Korean for a Korean request, where the change came from, nothing of allauth's.

allauth sends some of them once its transaction commits (inside the request): those tests commit
for real (transaction=True), so the mail is rendered where it is in production."""

from __future__ import annotations

import time
from http import HTTPStatus
from pathlib import Path

import allauth
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import ManagerFactory, UserFactory, totp_code

PASSWORD = "correct-horse-battery"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Phrases of allauth's own mails (its base notification, its MFA and account wording).
ALLAUTH_WORDING = (
    "You are receiving this",
    "If you do not recognize this change",
    "take proper security precautions",
    "Authenticator App",
    "Two-Factor Authentication",
    "Hello from",
    "Thank you for using",
)
WHERE_FROM = "본인이 한 일이 아니라면 바로 비밀번호를 바꾸고 관리자에게 알려 주세요."


def _mails_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def _in_our_words(message) -> None:
    assert message.subject.startswith("[다산] ")
    for phrase in ALLAUTH_WORDING:
        assert phrase not in message.subject and phrase not in message.body, phrase
    assert "이 메일은 자동으로 발송되었으며" in message.body  # our footer


def _sign_in(client, user, *, code: str | None = None) -> None:
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == HTTPStatus.FOUND
    if code is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        client.post(reverse("mfa_authenticate"), {"code": code}, HTTP_ACCEPT_LANGUAGE="ko")
    assert client.get(reverse("home")).status_code == HTTPStatus.OK


def _password_again(client) -> None:
    """allauth asks for the password again before changing an existing 2-step sign-in."""
    response = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == HTTPStatus.FOUND


# --- Every mail allauth has a template for is overridden ---------------------------------------
def _allauth_mail_templates() -> list[str]:
    return sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES))
        for path in ALLAUTH_TEMPLATES.glob("*/email/*")
        if path.is_file() and path.name != "base_message.txt"
    )


def test_allauth_mail_templates_are_listed():
    names = _allauth_mail_templates()
    # The list the next test walks is allauth's real one, not an empty glob.
    assert "mfa/email/totp_activated_message.txt" in names
    assert "socialaccount/email/account_connected_subject.txt" in names
    assert len(names) >= 40


@pytest.mark.parametrize("name", _allauth_mail_templates())
def test_every_mail_template_of_allauth_is_overridden_by_ours(name):
    origin = Path(get_template(name).origin.name)
    ours = Path(settings.BASE_DIR) / "templates"
    assert origin.is_relative_to(ours), (
        f"{name} still comes from allauth ({origin}): write ours in templates/"
    )


# --- Notices triggered by what a person does ---------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_turning_on_two_step_sign_in_mails_a_notice(client, mailoutbox):
    agent = UserFactory()
    _sign_in(client, agent)
    setup = client.get(reverse("mfa_activate_totp"), HTTP_ACCEPT_LANGUAGE="ko")
    code = format_hotp_value(hotp_value(setup.context["secret"], int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == HTTPStatus.FOUND
    # One mail: the recovery codes that come with the app are part of the same change.
    [message] = _mails_to(mailoutbox, agent)
    assert message.subject == "[다산] 2단계 인증이 설정되었습니다"
    assert message.body.startswith("다산 계정에 2단계 인증이 설정되었습니다.")
    assert "6자리 코드" in message.body and WHERE_FROM in message.body
    assert "- IP 주소: 127.0.0.1" in message.body
    _in_our_words(message)


def test_turning_off_two_step_sign_in_mails_a_notice(client, db, mailoutbox):
    agent = UserFactory(totp=True)
    _sign_in(client, agent, code=totp_code(agent))
    _password_again(client)
    mailoutbox.clear()
    response = client.post(reverse("mfa_deactivate_totp"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()
    [message] = _mails_to(mailoutbox, agent)
    assert message.subject == "[다산] 2단계 인증이 해제되었습니다"
    assert message.body.startswith("다산 계정의 2단계 인증이 해제되었습니다.")
    assert "비밀번호만으로 로그인됩니다" in message.body and WHERE_FROM in message.body
    _in_our_words(message)


def test_a_manager_may_not_turn_it_off_and_gets_no_notice(client, db, mailoutbox):
    manager = ManagerFactory()
    _sign_in(client, manager, code=totp_code(manager))
    _password_again(client)
    mailoutbox.clear()
    client.post(reverse("mfa_deactivate_totp"), HTTP_ACCEPT_LANGUAGE="ko")
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert _mails_to(mailoutbox, manager) == []


@pytest.mark.django_db(transaction=True)
def test_making_new_recovery_codes_mails_a_notice(client, mailoutbox):
    manager = ManagerFactory()
    old = RecoveryCodes.activate(manager).get_unused_codes()
    _sign_in(client, manager, code=totp_code(manager))
    _password_again(client)
    mailoutbox.clear()
    response = client.post(reverse("mfa_generate_recovery_codes"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == HTTPStatus.FOUND
    new = Authenticator.objects.get(user=manager, type=Authenticator.Type.RECOVERY_CODES)
    assert set(new.wrap().get_unused_codes()).isdisjoint(old)
    [message] = _mails_to(mailoutbox, manager)
    assert message.subject == "[다산] 복구 코드가 새로 발급되었습니다"
    assert message.body.startswith("다산 계정의 복구 코드가 새로 발급되었습니다.")
    assert "이전 복구 코드는 더 이상 쓸 수 없으니" in message.body and WHERE_FROM in message.body
    _in_our_words(message)


def test_signing_in_with_a_recovery_code_mails_a_notice_with_the_codes_left(client, db, mailoutbox):
    manager = ManagerFactory()
    code = RecoveryCodes.activate(manager).get_unused_codes()[0]
    _sign_in(client, manager, code=code)
    [message] = _mails_to(mailoutbox, manager)
    assert message.subject == "[다산] 복구 코드가 사용되었습니다"
    assert message.body.startswith("다산 계정에서 인증 앱 대신 복구 코드가 사용되었습니다.")
    assert "남은 코드는 9개입니다." in message.body
    assert "휴대폰을 잃어버리셨다면" in message.body and WHERE_FROM in message.body
    _in_our_words(message)


def test_signing_in_with_the_app_mails_nothing(client, db, mailoutbox):
    manager = ManagerFactory()
    RecoveryCodes.activate(manager)
    _sign_in(client, manager, code=totp_code(manager))
    assert _mails_to(mailoutbox, manager) == []


def test_a_notice_is_in_english_for_an_english_request(client, db, mailoutbox):
    manager = ManagerFactory()
    code = RecoveryCodes.activate(manager).get_unused_codes()[0]
    client.post(
        reverse("account_login"), {"login": manager.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    client.post(reverse("mfa_authenticate"), {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    [message] = _mails_to(mailoutbox, manager)
    assert message.subject == "[Dasan] A recovery code was used"
    assert message.body.startswith(
        "A recovery code of your Dasan account was used instead of the authenticator app. "
        "Each code works once: 9 are left."
    )
    assert "If this was not you, change your password at once" in message.body
    for phrase in ALLAUTH_WORDING:
        assert phrase not in message.body, phrase


def test_resetting_the_password_mails_a_notice_after_the_link(client, org, mailoutbox):
    import re

    agent = org["agent_a"]
    client.post(reverse("account_reset_password"), {"email": agent.email}, HTTP_ACCEPT_LANGUAGE="ko")
    [link_mail] = _mails_to(mailoutbox, agent)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", link_mail.body).group(0)
    form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True, HTTP_ACCEPT_LANGUAGE="ko")
    mailoutbox.clear()
    client.post(
        form.redirect_chain[-1][0],
        {"password1": "reset-horse-battery-7", "password2": "reset-horse-battery-7"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    [message] = _mails_to(mailoutbox, agent)
    assert message.subject == "[다산] 비밀번호가 재설정되었습니다"
    assert message.body.startswith("이 주소로 보낸 링크를 통해 다산 계정의 비밀번호가 재설정되었습니다.")
    assert WHERE_FROM in message.body
    _in_our_words(message)


OIDC = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "company",
                "name": "사내 SSO",
                "client_id": "dasan-intranet",
                "secret": "s3cret",
                "settings": {"server_url": "https://idp.example.com"},
            }
        ]
    }
}


def test_connecting_and_disconnecting_company_sign_in_mails_notices(client, db, settings, mailoutbox, rf):
    from allauth.core import context
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from django.contrib.sessions.backends.cache import SessionStore

    settings.SOCIALACCOUNT_PROVIDERS = OIDC
    agent = UserFactory()
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="ko")
    request.user, request.session = agent, SessionStore()
    with context.request_context(request), translation.override("ko"):
        SocialLogin(account=SocialAccount(provider="company", uid="kim-123")).connect(request, agent)
    [connected] = _mails_to(mailoutbox, agent)
    assert connected.subject == "[다산] 사내 SSO 계정이 연결되었습니다"
    assert connected.body.startswith("다산 계정이 사내 SSO 계정과 연결되었습니다.")
    _in_our_words(connected)

    _sign_in(client, agent)
    _password_again(client)
    mailoutbox.clear()
    account = SocialAccount.objects.get(user=agent)
    response = client.post(
        reverse("socialaccount_connections"), {"account": account.pk}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not SocialAccount.objects.filter(user=agent).exists()
    [disconnected] = _mails_to(mailoutbox, agent)
    assert disconnected.subject == "[다산] 사내 SSO 계정 연결이 해제되었습니다"
    assert disconnected.body.startswith("다산 계정과 사내 SSO 계정의 연결이 해제되었습니다.")
    _in_our_words(disconnected)


# --- Mails for features we keep off: rendered, so they are ready in our words if switched on -----
@pytest.mark.parametrize(
    "prefix,context,subject,start",
    [
        ("mfa/email/webauthn_added", {}, "보안 키가 추가되었습니다", "다산 계정에 2단계 인증용 보안 키가"),
        ("mfa/email/webauthn_removed", {}, "보안 키가 삭제되었습니다", "다산 계정에서 보안 키가 삭제"),
        ("account/email/login_code", {"code": "Q7K-2MX"}, "로그인 코드 안내", "다산에 로그인하고 있는"),
        (
            "account/email/password_reset_code",
            {"code": "Q7K-2MX"},
            "비밀번호 재설정 코드 안내",
            "다산 계정의 비밀번호 재설정을 요청하셨습니다.",
        ),
        (
            "account/email/account_already_exists",
            {"email": "kim@dasan.test", "password_reset_url": "https://dasan.test/accounts/password/reset/"},
            "이미 다산 계정이 있습니다",
            "kim@dasan.test 주소로 다산 계정을 만들려는 요청이 있었지만",
        ),
    ],
)
def test_mails_of_features_we_keep_off_are_ours_too(db, rf, prefix, context, subject, start):
    from allauth.account.adapter import get_adapter
    from allauth.core import context as allauth_context

    request = rf.get("/")
    ctx = {"ip": "10.0.0.7", "user_agent": "Chrome", "timestamp": "2026-12-07 09:00", **context}
    with allauth_context.request_context(request), translation.override("ko"):
        message = get_adapter(request).render_mail(prefix, "kim@dasan.test", ctx)
    assert message.subject == f"[다산] {subject}"
    assert message.body.startswith(start)
    for value in context.values():
        assert value in message.body
    _in_our_words(message)
