"""Restore a backup made by backup_db into an EMPTY database (the restore drill)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError

from .backup_db import pg_env


class Command(BaseCommand):
    help = "Restore a backup file into the database named by --database-url (which must be empty)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database-url", required=True, help="target, e.g. postgres://…/dasan_restore")

    def handle(self, file: Path, database_url: str, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        target = environ.Env.db_url_config(database_url)
        engine = target["ENGINE"]
        if engine.endswith("postgresql"):
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target['NAME']}", str(file)],
                env=pg_env(target),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        elif engine.endswith("sqlite3"):
            destination = Path(target["NAME"])
            if destination.exists() and destination.stat().st_size > 0:
                raise CommandError(f"{destination} is not empty; restore into a new file")
            shutil.copyfile(file, destination)
        else:
            raise CommandError(f"no restore method for {engine}")
        self.stdout.write(self.style.SUCCESS(f"restored {file} into {target['NAME']}"))
