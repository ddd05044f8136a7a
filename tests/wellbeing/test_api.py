"""The API contract: overtime requests, decisions (403 for anyone but the agent's manager, 409 when
already decided), the shutdown plan, and the PC agent's device endpoints."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from wellbeing import services
from wellbeing.models import DeviceEvent, OvertimeRequest

from .conftest import MONDAY, seoul

BASE = "/api/v1/wellbeing"


@pytest.fixture
def api():
    def make(user=None):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


def test_file_overtime_returns_201_with_the_request(api, org, clock):
    response = api(org["agent_a"]).post(
        f"{BASE}/overtime-requests/",
        {"date": "2026-11-16", "end_time": "20:00", "reason": "월말 정산"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "submitted" and body["end_time"] == "20:00" and body["hours"] == 2.0
    assert body["transitions"][0]["to_state"] == "submitted"


def test_a_personal_token_works_too(org, clock):
    _token, key = api_token_create(user=org["agent_a"])
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert c.get(f"{BASE}/shutdown-plan/").status_code == 200


def test_over_the_weekly_cap_is_400_with_the_hours(api, org, clock):
    c = api(org["agent_a"])
    for i in range(4):
        r = services.overtime_submit(
            user=org["agent_a"], day=MONDAY + timedelta(days=i), end_time=time(21, 0), reason="x"
        )
        services.overtime_approve(request_id=r.pk, by=org["manager_a"])
    response = c.post(
        f"{BASE}/overtime-requests/",
        {"date": "2026-11-20", "end_time": "19:30", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "reach 13 h 30 min (12 h already" in response.json()["end_time"][0]
    assert OvertimeRequest.objects.count() == 4


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"end_time": "20:00", "reason": "x"}, "date"),
        ({"date": "2026-11-16", "end_time": "25:00", "reason": "x"}, "end_time"),
        ({"date": "2026-11-16", "end_time": "20:00"}, "reason"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, org, clock, payload, field):
    response = api(org["agent_a"]).post(f"{BASE}/overtime-requests/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not OvertimeRequest.objects.exists()


def test_approve_and_reject_are_for_the_agents_manager_only(api, org, clock):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    url = f"{BASE}/overtime-requests/{req.pk}/approve/"
    for who in ("agent_a", "agent_b", "manager_b"):
        assert api(org[who]).post(url, {"comment": ""}, format="json").status_code == 403, who
    assert api().post(url, {}, format="json").status_code in (401, 403)
    req.refresh_from_db()
    assert req.state == "submitted"
    response = api(org["manager_a"]).post(url, {"comment": "좋아요"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    again = api(org["admin_user"]).post(
        f"{BASE}/overtime-requests/{req.pk}/reject/", {"comment": "no"}, format="json"
    )
    assert again.status_code == 409 and "already Approved by 박지현" in again.json()["detail"]
    assert (
        api(org["manager_a"]).post(f"{BASE}/overtime-requests/999999/approve/", {}, format="json").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/overtime-requests/"),
        ("post", "/overtime-requests/"),
        ("get", "/overtime-requests/{pk}/"),
        ("post", "/overtime-requests/{pk}/approve/"),
        ("post", "/overtime-requests/{pk}/reject/"),
        ("get", "/shutdown-plan/"),
    ],
)
def test_anonymous_callers_are_refused_and_change_nothing(api, org, clock, method, path):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    payload = {"date": "2026-11-17", "end_time": "20:00", "reason": "x", "comment": "ok"}
    response = getattr(api(), method)(BASE + path.format(pk=req.pk), payload, format="json")
    assert response.status_code in (401, 403)
    assert list(OvertimeRequest.objects.values_list("pk", "state")) == [(req.pk, "submitted")]


def test_a_pending_request_shows_in_the_plan_without_moving_it(api, org, clock):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    body = api(org["agent_a"]).get(f"{BASE}/shutdown-plan/", {"date": "2026-11-16"}).json()
    assert body["shutdown_at"] == "2026-11-16T18:30:00+09:00" and body["version"] == 1
    assert body["overtime"] == {"id": req.pk, "state": "submitted", "end_time": "20:00", "hours": 2.0}


def test_reject_needs_a_comment(api, org, clock):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    url = f"{BASE}/overtime-requests/{req.pk}/reject/"
    response = api(org["manager_a"]).post(url, {}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    assert api(org["manager_a"]).post(url, {"comment": "내일"}, format="json").json()["state"] == "rejected"


def test_overtime_detail_and_list_follow_the_visibility_rule(api, org, clock):
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    assert api(org["agent_b"]).get(f"{BASE}/overtime-requests/{req.pk}/").status_code == 404
    assert api(org["manager_a"]).get(f"{BASE}/overtime-requests/{req.pk}/").status_code == 200
    assert [r["id"] for r in api(org["agent_a"]).get(f"{BASE}/overtime-requests/").json()] == [req.pk]
    assert api(org["agent_b"]).get(f"{BASE}/overtime-requests/").json() == []


def test_shutdown_plan_contract(api, org, clock):
    c = api(org["agent_a"])
    body = c.get(f"{BASE}/shutdown-plan/", {"date": "2026-11-16"}).json()
    assert body["date"] == "2026-11-16"
    assert body["shutdown_at"] == "2026-11-16T18:30:00+09:00"
    assert body["notices_at"] == [
        "2026-11-16T18:00:00+09:00",
        "2026-11-16T18:20:00+09:00",
        "2026-11-16T18:25:00+09:00",
        "2026-11-16T18:29:00+09:00",
    ]
    assert body["version"] == 1 and body["overtime"] is None
    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="x")
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    body = c.get(f"{BASE}/shutdown-plan/").json()
    assert body["shutdown_at"] == "2026-11-16T20:00:00+09:00" and body["version"] == 2
    assert body["overtime"] == {"id": req.pk, "state": "approved", "end_time": "20:00", "hours": 2.0}
    holiday = c.get(f"{BASE}/shutdown-plan/", {"date": "2026-10-05"}).json()
    assert (
        holiday["shutdown_at"] is None
        and holiday["notices_at"] == []
        and holiday["day_name"] == "개천절 대체 휴일"
    )
    bad = c.get(f"{BASE}/shutdown-plan/", {"date": "16/11/2026"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["date"][0]


def test_device_register_plan_events_and_revoke(org, clock, client):
    device, token = services.device_issue(user=org["agent_a"], name="사무실 PC")
    c = APIClient()
    assert c.post(f"{BASE}/devices/register/", {}, format="json").status_code == 401
    response = c.post(
        f"{BASE}/devices/register/",
        {"hostname": "pc-01", "platform": "Windows 11"},
        format="json",
        HTTP_AUTHORIZATION=f"Register {token}",
    )
    assert response.status_code == 201
    credential = response.json()["credential"]
    # The token works once.
    assert (
        c.post(
            f"{BASE}/devices/register/", {}, format="json", HTTP_AUTHORIZATION=f"Register {token}"
        ).status_code
        == 401
    )
    c.credentials(HTTP_AUTHORIZATION=f"Device {credential}")
    plan = c.get(f"{BASE}/device/plan/").json()
    assert (
        plan["shutdown_at"] == "2026-11-16T18:30:00+09:00"
        and plan["server_time"] == "2026-11-16T17:00:00+09:00"
    )
    assert plan["overtime_url"].endswith("/wellbeing/overtime/new/") and plan["poll_seconds"] == 60
    events = {"events": [{"id": "a1", "kind": "heartbeat", "at": seoul(MONDAY, 17, 0).isoformat()}]}
    assert c.post(f"{BASE}/device/events/", events, format="json").json() == {"stored": 1}
    assert c.post(f"{BASE}/device/events/", events, format="json").json() == {
        "stored": 0
    }  # resent: stored once
    bad = c.post(
        f"{BASE}/device/events/", {"events": [{"id": "b", "kind": "reboot", "at": "x"}]}, format="json"
    )
    assert bad.status_code == 400 and "events[0].kind" in bad.json()
    assert DeviceEvent.objects.count() == 1
    services.device_revoke(by=org["agent_a"], device_id=device.pk)
    assert c.get(f"{BASE}/device/plan/").status_code == 401


def test_device_endpoints_refuse_user_sessions(org, clock, client):
    client.force_login(org["agent_a"])
    assert client.get(f"{BASE}/device/plan/").status_code == 401
    assert (
        client.post(f"{BASE}/device/events/", {"events": []}, content_type="application/json").status_code
        == 401
    )


def test_an_expired_token_does_not_register(org, clock):
    _device, token = services.device_issue(user=org["agent_a"], name="PC")
    clock.move_to(seoul(MONDAY + timedelta(days=2), 9, 0))
    c = APIClient()
    response = c.post(f"{BASE}/devices/register/", {}, format="json", HTTP_AUTHORIZATION=f"Register {token}")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_schema_is_valid(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_device_poll_is_cheap(org, clock, django_assert_max_num_queries):
    _device, token = services.device_issue(user=org["agent_a"], name="PC")
    _device, credential = services.device_register(token=token)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Device {credential}")
    with django_assert_max_num_queries(9):
        assert c.get(f"{BASE}/device/plan/").status_code == 200
