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
