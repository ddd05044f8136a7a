from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClientCompany
from knowledge.search.interface import rebuild


class Command(BaseCommand):
    help = "Rebuild the Korean search index (all clients, or one with --client SLUG)."

    def add_arguments(self, parser):
        parser.add_argument("--client", metavar="SLUG", help="Only this client company.")

    def handle(self, *args, client=None, **options):
        company = None
        if client:
            company = ClientCompany.objects.filter(slug=client).first()
            if company is None:
                raise CommandError(f"Unknown client company: {client}")
        started = time.perf_counter()
        count = rebuild(company)
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} published articles in {time.perf_counter() - started:.1f}s.")
        )
