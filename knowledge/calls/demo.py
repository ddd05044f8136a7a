"""Demo call data: a few thousand generated call records per demo client over the last two months,
imported through the real pipeline (CSV, CP949, as a Korean call system exports it), then mined for
the last 30 days so the topics, trends and gaps pages have something to show. Idempotent and cheap
to run again (`make run` seeds at every start): calls are generated only for a client without any,
and a period is mined only when it has no finished run.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from django.db.models import Max
from django.utils import timezone

from accounts.models import ClientCompany, Role, User

from . import samples, services
from .importers.fields import KST
from .models import CallRecord, MiningRun, MiningStatus

CALLS_PER_CLIENT = 3000


def _agents(client: ClientCompany) -> list[str]:
    numbers = [
        number
        for number in User.objects.filter(assignments__client=client, role=Role.AGENT)
        .exclude(employee_number="")
        .values_list("employee_number", flat=True)
        if number is not None
    ]
    return numbers or ["EXT-001", "EXT-002"]


def seed(stdout=None) -> None:
    today = timezone.localdate()
    end = datetime.combine(today, time(), tzinfo=KST)
    start = end - timedelta(days=60)
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    for n, (slug, kind) in enumerate(samples.KIND_BY_CLIENT.items()):
        client = ClientCompany.objects.filter(slug=slug).first()
        if client is None:
            continue
        if not CallRecord.objects.filter(client=client).exists():
            with tempfile.TemporaryDirectory(prefix="dasan-demo-calls-") as tmp:
                path = Path(tmp, f"{slug}-상담이력.csv")
                with path.open("w", encoding="cp949", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(samples.CSV_HEADER)
                    for call in samples.generate(
                        kind=kind,
                        count=CALLS_PER_CLIENT,
                        start=start,
                        end=end,
                        agents=_agents(client),
                        seed=100 + n,
                        prefix=f"{slug[:2].upper()}-",
                        customers=CALLS_PER_CLIENT // 2,
                        details=True,
                    ):
                        writer.writerow(samples.as_row(call))
                job = services.import_file(client=client, path=path, by=admin, mine=False)
            if stdout is not None:
                stdout.write(f"    calls: {client.name} {job.rows_created} records imported")
        latest = CallRecord.objects.filter(client=client).aggregate(latest=Max("started_at"))["latest"]
        if latest is None:
            continue
        until = latest.astimezone(KST).date()
        since = until - timedelta(days=29)
        if MiningRun.objects.filter(
            client=client, period_start=since, period_end=until, status=MiningStatus.DONE
        ).exists():
            continue  # mined already: `make run` starts in seconds, not after a re-mine
        run = services.mining_run_now(client=client, since=since, until=until, by=admin)
        if stdout is not None:
            stdout.write(
                f"    topics: {client.name} {run.topic_count} topics, coverage {run.coverage_percent}%"
            )
