"""Back up the database to one file: pg_dump (custom format) on PostgreSQL, SQLite's online backup."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone


def pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


class Command(BaseCommand):
    help = "Write a backup of the database to a file (see docs/operations.md for the restore drill)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None)
        parser.add_argument("--database", default="default")

    def handle(self, output: Path | None, database: str, **options):
        connection = connections[database]
        db = connection.settings_dict
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        backups = Path(settings.VAR_DIR) / "backups"
        if connection.vendor == "postgresql":
            output = output or backups / f"dasan-{stamp}.dump"
            output.parent.mkdir(parents=True, exist_ok=True)
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={output}", db["NAME"]],
                env=pg_env(db),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        elif connection.vendor == "sqlite":
            output = output or backups / f"dasan-{stamp}.sqlite3"
            output.parent.mkdir(parents=True, exist_ok=True)
            connection.ensure_connection()
            with sqlite3.connect(output) as target:
                connection.connection.backup(target)
        else:
            raise CommandError(f"no backup method for {connection.vendor}")
        self.stdout.write(str(output))
