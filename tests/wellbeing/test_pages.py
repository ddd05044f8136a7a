"""Pages: who may use each URL (anonymous, agent, agent of another client, manager of another team,
the right manager, admin), what they see, and bad input that changes nothing."""

from __future__ import annotations

from datetime import time, timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Notification
from wellbeing import services
from wellbeing.models import AbusiveCallReport, DayOff, Device, FlexibleScheduleRequest, OvertimeRequest

from .conftest import MONDAY, seoul
from .factories import AbuseFactory

AGENT_PAGES = ["home", "plan_card", "overtime_list", "overtime_new", "devices", "flexible", "care"]
MANAGER_PAGES = ["inbox", "week", "day"]


@pytest.fixture
def req(org, clock):
    return services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(20, 0), reason="월말 정산")


@pytest.mark.parametrize("name", AGENT_PAGES + MANAGER_PAGES + ["days_off"])
def test_anonymous_visitors_are_sent_to_login(client, name, db):
    response = client.get(reverse(f"wellbeing:{name}"))
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", AGENT_PAGES)
@pytest.mark.parametrize("who", ["agent_a", "manager_a", "admin_user"])
def test_everyone_signed_in_uses_the_agent_pages(as_user, org, clock, name, who):
    assert as_user(org[who]).get(reverse(f"wellbeing:{name}")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", [*MANAGER_PAGES, "days_off"])
def test_agents_may_not_open_manager_pages(as_user, org, clock, name):
    assert as_user(org["agent_a"]).get(reverse(f"wellbeing:{name}")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_managers_see_only_their_own_team(as_user, org, clock, req, name):
    body = as_user(org["manager_b"]).get(reverse(f"wellbeing:{name}")).content.decode()
    assert "김민지" not in body
    body = as_user(org["manager_a"]).get(reverse(f"wellbeing:{name}")).content.decode()
    assert "김민지" in body and "이서준" not in body


def test_days_off_page_is_for_admins(as_user, org, clock):
    assert as_user(org["manager_a"]).get(reverse("wellbeing:days_off")).status_code == HTTPStatus.FORBIDDEN
    c = as_user(org["admin_user"])
    response = c.get(reverse("wellbeing:days_off"), {"year": 2026})
    assert "삼일절 대체 휴일" in response.content.decode()
    c.post(reverse("wellbeing:days_off"), {"date": "2026-11-20", "name": "창립기념일"})
    assert DayOff.objects.get().name == "창립기념일"
    response = c.post(reverse("wellbeing:days_off"), {"date": "2026-11-20", "name": "중복"})
    assert "already a day off" in response.content.decode() and DayOff.objects.count() == 1
    c.post(reverse("wellbeing:day_off_delete", args=[DayOff.objects.get().pk]))
    assert not DayOff.objects.exists()


def test_home_shows_todays_plan_with_countdown(as_user, org, clock, django_assert_max_num_queries):
    c = as_user(org["agent_a"])
    with django_assert_max_num_queries(25):
        body = c.get(reverse("wellbeing:home")).content.decode()
    assert 'data-testid="shutdown-time">18:30<' in body
    assert 'data-shutdown-at="2026-11-16T18:30:00+09:00"' in body


def test_filing_overtime_from_the_form(as_user, org, clock):
    c = as_user(org["agent_a"])
    response = c.post(
        reverse("wellbeing:overtime_new"), {"date": "2026-11-16", "end_time": "20:00", "reason": "월말 정산"}
    )
    req = OvertimeRequest.objects.get()
    assert response["Location"] == req.get_absolute_url()
    assert "20:00" in c.get(req.get_absolute_url()).content.decode()


def test_bad_overtime_form_names_the_field_and_stores_nothing(as_user, org, clock):
    c = as_user(org["agent_a"])
    response = c.post(
        reverse("wellbeing:overtime_new"), {"date": "2026-11-16", "end_time": "17:00", "reason": "x"}
    )
    assert "after your scheduled end (18:00)" in response.content.decode()
    assert 'data-testid="error-end_time"' in response.content.decode()
    response = c.post(
        reverse("wellbeing:overtime_new"), {"date": "not-a-date", "end_time": "20:00", "reason": "x"}
    )
    assert response.context["form"].errors["date"]
    assert not OvertimeRequest.objects.exists()


def test_request_detail_is_for_the_agent_and_their_deciders(as_user, org, req):
    url = req.get_absolute_url()
    for who, status in [
        ("agent_a", 200),
        ("manager_a", 200),
        ("admin_user", 200),
        ("agent_b", 404),
        ("manager_b", 404),
    ]:
        assert as_user(org[who]).get(url).status_code == status, who
    assert "Cancel request" in as_user(org["agent_a"]).get(url).content.decode()
    manager_view = as_user(org["manager_a"]).get(url).content.decode()
    assert "Cancel request" not in manager_view and 'value="approve"' in manager_view


def test_decide_crossings(as_user, org, req):
    url = reverse("wellbeing:overtime_decide", args=[req.pk])
    # The agent sees their own request but may not decide it; the others do not even see it.
    for who, status in (("agent_a", 403), ("agent_b", 404), ("manager_b", 404)):
        response = as_user(org[who]).post(url, {"action": "approve"})
        assert response.status_code == status, who
        req.refresh_from_db()
        assert req.state == "submitted", who
    as_user(org["manager_a"]).post(url, {"action": "approve", "comment": "OK"})
    req.refresh_from_db()
    assert req.state == "approved"


def test_the_second_manager_sees_who_decided_first(as_user, org, req):
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    c = as_user(org["admin_user"])
    response = c.post(
        reverse("wellbeing:overtime_decide", args=[req.pk]),
        {"action": "reject", "comment": "no"},
        follow=True,
    )
    assert "already Approved by 박지현" in response.content.decode()


def test_reject_without_comment_is_refused_with_a_message(as_user, org, req):
    response = as_user(org["manager_a"]).post(
        reverse("wellbeing:overtime_decide", args=[req.pk]), {"action": "reject"}, follow=True
    )
    assert "reason for the rejection" in response.content.decode()
    req.refresh_from_db()
    assert req.state == "submitted"


def test_cancel_is_for_the_agent_only(as_user, org, req):
    url = reverse("wellbeing:overtime_cancel", args=[req.pk])
    assert as_user(org["manager_a"]).post(url).status_code == HTTPStatus.NOT_FOUND
    as_user(org["agent_a"]).post(url)
    req.refresh_from_db()
    assert req.state == "cancelled"


def test_the_cancel_button_shows_only_while_cancelling_is_allowed(as_user, org, req, clock):
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    cancel_url = reverse("wellbeing:overtime_cancel", args=[req.pk])
    pages = [reverse("wellbeing:overtime_list"), reverse("wellbeing:overtime_detail", args=[req.pk])]
    c = as_user(org["agent_a"])
    assert all(cancel_url in c.get(url).content.decode() for url in pages)  # approved, not yet worked
    clock.move_to(seoul(MONDAY, 20, 1))  # the overtime has been worked: the service refuses to cancel
    assert not any(cancel_url in c.get(url).content.decode() for url in pages)


def test_inbox_lists_pending_requests_in_few_queries(as_user, org, req, django_assert_max_num_queries):
    c = as_user(org["manager_a"])
    with django_assert_max_num_queries(25):
        body = c.get(reverse("wellbeing:inbox")).content.decode()
    assert f'data-testid="request-{req.pk}"' in body and "월말 정산" in body
    # The delegation form appears once, in the page, not inside the <title>.
    assert "<title>Approvals · Dasan</title>" in body
    assert body.count("Save delegation") == 1


def test_week_view_shows_hours_and_overtime_left(as_user, org, req):
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    response = as_user(org["manager_a"]).get(reverse("wellbeing:week"), {"week": "2026-11-18"})
    row = next(r for r in response.context["rows"] if r.user == org["agent_a"])
    assert row.scheduled_minutes == 40 * 60 and row.overtime_minutes == 120 and row.left_minutes == 600
    assert as_user(org["manager_a"]).get(reverse("wellbeing:week"), {"week": "garbage"}).status_code == 200


def test_day_view_tells_on_time_late_overtime_and_silent(as_user, org, req, clock):
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    device, token = services.device_issue(user=org["agent_a"], name="사무실 PC")
    services.device_register(token=token)
    services.device_events_record(
        device=device, events=[{"id": "e1", "kind": "shutdown", "at": seoul(MONDAY, 20, 0, 3).isoformat()}]
    )
    clock.move_to(seoul(MONDAY, 21, 0))
    response = as_user(org["manager_a"]).get(reverse("wellbeing:day"), {"date": "2026-11-16"})
    rows = {r.user.email: r for r in response.context["rows"]}
    assert rows["agent.a@dasan.test"].status == "overtime"
    assert rows["agent.a@dasan.test"].silent_devices == [device]  # last seen at 17:00, now 21:00


def test_day_view_tells_on_time_from_late_and_unreported_and_only_silence_is_flagged(as_user, org, clock):
    from tests.accounts.factories import UserFactory

    on_time, late, unreported = org["agent_a"], *(UserFactory(team=org["team_a"]) for _ in range(2))
    devices = {}
    for person, at in ((on_time, seoul(MONDAY, 18, 30, 4)), (late, seoul(MONDAY, 18, 50))):
        device, token = services.device_issue(user=person, name="PC")
        services.device_register(token=token)
        devices[person.pk] = device
        clock.move_to(at)
        services.device_events_record(
            device=device, events=[{"id": f"s{person.pk}", "kind": "shutdown", "at": at.isoformat()}]
        )
    clock.move_to(seoul(MONDAY, 18, 55))
    response = as_user(org["manager_a"]).get(reverse("wellbeing:day"), {"date": "2026-11-16"})
    rows = {r.user.pk: r for r in response.context["rows"]}
    assert rows[on_time.pk].status == "on_time" and rows[late.pk].status == "late"
    assert rows[unreported.pk].status == "no_report" and rows[unreported.pk].devices == []
    assert rows[on_time.pk].silent_devices == [devices[on_time.pk]]  # 25 minutes without a word
    assert rows[late.pk].silent_devices == []  # seen 5 minutes ago
    assert not any(r.user == org["agent_b"] for r in rows.values())  # another team's agent


def test_devices_issue_once_and_revoke(as_user, org, clock):
    c = as_user(org["agent_a"])
    response = c.post(reverse("wellbeing:devices"), {"name": "집 PC"})
    token = response.context["new_token"]
    assert token.startswith("dt_") and token not in c.get(reverse("wellbeing:devices")).content.decode()
    device = Device.objects.get(user=org["agent_a"])
    assert (
        as_user(org["agent_b"]).post(reverse("wellbeing:device_revoke", args=[device.pk])).status_code == 404
    )
    device.refresh_from_db()
    assert device.revoked_at is None
    as_user(org["agent_a"]).post(reverse("wellbeing:device_revoke", args=[device.pk]))
    device.refresh_from_db()
    assert device.revoked_at is not None


def test_staff_download_the_pc_agent_and_its_install_notes(client, as_user, org, clock):
    url = reverse("wellbeing:pc_agent_download", args=["dasan_pc_agent.py"])
    assert client.get(url).status_code == HTTPStatus.FOUND  # anonymous: to the login page
    c = as_user(org["agent_a"])
    page = c.get(reverse("wellbeing:devices")).content.decode()
    assert url in page and reverse("wellbeing:pc_agent_download", args=["README.md"]) in page
    response = c.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="dasan_pc_agent.py"'
    assert b"".join(response.streaming_content).startswith(b"#!/usr/bin/env python3")
    notes = c.get(reverse("wellbeing:pc_agent_download", args=["README.md"]))
    assert notes.status_code == HTTPStatus.OK and b"Windows" in b"".join(notes.streaming_content)
    for other in ("__init__.py", "settings.py", "..%2Fviews.py"):
        assert c.get(f"/wellbeing/devices/agent/{other}").status_code == HTTPStatus.NOT_FOUND, other


def test_flexible_request_flow(as_user, org, clock):
    c = as_user(org["agent_a"])
    data = {
        "kind": "childcare",
        "start_date": "2026-11-23",
        "end_date": "2026-12-31",
        "start_time": "09:00",
        "end_time": "16:00",
        "weekdays": ["0", "1", "2", "3", "4"],
        "reason": "어린이집 하원",
    }
    c.post(reverse("wellbeing:flexible"), data)
    flex = FlexibleScheduleRequest.objects.get()
    url = reverse("wellbeing:flexible_decide", args=[flex.pk])
    assert as_user(org["manager_b"]).post(url, {"action": "approve"}).status_code == 404
    as_user(org["manager_a"]).post(url, {"action": "approve"})
    flex.refresh_from_db()
    assert flex.state == "approved"
    from wellbeing.selectors import shutdown_plan

    assert shutdown_plan(user=org["agent_a"], on=MONDAY + timedelta(days=7)).shutdown_at == seoul(
        MONDAY + timedelta(days=7), 16, 30
    )


def test_bad_flexible_request_names_fields_and_stores_nothing(as_user, org, clock):
    response = as_user(org["agent_a"]).post(
        reverse("wellbeing:flexible"),
        {
            "kind": "staggered",
            "start_date": "2026-11-20",
            "end_date": "2026-11-19",
            "start_time": "10:00",
            "end_time": "09:00",
            "weekdays": ["0"],
            "reason": "r",
        },
    )
    errors = response.context["form"].errors
    assert "before the first" in errors["end_date"][0] and "after the start" in errors["end_time"][0]
    assert not FlexibleScheduleRequest.objects.exists()


def test_flagging_an_abusive_call_grants_a_break_and_tells_the_manager(as_user, org, clock):
    c = as_user(org["agent_a"])
    response = c.post(
        reverse("wellbeing:care_flag"),
        {"client": org["client_a"].pk, "note": "반복 욕설"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'data-testid="abuse-recorded"' in response.content.decode()
    report = AbusiveCallReport.objects.get()
    assert report.break_minutes == 30 and report.user == org["agent_a"]
    assert Notification.objects.filter(recipient=org["manager_a"], verb__contains="abusive call").exists()
    c.post(reverse("wellbeing:care_counselling", args=[report.pk]))
    report.refresh_from_db()
    assert report.counselling_requested_at is not None


def test_an_agent_cannot_flag_a_client_they_do_not_serve(as_user, org, clock):
    response = as_user(org["agent_a"]).post(
        reverse("wellbeing:care_flag"), {"client": org["client_b"].pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "clients you serve" in response.content.decode()
    assert 'data-testid="abuse-recorded"' not in response.content.decode()
    assert not AbusiveCallReport.objects.exists()


def test_counselling_only_for_own_reports(as_user, org, clock):
    report = AbuseFactory(user=org["agent_b"], client=org["client_b"])
    assert (
        as_user(org["agent_a"]).post(reverse("wellbeing:care_counselling", args=[report.pk])).status_code
        == 404
    )


def test_care_page_shows_counts_to_managers_only(as_user, org, clock):
    AbuseFactory(user=org["agent_a"], client=org["client_a"])
    AbuseFactory(user=org["agent_b"], client=org["client_b"])
    assert as_user(org["manager_a"]).get(reverse("wellbeing:care")).context["counts"] == [
        {
            "client_id": org["client_a"].pk,
            "client__name": "한빛카드",
            "client__slug": "hanbit-card",
            "count": 1,
        }
    ]
    assert as_user(org["agent_a"]).get(reverse("wellbeing:care")).context["counts"] == []


def test_call_mode_include_renders_standalone(org, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = org["agent_a"]
    html = render_to_string("wellbeing/_call_mode_abuse.html", {"client": org["client_a"]}, request=request)
    assert (
        'name="client" value="{}"'.format(org["client_a"].pk) in html
        and "hx-post" in html
        and "<script" not in html
    )


def test_dashboard_widget_shows_shutdown_and_pending_count(as_user, org, req):
    body = as_user(org["agent_a"]).get(reverse("home")).content.decode()
    assert 'data-testid="widget-shutdown">18:30<' in body
    body = as_user(org["manager_a"]).get(reverse("home")).content.decode()
    assert "1 request to decide" in body
