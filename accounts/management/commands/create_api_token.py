from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Print a new personal API token for a user (shown once; revocable in the web UI)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="CLI token")

    def handle(self, email, name, **options):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user with e-mail {email}")
        _token, key = services.api_token_create(user=user, name=name)
        self.stdout.write(key)
