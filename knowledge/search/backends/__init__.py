"""Search backends: one per supported database vendor, each implementing `base.Backend`.

Any other vendor is refused at start-up (`knowledge/search/checks.py`, and `get_backend()` raises
the same error): there is no silent fallback. The naive `icontains` baseline the benchmark compares
against is not a backend; it lives in bench/naive.py.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .base import Backend
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

BACKENDS: dict[str, type[Backend]] = {
    PostgresBackend.vendor: PostgresBackend,
    SQLiteBackend.vendor: SQLiteBackend,
}


def unsupported(vendor: str) -> str:
    """The start-up error for a database search has no backend for."""
    return (
        f"Knowledge search has no backend for the database vendor {vendor!r}; "
        f"supported: {', '.join(sorted(BACKENDS))} (set DATABASE_URL to one of them)."
    )


def backend_for(vendor: str) -> Backend:
    try:
        backend_class = BACKENDS[vendor]
    except KeyError:
        raise ImproperlyConfigured(unsupported(vendor)) from None
    return backend_class()


@cache
def get_backend() -> Backend:
    """One backend per process, chosen by the database vendor."""
    return backend_for(connection.vendor)
