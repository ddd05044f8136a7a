"""Run by tests/ops/test_queues.py in its own process, against real workers and a real broker:
keep the bulk worker busy with a long import, make a shutdown notice due now, send the minute's
dispatch as beat does, and print one JSON line saying how long the notice took.

Environment: DATABASE_URL, CELERY_BROKER_URL, DASAN_VAR_DIR (as the workers), DRILL_MARKER (a file
the long import writes when it starts and ends)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from accounts.models import Team, User  # noqa: E402
from config.celery import BULK, URGENT, app  # noqa: E402
from ops import broker  # noqa: E402
from wellbeing import selectors  # noqa: E402
from wellbeing import timeutils as tu  # noqa: E402
from wellbeing.models import ShutdownNotice, ShutdownPolicy  # noqa: E402

LONG_SECONDS = float(os.environ.get("DRILL_LONG_SECONDS", "60"))


def out(**data) -> None:
    print(json.dumps(data), flush=True)


def main() -> int:
    marker = os.environ["DRILL_MARKER"]
    local = timezone.now().astimezone(tu.SEOUL)
    if not 1 <= local.hour < 23:
        out(skip=f"Seoul time {local:%H:%M}: a shutdown 10 minutes from now would cross midnight")
        return 0
    # The company policy: every day a working day, the PC shuts down 10 minutes from this minute,
    # so the 10-minute warning is due now.
    shutdown = (local.replace(second=0, microsecond=0) + timedelta(minutes=10)).time()
    work_end = (local.replace(second=0, microsecond=0) - timedelta(minutes=20)).time()
    ShutdownPolicy.objects.filter(team__isnull=True).delete()
    ShutdownPolicy.objects.create(
        team=None,
        work_start=work_end.replace(hour=0, minute=0),
        work_end=work_end,
        break_minutes=0,
        shutdown_time=shutdown,
        notice_offsets=[30, 10, 5, 1],
        weekdays=[0, 1, 2, 3, 4, 5, 6],
    )
    run = os.getpid()  # the same database may serve a drill on each broker
    team = Team.objects.create(name=f"큐 점검팀 {run}")
    agent = User.objects.create_user(
        email=f"queue.drill.{run}@dasan.test", password="x" * 12, name="큐점검", team=team
    )
    plan = selectors.shutdown_plan(user=agent, on=local.date())
    if plan.shutdown_at is None:
        out(skip=f"no shutdown today ({plan.day_kind}: {plan.day_name})")
        return 0

    # The long import takes the bulk worker's only slot; more bulk work queues up behind it.
    app.send_task("tests.ops.long_import", args=(marker, LONG_SECONDS), queue=BULK, routing_key=BULK)
    deadline = time.monotonic() + 60
    while not os.path.exists(marker):
        if time.monotonic() > deadline:
            out(error="the bulk worker never started the long import")
            return 1
        time.sleep(0.2)
    app.send_task("knowledge.calls.recover_stalled")  # routed to bulk: waits behind the import
    sent = time.monotonic()
    app.send_task("wellbeing.tasks.dispatch_notices")  # what beat sends every minute (routed to urgent)
    while not ShutdownNotice.objects.filter(user=agent).exists():
        if time.monotonic() - sent > 60:
            break
        time.sleep(0.2)
    took = time.monotonic() - sent
    notice = ShutdownNotice.objects.filter(user=agent).first()
    with open(marker) as f:
        import_state = f.read()
    queues = {q.name: q.depth for q in broker.queue_states((URGENT, BULK))}
    out(
        dispatched=notice is not None,
        seconds=round(took, 2),
        offset_minutes=notice.offset_minutes if notice else None,
        import_still_running="finished" not in import_state,
        queue_depth=queues,
        broker=broker.kind(),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
