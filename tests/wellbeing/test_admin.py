"""The Django admin covers every accounts and wellbeing model, and each page opens for an admin."""

from __future__ import annotations

from datetime import time

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from wellbeing import services

from .conftest import MONDAY, seoul
from .factories import AbuseFactory, DayOffFactory, FlexibleFactory, ShutdownPolicyFactory


@pytest.mark.parametrize("app_label", ["accounts", "wellbeing"])
def test_every_model_is_in_the_admin_and_its_pages_open(as_user, org, clock, app_label):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="정산")
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    services.device_issue(user=org["agent_a"], name="PC")
    ShutdownPolicyFactory(team=org["team_a"])
    DayOffFactory(date=MONDAY.replace(day=20))
    FlexibleFactory(user=org["agent_b"], start_date=MONDAY, end_date=MONDAY)
    AbuseFactory(
        user=org["agent_a"],
        client=org["client_a"],
        occurred_at=timezone.now(),
        break_started_at=timezone.now(),
    )
    services.overtime_submit(user=org["agent_b"], day=MONDAY, end_time=time(19, 0), reason="콜백")
    clock.move_to(seoul(MONDAY, 18, 21))
    assert services.notices_dispatch() == {"notices": 1, "reminders": 1}  # agent_b's warning and reminder
    registered = {m for m in admin.site._registry if m._meta.app_label == app_label}
    inlined = {i.model for m in registered for i in admin.site._registry[m].inlines}
    concrete = {m for m in apps.get_app_config(app_label).get_models() if not m._meta.auto_created}
    assert concrete - registered - inlined == set(), "models missing from the admin"
    c = as_user(org["admin_user"])
    for model in registered:
        base = f"/admin/{app_label}/{model._meta.model_name}/"
        assert c.get(base).status_code == 200, base
        if admin.site._registry[model].has_add_permission(type("R", (), {"user": org["admin_user"]})()):
            assert c.get(base + "add/").status_code == 200, base + "add/"
        first = model.objects.first()
        if first is not None:
            assert c.get(f"{base}{first.pk}/change/").status_code == 200, model
