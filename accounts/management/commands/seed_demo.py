import importlib
import importlib.util

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD

# Order matters: later parts build on the people and clients made by accounts, and the call data
# on the manuals. Each module has seed(stdout=None) and is safe to run again.
DEMO_MODULES = [
    "accounts.demo",
    "knowledge.manuals.demo",
    "knowledge.calls.demo",
    "bookclub.demo",
    "wellbeing.demo",
    "reports.demo",
]


class Command(BaseCommand):
    help = "Load the demo organisation and each app's demo data. Safe to run again."

    def handle(self, **options):
        logins = []
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            result = importlib.import_module(name).seed(stdout=self.stdout)
            if name == "accounts.demo":
                logins = result
            self.stdout.write(f"  demo data: {name.removesuffix('.demo')} ✓")
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for email, role in logins:
            self.stdout.write(f"  {role:8} {email}")
        self.stdout.write("  Managers and the admin set up TOTP (an authenticator app) at their first login.")
