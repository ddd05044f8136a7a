"""The home dashboard is the load test's most visited page: its queries must not grow with the data."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.models import ArticleStatus
from tests.busy import busy_world
from tests.knowledge.factories import ArticleFactory
from wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(org):
    world = busy_world(org)
    client = org["client_a"]
    soon = timezone.localdate() + timedelta(days=3)
    for i in range(8):
        ArticleFactory(client=client, title=f"공지 {i}", published_at=timezone.now(), verify_by=soon)
        ArticleFactory(
            client=client, title=f"검토 {i}", status=ArticleStatus.REVIEW, created_by=org["agent_a"]
        )
    today = timezone.localdate()
    if today.weekday() < 5:  # overtime to decide, for the manager's card
        for person in world["colleagues"]:
            wellbeing.overtime_submit(user=person, day=today, end_time=time(23, 0), reason="정산")
    return world


@pytest.mark.parametrize(("who", "most"), [("agent_a", 10), ("manager_a", 15)])
# Both: session and user (a manager's TOTP check), the plan card (policies, what the person has,
# who they decide for), the book club card (pick and votes, loans), notifications with the
# bell's count, clients with the team. Agents: the manuals' latest articles. Managers: the review
# queue and due verifications (two), the requests to decide, the reports (two).
def test_home_dashboard_takes_a_fixed_number_of_queries(
    as_user, org, busy, who, most, django_assert_max_num_queries
):
    c = as_user(org[who])
    c.get(reverse("home"))
    with django_assert_max_num_queries(most):
        page = c.get(reverse("home")).content.decode()
    assert 'data-testid="dashboard"' in page and "이달의 책" in page and "알림 6" in page
