from __future__ import annotations

from functools import cache

from django.db import connection


@cache
def get_backend():
    """One backend per process, chosen by the database vendor."""
    from .naive import NaiveBackend
    from .postgres import PostgresBackend
    from .sqlite import SQLiteBackend

    return {"postgresql": PostgresBackend, "sqlite": SQLiteBackend}.get(connection.vendor, NaiveBackend)()
