"""manage.py mine_topics --client SLUG [--since DATE --until DATE] [--json OUT]"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClientCompany
from knowledge.calls import services
from knowledge.calls.models import CallRecord


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Mine a client's recurring inquiry topics for a period (default: the 30 days up to the latest call)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="client slug")
        parser.add_argument("--since", help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day, YYYY-MM-DD")
        parser.add_argument("--json", dest="json_out", type=Path, help="write the topics as JSON here")

    def handle(self, client: str, since, until, json_out: Path | None, **options):
        company = ClientCompany.objects.filter(slug=client).first()
        if company is None:
            raise CommandError(f"client: no client company with slug '{client}'")
        default_since, default_until = services.default_period(company)
        start = _date(since) if since else default_since
        end = _date(until) if until else default_until
        if since and not until:
            end = max(end, start)
        try:
            run = services.mining_run_now(client=company, since=start, until=end)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        topics = list(run.topics.order_by("rank"))
        external = dict(
            CallRecord.objects.filter(pk__in=[i for t in topics for i in t.call_ids]).values_list(
                "pk", "external_id"
            )
        )
        payload = {
            "client": company.slug,
            "since": run.period_start.isoformat(),
            "until": run.period_end.isoformat(),
            "calls": run.record_count,
            "coverage": round(run.coverage, 4),
            "topics": [
                {
                    "label": t.label,
                    "size": t.size,
                    "share": round(t.share, 4),
                    "trend": None if t.trend is None else round(t.trend, 4),
                    "keywords": t.keywords,
                    "call_ids": [external[i] for i in t.call_ids if i in external],
                    "covered_by": t.covered_by_id,
                }
                for t in topics
            ],
        }
        if json_out:
            json_out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(
            f"{company.name} {run.period_start}–{run.period_end}: {run.record_count} calls, "
            f"{run.topic_count} topics, coverage {run.coverage:.0%}"
        )
        for t in topics:
            gap = "" if t.covered_by_id else "  [gap]"
            self.stdout.write(f"  {t.size:6d}  {t.share:6.1%}  {t.label}{gap}")
