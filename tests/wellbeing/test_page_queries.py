"""The wellbeing pages of the load test's mix: their queries must not grow with the requests."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wellbeing import services

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(org, clock):
    """agent_a has overtime today and on other days; manager_a has requests of several agents to decide."""
    agent, manager = org["agent_a"], org["manager_a"]
    colleagues = [UserFactory(team=org["team_a"]) for _ in range(5)]
    for i in range(5):  # Monday to Friday, every other one approved
        req = services.overtime_submit(
            user=agent, day=MONDAY + timedelta(days=i), end_time=time(19, 0), reason=f"마감 {i}"
        )
        if i % 2:
            services.overtime_approve(request_id=req.pk, by=manager)
    for person in colleagues:
        services.overtime_submit(user=person, day=MONDAY, end_time=time(20, 0), reason="정산")
    return {"colleagues": colleagues}


# Each count starts with the session and the user (and a manager's TOTP check); the plan is the
# policies, one query for what the person has, and their overtime today; the bell is one more.
@pytest.mark.parametrize(("who", "most"), [("agent_a", 8), ("manager_a", 9)])
def test_wellbeing_home_takes_a_fixed_number_of_queries(
    as_user, org, busy, who, most, django_assert_max_num_queries
):
    c = as_user(org[who])
    c.get(reverse("wellbeing:home"))
    with django_assert_max_num_queries(most):
        body = c.get(reverse("wellbeing:home")).content.decode()
    assert 'data-testid="plan-card"' in body


@pytest.mark.parametrize(("who", "most"), [("agent_a", 6), ("manager_a", 6)])
def test_overtime_form_takes_a_fixed_number_of_queries(
    as_user, org, busy, who, most, django_assert_max_num_queries
):
    c = as_user(org[who])
    c.get(reverse("wellbeing:overtime_new"))
    with django_assert_max_num_queries(most):
        assert c.get(reverse("wellbeing:overtime_new")).status_code == 200


def test_a_refused_overtime_request_takes_a_fixed_number_of_queries(
    as_user, org, busy, django_assert_max_num_queries
):
    c = as_user(org["agent_a"])
    c.get(reverse("wellbeing:overtime_new"))
    form = {"date": MONDAY.isoformat(), "end_time": "21:00", "reason": "또 마감"}
    # The refusal (a savepoint around the locked checks), then the form again with today's plan.
    with django_assert_max_num_queries(11):
        body = c.post(reverse("wellbeing:overtime_new"), form).content.decode()
    assert "already have an open or approved overtime request" in body
