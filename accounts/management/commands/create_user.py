from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import Role


class Command(BaseCommand):
    help = "Create a staff account (agent, manager or admin)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", default="", help="team name; created if new; a manager manages it")
        parser.add_argument("--clients", default="", help="comma-separated client slugs")
        parser.add_argument("--password", default=None)
        parser.add_argument("--employee-number", default=None)

    def handle(self, email, name, role, team, clients, password, employee_number, **options):
        spec = services.UserSpec(
            email=email,
            name=name,
            role=role,
            team=team,
            clients=[s.strip() for s in clients.split(",") if s.strip()],
            password=password,
            employee_number=employee_number,
        )
        try:
            user = services.user_create(spec)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"created {user.email} ({user.role})"))
