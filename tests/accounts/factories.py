from __future__ import annotations

import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import ClientAssignment, ClientCompany, Role, Team, User


class ClientCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientCompany
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"고객사{n}")
    slug = factory.Sequence(lambda n: f"client-{n}")
    active = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"상담{n}팀")


def _activate_totp(user, create, extracted, default: bool) -> None:
    wanted = default if extracted is None else extracted
    if create and wanted:
        secret = wanted if isinstance(wanted, str) else generate_totp_secret()
        TOTP.activate(user, secret)
        user.totp_secret = secret


class UserFactory(factory.django.DjangoModelFactory):
    """An agent by default. `clients=[...]` assigns client companies; `totp=True` turns MFA on."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@dasan.test")
    name = factory.Sequence(lambda n: f"상담사{n}")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    role = Role.AGENT
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def clients(self, create, extracted, **kwargs):
        if create and extracted:
            for client in extracted:
                ClientAssignment.objects.get_or_create(user=self, client=client)

    totp = factory.PostGeneration(
        lambda user, create, extracted, **kw: _activate_totp(user, create, extracted, False)
    )


class ManagerFactory(UserFactory):
    role = Role.MANAGER
    name = factory.Sequence(lambda n: f"매니저{n}")
    totp = factory.PostGeneration(
        lambda user, create, extracted, **kw: _activate_totp(user, create, extracted, True)
    )


class AdminFactory(UserFactory):
    role = Role.ADMIN
    name = factory.Sequence(lambda n: f"관리자{n}")
    is_staff = True
    is_superuser = True
    totp = factory.PostGeneration(
        lambda user, create, extracted, **kw: _activate_totp(user, create, extracted, True)
    )


def totp_code(user) -> str:
    """The current TOTP code for a user made with totp=True."""
    return totp_code_for(user.totp_secret)


def totp_code_for(secret: str, *, typed: bool = False) -> str:
    """The current TOTP code for a secret. A code that a browser will type (typed=True) waits out
    the last 5 s of its window: on a loaded machine it would expire before the server checks it."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if typed and period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
