from __future__ import annotations

from datetime import time

import factory

from wellbeing.models import AbusiveCallReport, DayOff, FlexibleKind, FlexibleScheduleRequest, ShutdownPolicy


class ShutdownPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShutdownPolicy

    team = None
    shutdown_time = time(18, 30)


class DayOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayOff

    name = "창립기념일"


class FlexibleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlexibleScheduleRequest

    kind = FlexibleKind.CHILDCARE
    start_time = time(9, 0)
    end_time = time(16, 0)
    weekdays = [0, 1, 2, 3, 4]
    reason = "어린이집 하원"


class AbuseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AbusiveCallReport

    note = "욕설"
