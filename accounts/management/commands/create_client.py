from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from accounts import services


class Command(BaseCommand):
    help = "Create (or rename) a client company."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--inactive", action="store_true")

    def handle(self, slug, name, inactive, **options):
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise CommandError(f"slug: {exc.messages[0]}") from exc
        client = services.client_create(slug=slug, name=name, active=not inactive)
        self.stdout.write(self.style.SUCCESS(f"{client.slug}: {client.name}"))
