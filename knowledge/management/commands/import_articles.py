from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.uploads import ImportRejected
from knowledge.manuals import services


class Command(BaseCommand):
    help = (
        "Import manual articles from JSONL, CSV (UTF-8 or CP949) or XLSX. Any bad row: nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish the imported articles at once")

    def handle(self, *args, file: Path, publish: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = services.articles_import(
                name=file.name, data=file.read_bytes(), by=None, publish=publish
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"created {result.created}, updated {result.updated}, published {result.published}, "
                f"suggested {result.suggested}, unchanged {result.unchanged}"
            )
        )
