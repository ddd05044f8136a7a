"""Issue 18, item 3: decisions are delegated only to people who meet the manager's MFA rule."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from tests.accounts.factories import ManagerFactory, UserFactory
from wellbeing import selectors, services
from wellbeing.models import ManagerDelegation, OvertimeRequest

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def _request(agent) -> OvertimeRequest:
    return services.overtime_submit(user=agent, day=MONDAY, end_time=time(20, 0), reason="마감")


def test_a_manager_cannot_delegate_to_a_team_agent_without_totp(as_user, org, clock):
    peer = UserFactory(team=org["team_a"])  # an agent of the manager's own team, no TOTP
    assert peer not in selectors.delegation_candidates(org["manager_a"])
    with pytest.raises(ValidationError) as err:
        services.delegation_create(
            manager=org["manager_a"], delegate=peer, start_date=MONDAY, end_date=MONDAY
        )
    assert "delegate" in err.value.message_dict
    response = as_user(org["manager_a"]).post(
        reverse("wellbeing:delegation_create"),
        {"delegate": peer.pk, "start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat()},
        follow=True,
    )
    assert "Delegate: Select a valid choice" in response.content.decode()
    assert not ManagerDelegation.objects.exists()


def test_a_delegate_without_totp_cannot_approve_through_the_api_or_the_pages(as_user, org, clock):
    """The red-team path: a peer delegate approving a colleague's overtime with a password alone."""
    peer = UserFactory(team=org["team_a"])
    colleague = UserFactory(team=org["team_a"])
    # A delegation stored before the rule (or the delegate removed their TOTP since).
    ManagerDelegation.objects.create(
        manager=org["manager_a"], delegate=peer, start_date=MONDAY, end_date=MONDAY
    )
    req = _request(colleague)
    api = APIClient()
    api.force_authenticate(peer)
    response = api.post(f"/api/v1/wellbeing/overtime-requests/{req.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    # Nor through the pages (the request is not even theirs to see).
    page = as_user(peer).post(reverse("wellbeing:overtime_decide", args=[req.pk]), {"action": "approve"})
    assert page.status_code in (403, 404)
    req.refresh_from_db()
    assert req.state == "submitted"
    assert not selectors.can_decide(peer, colleague)


def test_a_team_member_with_totp_may_decide_and_the_decision_is_audited_as_delegated(org, clock):
    deputy = UserFactory(team=org["team_a"], totp=True)
    assert deputy in selectors.delegation_candidates(org["manager_a"])
    services.delegation_create(manager=org["manager_a"], delegate=deputy, start_date=MONDAY, end_date=MONDAY)
    req = _request(org["agent_a"])
    api = APIClient()
    api.force_authenticate(deputy)
    response = api.post(f"/api/v1/wellbeing/overtime-requests/{req.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="wellbeing.overtime.approve")
    assert event.actor == deputy and event.data["on_behalf_of"] == org["manager_a"].pk
    # Scoped: the deputy decides for manager A's team only.
    other = _request(org["agent_b"])
    assert (
        api.post(f"/api/v1/wellbeing/overtime-requests/{other.pk}/approve/", {}, format="json").status_code
        == 403
    )


def test_another_manager_is_still_a_delegate(org, clock):
    deputy = ManagerFactory()
    services.delegation_create(manager=org["manager_a"], delegate=deputy, start_date=MONDAY, end_date=MONDAY)
    req = _request(org["agent_a"])
    services.overtime_approve(request_id=req.pk, by=deputy)
    assert (
        AuditEvent.objects.get(action="wellbeing.overtime.approve").data["on_behalf_of"]
        == org["manager_a"].pk
    )
