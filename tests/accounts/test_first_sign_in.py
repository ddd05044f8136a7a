"""A manager's first sign-in: password, then the authenticator app, then the recovery codes, then
back to the page they asked for — without a second password prompt in between."""

from __future__ import annotations

import time
from http import HTTPStatus

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.accounts.factories import ManagerFactory, UserFactory, totp_code

PASSWORD = "correct-horse-battery"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return response


def test_manager_goes_from_the_password_to_the_app_setup_and_back_to_the_page_asked_for(client, db):
    manager = ManagerFactory(totp=False)
    _sign_in(client, manager)

    asked = client.get("/knowledge/?tab=mine")
    assert asked["Location"].startswith(reverse("mfa_activate_totp"))

    setup = client.get(asked["Location"])
    assert setup.status_code == HTTPStatus.OK  # no "confirm your password" page first
    page = setup.content.decode()
    assert "company policy" in page  # why
    assert "Google Authenticator" in page and "Microsoft Authenticator" in page  # which apps
    assert "<svg" in page  # the QR code
    secret = setup.context["secret"]
    assert secret in page  # the key, for typing in

    done = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")

    codes = client.get(done["Location"])
    assert codes.status_code == HTTPStatus.OK
    assert len(codes.context["unused_codes"]) == 10
    assert codes.context["next_url"] == "/knowledge/?tab=mine"
    assert 'href="/knowledge/?tab=mine"' in codes.content.decode()
    assert b"data-print" in codes.content

    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == HTTPStatus.OK
    assert download["Content-Disposition"].startswith('attachment; filename="dasan-recovery-codes.txt"')
    assert codes.context["unused_codes"][0] in download.content.decode()

    assert client.get("/knowledge/?tab=mine").status_code == HTTPStatus.OK


def test_a_wrong_code_says_what_to_do_and_stores_nothing(client, db):
    manager = ManagerFactory(totp=False)
    _sign_in(client, manager)
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == HTTPStatus.OK
    assert "That code did not work" in response.content.decode()
    assert not Authenticator.objects.filter(user=manager).exists()


def test_a_next_address_on_another_site_is_not_followed(client, db):
    manager = ManagerFactory(totp=False)
    _sign_in(client, manager)
    setup = client.get(reverse("mfa_activate_totp") + "?next=https://evil.example/")
    client.post(reverse("mfa_activate_totp"), {"code": _code(setup.context["secret"])})
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert "evil.example" not in codes.content.decode()
    assert codes.context["next_url"] == reverse("mfa_index")


def test_changing_an_existing_setup_still_asks_for_the_password(client, org):
    manager = org["manager_a"]
    _sign_in(client, manager)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(manager)})
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == HTTPStatus.FOUND
    assert "reauthenticate" in response["Location"]


def test_a_sign_in_older_than_the_reauthentication_window_asks_again(client, db, settings):
    manager = ManagerFactory(totp=False)
    _sign_in(client, manager)
    session = client.session
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == HTTPStatus.FOUND
    assert "reauthenticate" in response["Location"]


def test_managers_may_not_switch_two_step_sign_in_off_but_agents_may(client, org, as_user):
    manager = org["manager_a"]
    from accounts.adapters import MFAAdapter

    totp = Authenticator.objects.get(user=manager, type=Authenticator.Type.TOTP)
    assert not MFAAdapter().can_delete_authenticator(totp)
    agent = UserFactory(totp=True)
    assert MFAAdapter().can_delete_authenticator(Authenticator.objects.get(user=agent, type="totp"))
