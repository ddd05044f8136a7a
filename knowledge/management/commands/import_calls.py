"""manage.py import_calls FILE --client SLUG [--dry-run] [--valid-only]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClientCompany
from knowledge.calls import services
from knowledge.calls.importers.files import FileRejected
from knowledge.calls.models import ImportStatus


class ProgressBar:
    def __init__(self, stream, enabled: bool):
        self.stream = stream
        self.enabled = enabled

    def __call__(self, fraction: float, rows: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * min(fraction, 1.0))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:5.1%}  {rows:,} rows")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import call records for a client from a CSV (UTF-8 or CP949) or XLSX export. Any bad row: "
        "nothing is stored unless --valid-only. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--client", required=True, help="client slug")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, store nothing")
        parser.add_argument(
            "--valid-only", action="store_true", help="store the valid rows even if some are bad"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, file: Path, client: str, dry_run: bool, valid_only: bool, no_progress: bool, **options):
        company = ClientCompany.objects.filter(slug=client).first()
        if company is None:
            raise CommandError(f"client: no client company with slug '{client}'")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        bar = ProgressBar(self.stderr, enabled=not no_progress and sys.stderr.isatty())
        try:
            job = services.import_file(
                client=company, path=file, dry_run=dry_run, valid_only=valid_only, on_progress=bar
            )
        except FileRejected as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(
                f"{file.name}: cannot map the columns ({problems}). Headers: {job_headers(file)}"
            ) from exc
        bar.done()
        for error in job.error_sample:
            self.stderr.write(f"line {error['line']}: {error['field']}: {error['message']}")
        if job.rows_bad > len(job.error_sample):
            self.stderr.write(f"… {job.rows_bad - len(job.error_sample)} more bad rows in {job.errors_file}")
        summary = (
            f"{job.rows_total} rows: {job.rows_created} new, {job.rows_updated} updated, "
            f"{job.rows_unchanged} unchanged, {job.rows_bad} bad"
        )
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        if job.status == ImportStatus.REJECTED:
            raise CommandError(f"{summary}. Nothing stored (use --valid-only to store the valid rows).")
        prefix = "dry run, nothing stored: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + summary))


def job_headers(path: Path) -> str:
    from knowledge.calls.importers.files import inspect

    try:
        return ", ".join(inspect(path).headers)
    except FileRejected:
        return "?"
