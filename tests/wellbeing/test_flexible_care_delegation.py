"""Flexible-work transitions, delegation while away, abusive-call counts, policy changes."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from tests.accounts.factories import ManagerFactory, UserFactory
from wellbeing import selectors, services
from wellbeing.models import (
    FlexibleScheduleRequest,
    ManagerDelegation,
    PlanVersion,
    ShutdownPolicy,
    Transition,
)
from wellbeing.templatetags.wellbeing import hours

from .conftest import MONDAY, seoul
from .factories import AbuseFactory


def flex(agent, **kw):
    data = {
        "kind": "childcare",
        "start_date": MONDAY + timedelta(days=1),
        "end_date": MONDAY + timedelta(days=30),
        "start_time": time(9, 0),
        "end_time": time(16, 0),
        "weekdays": [0, 1, 2, 3, 4],
        "reason": "어린이집 하원",
    } | kw
    return services.flexible_submit(user=agent, **data)


def test_flexible_every_transition(org, clock):
    a = flex(org["agent_a"])
    services.flexible_reject(request_id=a.pk, by=org["manager_a"], comment="인원 부족")
    b = flex(org["agent_a"])
    services.flexible_cancel(request_id=b.pk, by=org["agent_a"])
    c = flex(org["agent_a"])
    services.flexible_approve(request_id=c.pk, by=org["manager_a"])
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY + timedelta(days=1)).shutdown_at == seoul(
        MONDAY + timedelta(days=1), 16, 30
    )
    assert PlanVersion.objects.filter(user=org["agent_a"], date=MONDAY + timedelta(days=1)).exists()
    services.flexible_cancel(request_id=c.pk, by=org["agent_a"])  # approved → cancelled: plans move back
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY + timedelta(days=1)).shutdown_at == seoul(
        MONDAY + timedelta(days=1), 18, 30
    )
    d = flex(org["agent_a"], start_date=MONDAY + timedelta(days=2))
    clock.move_to(seoul(MONDAY + timedelta(days=3), 0, 10))
    services.overtime_expire_stale()
    states = dict(FlexibleScheduleRequest.objects.values_list("pk", "state"))
    assert states == {a.pk: "rejected", b.pk: "cancelled", c.pk: "cancelled", d.pk: "expired"}
    assert list(Transition.objects.filter(flexible=c).values_list("to_state", flat=True)) == [
        "submitted",
        "approved",
        "cancelled",
    ]


def test_flexible_rules(org, clock):
    with pytest.raises(ValidationError) as exc:
        flex(org["agent_a"], start_date=MONDAY - timedelta(days=1))
    assert "past" in exc.value.message_dict["start_date"][0]
    with pytest.raises(ValidationError) as exc:
        flex(org["agent_a"], start_time=time(8, 0), end_time=time(20, 0))
    assert "40 hours" in exc.value.message_dict["end_time"][0]
    with pytest.raises(ValidationError) as exc:
        flex(org["agent_a"], weekdays=[])
    assert "weekday" in exc.value.message_dict["weekdays"][0]
    first = flex(org["agent_a"])
    second = flex(org["agent_a"], kind="staggered", start_time=time(10, 0), end_time=time(19, 0))
    services.flexible_approve(request_id=first.pk, by=org["manager_a"])
    with pytest.raises(ValidationError) as exc:
        services.flexible_approve(request_id=second.pk, by=org["manager_a"])
    assert "Another approved" in exc.value.message_dict["start_date"][0]
    with pytest.raises(PermissionDenied):
        services.flexible_reject(request_id=second.pk, by=org["manager_b"], comment="x")
    with pytest.raises(services.DecisionConflict):
        services.flexible_approve(request_id=first.pk, by=org["admin_user"])


def test_delegation_from_the_inbox(as_user, org, clock):
    deputy = ManagerFactory(name="대리인")
    c = as_user(org["manager_a"])
    assert deputy in c.get(reverse("wellbeing:inbox")).context["delegation_form"].fields["delegate"].queryset
    c.post(
        reverse("wellbeing:delegation_create"),
        {"delegate": deputy.pk, "start_date": "2026-11-16", "end_date": "2026-11-20"},
    )
    delegation = ManagerDelegation.objects.get()
    assert delegation.delegate == deputy
    assert Notification.objects.filter(recipient=deputy).exists()
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    assert req in as_user(deputy).get(reverse("wellbeing:inbox")).context["items"]
    assert selectors.deciders_for(org["agent_a"]) == [org["manager_a"], deputy]
    # Agents cannot delegate; other managers cannot end someone else's delegation.
    assert as_user(org["agent_a"]).post(reverse("wellbeing:delegation_create"), {}).status_code == 403
    assert (
        as_user(org["manager_b"]).post(reverse("wellbeing:delegation_end", args=[delegation.pk])).status_code
        == 404
    )
    as_user(org["manager_a"]).post(reverse("wellbeing:delegation_end", args=[delegation.pk]))
    assert not ManagerDelegation.objects.exists()
    with pytest.raises(PermissionDenied):
        services.overtime_approve(request_id=req.pk, by=deputy)


def test_bad_delegation_is_refused_and_stores_nothing(as_user, org, clock):
    c = as_user(org["manager_a"])
    response = c.post(
        reverse("wellbeing:delegation_create"),
        {"delegate": org["manager_b"].pk, "start_date": "2026-11-20", "end_date": "2026-11-18"},
        follow=True,
    )
    assert "must not be before" in response.content.decode()
    response = c.post(
        reverse("wellbeing:delegation_create"),
        {"delegate": org["agent_b"].pk, "start_date": "2026-11-20", "end_date": "2026-11-21"},
        follow=True,
    )
    assert "Delegate" in response.content.decode()  # agent_b is in another manager's team: not a choice
    assert not ManagerDelegation.objects.exists()


def test_abusive_call_counts_follow_visibility_and_filters(org, clock):
    AbuseFactory(user=org["agent_a"], client=org["client_a"], occurred_at=seoul(MONDAY, 10))
    AbuseFactory(
        user=org["agent_a"], client=org["client_a"], occurred_at=seoul(MONDAY - timedelta(days=10), 10)
    )
    AbuseFactory(user=org["agent_b"], client=org["client_b"], occurred_at=seoul(MONDAY, 11))
    everything = selectors.abusive_call_counts(user=org["admin_user"])
    assert [(c["client__slug"], c["count"]) for c in everything] == [("hanbit-card", 2), ("nuri-telecom", 1)]
    assert [
        (c["client__slug"], c["count"]) for c in selectors.abusive_call_counts(user=org["manager_a"])
    ] == [("hanbit-card", 2)]
    assert selectors.abusive_call_counts(user=org["manager_b"], client=org["client_a"]) == []
    assert selectors.abusive_call_counts(user=org["agent_b"]) == [
        {
            "client_id": org["client_b"].pk,
            "client__name": "누리텔레콤",
            "client__slug": "nuri-telecom",
            "count": 1,
        }
    ]
    recent = selectors.abusive_call_counts(
        user=org["admin_user"], client=org["client_a"], since=MONDAY - timedelta(days=1)
    )
    assert recent[0]["count"] == 1
    old = selectors.abusive_call_counts(user=org["admin_user"], until=date(2026, 11, 10))
    assert [(c["client__slug"], c["count"]) for c in old] == [("hanbit-card", 1)]


def test_policy_change_bumps_the_versions_it_governs(org, clock):
    policy = ShutdownPolicy.objects.create(
        team=org["team_b"], work_end=time(19, 0), shutdown_time=time(19, 30)
    )
    services.policy_changed(policy=policy, by=org["admin_user"])
    assert selectors.shutdown_plan(user=org["agent_b"], on=MONDAY).version == 2
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY).version == 1
    default = ShutdownPolicy.objects.create(team=None)
    services.policy_changed(policy=default, by=org["admin_user"])
    assert selectors.shutdown_plan(user=org["agent_a"], on=MONDAY).version == 2
    assert selectors.shutdown_plan(user=org["agent_b"], on=MONDAY).version == 2  # its team has its own policy


def test_inbox_query_count_does_not_grow_with_requests(as_user, org, clock, django_assert_max_num_queries):
    for i in range(8):
        services.overtime_submit(
            user=UserFactory(team=org["team_a"]),
            day=MONDAY + timedelta(days=i % 4),
            end_time=time(20, 0),
            reason="x",
        )
    c = as_user(org["manager_a"])
    with django_assert_max_num_queries(25):
        response = c.get(reverse("wellbeing:inbox"))
    assert len(response.context["items"]) == 8


def test_hours_filter():
    assert (hours(480), hours(450), hours(20), hours(None)) == ("8", "7.5", "0.33", "")
