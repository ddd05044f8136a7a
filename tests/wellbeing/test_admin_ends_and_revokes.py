"""An admin ends a manager's delegation and revokes an agent's PC from the web pages (issue 13, item 9)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from wellbeing import services
from wellbeing import timeutils as tu
from wellbeing.models import Device, ManagerDelegation


@pytest.fixture
def delegation(org):
    today = tu.local_today()
    made = services.delegation_create(
        manager=org["manager_a"],
        delegate=org["manager_b"],
        start_date=today,
        end_date=today + timedelta(days=5),
    )
    # it began yesterday: ending it keeps the days already covered
    ManagerDelegation.objects.filter(pk=made.pk).update(start_date=today - timedelta(days=1))
    made.refresh_from_db()
    return made


@pytest.fixture
def agents_pc(org):
    device, _token = services.device_issue(user=org["agent_a"], name="상담석 12번 PC")
    return device


def test_the_admin_sees_every_delegation_and_ends_one(as_user, org, delegation):
    c = as_user(org["admin_user"])
    html = c.get(reverse("wellbeing:inbox")).content.decode()
    assert 'data-testid="all-delegations"' in html and org["manager_a"].name in html
    assert reverse("wellbeing:delegation_end", args=[delegation.pk]) in html

    response = c.post(reverse("wellbeing:delegation_end", args=[delegation.pk]))
    assert response.status_code == HTTPStatus.FOUND
    delegation.refresh_from_db()
    assert delegation.end_date == tu.local_today() - timedelta(days=1)  # over as of today
    event = AuditEvent.objects.get(action="wellbeing.delegation.end")
    assert event.actor == org["admin_user"]


def test_nobody_else_ends_a_managers_delegation(as_user, org, delegation):
    for who in ("manager_b", "agent_a"):  # the delegate themselves, an agent
        response = as_user(org[who]).post(reverse("wellbeing:delegation_end", args=[delegation.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert ManagerDelegation.objects.get(pk=delegation.pk).end_date == delegation.end_date
    assert not AuditEvent.objects.filter(action="wellbeing.delegation.end").exists()
    # managers see only their own delegations, not everyone's table
    assert (
        'data-testid="all-delegations"'
        not in as_user(org["manager_b"]).get(reverse("wellbeing:inbox")).content.decode()
    )


def test_the_admin_sees_everyones_pcs_and_revokes_one(as_user, org, agents_pc):
    c = as_user(org["admin_user"])
    html = c.get(reverse("wellbeing:devices")).content.decode()
    assert 'data-testid="all-devices"' in html and "상담석 12번 PC" in html and org["agent_a"].name in html

    response = c.post(reverse("wellbeing:device_revoke", args=[agents_pc.pk]))
    assert response.status_code == HTTPStatus.FOUND
    agents_pc.refresh_from_db()
    assert agents_pc.revoked_at is not None and not agents_pc.is_active
    assert AuditEvent.objects.get(action="wellbeing.device.revoke").actor == org["admin_user"]
    # a revoked PC leaves the admin's list of active PCs
    assert "상담석 12번 PC" not in c.get(reverse("wellbeing:devices")).content.decode()


def test_managers_and_colleagues_do_not_revoke_someone_elses_pc(as_user, org, agents_pc):
    for who in ("manager_a", "agent_b"):
        response = as_user(org[who]).post(reverse("wellbeing:device_revoke", args=[agents_pc.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "상담석 12번 PC" not in as_user(org[who]).get(reverse("wellbeing:devices")).content.decode()
    assert Device.objects.get(pk=agents_pc.pk).revoked_at is None
