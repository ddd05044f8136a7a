"""The restore drill: back up, restore into an empty database, and find every row again."""

from __future__ import annotations

import sqlite3
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from accounts import services
from tests.accounts.factories import ClientCompanyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SQLITE_ONLY = (
    "this drill is for the embedded SQLite mode; the PostgreSQL drill runs in the PostgreSQL CI pass"
)
POSTGRES_ONLY = "needs PostgreSQL (DATABASE_URL=postgres://…); CI runs the suite on PostgreSQL too"


def _some_data():
    clients = ClientCompanyFactory.create_batch(3)
    team = TeamFactory()
    users = [UserFactory(team=team, clients=clients[:2]) for _ in range(5)]
    services.notify(users, "백업 확인", email=False)
    return len(users)


def _counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {
            table: cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (introspected names)
            for table in connection.introspection.table_names()
        }


def test_sqlite_backup_restores_every_row(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(reason=SQLITE_ONLY)
    _some_data()
    dump = tmp_path / "backup.sqlite3"
    call_command("backup_db", "--output", str(dump))
    restored = tmp_path / "restored.sqlite3"
    call_command("restore_db", str(dump), "--database-url", f"sqlite:///{restored}")
    expected = _counts_here()
    with sqlite3.connect(restored) as db:
        actual = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
    assert actual == expected
    assert expected["accounts_user"] == 5


def test_postgres_backup_restores_every_row(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(reason=POSTGRES_ONLY)
    _some_data()
    dump = tmp_path / "backup.dump"
    call_command("backup_db", "--output", str(dump))
    settings = connection.settings_dict
    target = f"dasan_restore_{uuid.uuid4().hex[:8]}"
    conninfo = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        auth = f"{settings['USER']}@" if settings["USER"] else ""
        url = f"postgres://{auth}{conninfo['host']}:{conninfo['port']}/{target}"
        call_command("restore_db", str(dump), "--database-url", url)
        expected = _counts_here()
        with psycopg.connect(dbname=target, **conninfo) as db:
            actual = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
        assert actual == expected
        assert expected["accounts_user"] == 5
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "restore_db", str(tmp_path / "nope"), "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"
        )
