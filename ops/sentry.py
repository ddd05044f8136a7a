"""Error reporting to Sentry, switched on by SENTRY_DSN (config/settings.py calls init_sentry)."""

from __future__ import annotations


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float, release: str | None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Agents' names, e-mails and call data stay out of the error reports.
        send_default_pii=False,
    )
