from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from core.uploads import ImportRejected


class Command(BaseCommand):
    help = (
        "Create users from a CSV file with columns "
        "email,name,role[,team,clients,password,employee_number,phone,hire_date,position,job_title,extension]. "
        "Any bad row: nothing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            users = services.users_import_csv(data=data, name=file.name)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was imported.") from exc
        self.stdout.write(self.style.SUCCESS(f"created {len(users)} user(s)"))
