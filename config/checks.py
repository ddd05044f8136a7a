"""Deployment checks of our own, run by `manage.py check --deploy` next to Django's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Login rate limits and TOTP replay protection live in the cache: every gunicorn worker must
    share it, or each worker grants its own budget of guesses."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PROCESS_LOCAL_CACHES:
        return [
            Warning(
                "The default cache is local to each process, so login rate limits and TOTP replay "
                "protection do not hold across web workers.",
                hint="Set CACHE_URL to a shared cache, e.g. rediscache://127.0.0.1:6379/1.",
                id="dasan.W001",
            )
        ]
    return []
