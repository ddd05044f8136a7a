"""How long the per-minute notice dispatch and the PC agent's plan poll take for N agents.

    .venv/bin/python bench/wellbeing_dispatch.py [--agents 500] [--quick]

Builds a throw-away SQLite database (or uses DATABASE_URL), creates N agents in 10 teams with some
approved overtime, then times: plan computation for everyone, the dispatch run at 18:00 when every
agent's 30-minute warning is due, an immediate duplicate run (must send nothing), a quiet minute,
and the device plan endpoint. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="100 agents")
    args = parser.parse_args()
    n = 100 if args.quick else args.agents
    tmp = tempfile.mkdtemp(prefix="dasan-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DASAN_VAR_DIR"] = tmp
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, Team, User
    from wellbeing import selectors, services
    from wellbeing.timeutils import SEOUL

    call_command("migrate", verbosity=0)
    monday = datetime(2026, 11, 16, 17, 0, tzinfo=SEOUL)
    with time_machine.travel(monday, tick=False) as traveller:
        manager = User.objects.create_user(email="m@bench.test", name="매니저", role=Role.MANAGER)
        teams = [Team.objects.create(name=f"벤치{i}팀", manager=manager) for i in range(10)]
        User.objects.bulk_create(
            [User(email=f"a{i}@bench.test", name=f"상담사{i}", team=teams[i % 10]) for i in range(n)]
        )
        agents = list(User.objects.filter(team__isnull=False))
        for agent in agents[: n // 10]:
            req = services.overtime_submit(
                user=agent, day=monday.date(), end_time=clock_time(20, 0), reason="bench"
            )
            services.overtime_approve(request_id=req.pk, by=manager)
        _issued, token = services.device_issue(user=agents[0], name="bench")
        _device, credential = services.device_register(token=token)

        started = time.perf_counter()
        selectors.shutdown_plans(users=agents, dates=[monday.date()])
        plans_ms = (time.perf_counter() - started) * 1000

        traveller.move_to(datetime(2026, 11, 16, 18, 0, 5, tzinfo=SEOUL))
        started = time.perf_counter()
        first = services.notices_dispatch()
        due_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        again = services.notices_dispatch()
        duplicate_ms = (time.perf_counter() - started) * 1000
        traveller.move_to(datetime(2026, 11, 16, 18, 3, 5, tzinfo=SEOUL))
        started = time.perf_counter()
        services.notices_dispatch()
        quiet_ms = (time.perf_counter() - started) * 1000

        client = Client(HTTP_AUTHORIZATION=f"Device {credential}")
        timings = []
        for _ in range(50):
            started = time.perf_counter()
            assert client.get("/api/v1/wellbeing/device/plan/").status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
    print(
        json.dumps(
            {
                "benchmark": "wellbeing_dispatch",
                "database": connection.vendor,
                "agents": n,
                "plans_for_everyone_ms": round(plans_ms, 1),
                "dispatch_all_due_ms": round(due_ms, 1),
                "notices_sent": first["notices"],
                "dispatch_duplicate_run_ms": round(duplicate_ms, 1),
                "duplicate_notices_sent": again["notices"],
                "dispatch_quiet_minute_ms": round(quiet_ms, 1),
                "device_plan_p50_ms": round(timings[len(timings) // 2], 2),
                "device_plan_p95_ms": round(timings[int(len(timings) * 0.95)], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
