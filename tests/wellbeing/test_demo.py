from __future__ import annotations

import pytest
from django.core.management import call_command

from wellbeing.models import AbusiveCallReport, Device, FlexibleScheduleRequest, OvertimeRequest, RequestState


@pytest.mark.django_db
def test_seed_demo_has_every_state_and_runs_twice(clock):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    states = set(OvertimeRequest.objects.values_list("state", flat=True))
    assert states == set(RequestState.values)
    assert FlexibleScheduleRequest.objects.filter(state="approved").exists()
    assert Device.objects.filter(registered_at__isnull=False).count() == 3
    assert AbusiveCallReport.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2026-11-16", "2026-12-03", "2027-01-04"])
def test_demo_requests_follow_each_agents_own_schedule(today, settings):
    """Team 2 works 10:00–19:00: its demo overtime starts at 19:00 and is counted like a real request."""
    import time_machine

    from wellbeing import selectors
    from wellbeing import timeutils as tu

    settings.LANGUAGE_CODE = "ko"  # the stored 'expired' comment is in the site's language
    with time_machine.travel(f"{today} 09:00 +0900", tick=False):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        for req in OvertimeRequest.objects.select_related("user"):
            plan = selectors.shutdown_plan(user=req.user, on=req.date)
            assert plan.working_day, req.date
            start = plan.start_at.astimezone(tu.SEOUL).time()
            assert tu.at(req.date, req.end_time) > plan.work_end_at, (req.user.email, req.end_time)
            net = tu.net_work_minutes(
                tu.minutes_between(start, req.end_time), planned_break=plan.break_minutes
            )
            assert req.minutes == net - plan.scheduled_minutes > 0
            if req.state == RequestState.APPROVED:
                assert selectors.shutdown_plan(user=req.user, on=req.date).shutdown_at == tu.at(
                    req.date, req.end_time
                )
        assert OvertimeRequest.objects.filter(user__email="agent1@dasan.example").exists()
        expired = OvertimeRequest.objects.get(state="expired").transitions.last()
        assert expired.comment == "당일까지 결정되지 않았습니다."
