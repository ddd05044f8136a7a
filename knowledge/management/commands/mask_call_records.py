"""manage.py mask_call_records [--dry-run]: mask personal data in call texts stored before imports
masked it (phone, customer, card, account and resident numbers, e-mail addresses)."""

from django.core.management.base import BaseCommand

from knowledge.calls import services


class Command(BaseCommand):
    help = "Mask personal data in the free text of call records and topics imported before masking."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = services.personal_data_mask_stored(dry_run=dry_run)
        verb = "would mask" if dry_run else "masked"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} personal data in {counts['call_records']} call record(s) and {counts['topics']} topic(s)"
            )
        )
