"""Start-up check: the default database is one that search has a backend for.

Registered by `KnowledgeConfig.ready()`, so `runserver`, `migrate`, `check` and CI stop with the
error naming the vendor and the supported ones; `config/wsgi.py` chooses the backend at import, so
gunicorn refuses to start as well. (Reading `vendor` opens no connection.)
"""

from __future__ import annotations

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections

from .backends import BACKENDS, unsupported


def search_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor in BACKENDS:
        return []
    return [
        checks.Error(
            unsupported(vendor),
            hint="Search runs on PostgreSQL (production) or SQLite (embedded mode).",
            id="knowledge.E001",
        )
    ]
