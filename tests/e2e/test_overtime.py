"""Journey 4: at 18:00 an agent files overtime until 20:00; the manager approves it on a phone; the
agent's plan (and so the PC agent's) moves to 20:00 while a colleague's stays at 18:30."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from playwright.sync_api import expect

from wellbeing.timeutils import SEOUL

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = date(2026, 11, 16)


@pytest.fixture
def at_six_pm():
    with time_machine.travel(datetime.combine(MONDAY, time(18, 0), tzinfo=SEOUL), tick=True):
        yield


def test_agent_requests_overtime_manager_approves_on_a_phone(new_page, login, org, screenshot, at_six_pm):
    agent, manager = org["agent_a"], org["manager_a"]

    desk = new_page()
    login(desk, agent)
    desk.goto("/wellbeing/")
    expect(desk.get_by_test_id("shutdown-time")).to_have_text("18:30")
    expect(desk.get_by_test_id("plan-card")).to_contain_text("종료까지")
    screenshot(desk, "wellbeing-agent-before")

    desk.get_by_label("종료 예정 시각").fill("20:00")
    desk.get_by_label("사유").fill("한빛카드 월말 정산 문의 콜백 처리")
    desk.get_by_role("button", name="신청하기").click()
    expect(desk.get_by_text("연장근무를 신청했습니다")).to_be_visible()
    expect(desk.locator(".badge", has_text="승인 대기")).to_be_visible()
    screenshot(desk, "wellbeing-agent-requested")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, manager)
    phone.goto("/wellbeing/manage/inbox/")
    card = phone.locator(".wb-decide", has_text=agent.name)
    expect(card).to_contain_text("~20:00")
    expect(card).to_contain_text("연장 2시간")
    screenshot(phone, "wellbeing-manager-phone-inbox")
    approve = card.get_by_role("button", name="승인")
    box = approve.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390  # a real thumb target, on screen
    card.get_by_placeholder("의견 (반려 시 필수)").fill("수고 많으세요")
    approve.tap()
    expect(phone.get_by_text(f"승인했습니다. {agent.name}님의 PC는 20:00에 종료됩니다.")).to_be_visible()
    expect(phone.get_by_text("결정할 신청이 없습니다.")).to_be_visible()
    screenshot(phone, "wellbeing-manager-phone-approved")
    # Nothing overflows sideways on the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    desk.goto("/wellbeing/")
    expect(desk.get_by_test_id("shutdown-time")).to_have_text("20:00")
    expect(desk.get_by_test_id("plan-card")).to_contain_text("20:00까지 연장근무 승인됨")
    expect(desk.get_by_test_id("plan-card")).to_contain_text("19:30")  # the first warning moved too
    screenshot(desk, "wellbeing-agent-approved")

    other = new_page()
    login(other, org["agent_b"])
    other.goto("/wellbeing/")
    expect(other.get_by_test_id("shutdown-time")).to_have_text("18:30")


def test_abusive_call_panel_flags_in_one_click(new_page, login, org, screenshot, at_six_pm):
    page = new_page()
    login(page, org["agent_a"])
    page.goto("/wellbeing/care/")
    panel = page.locator("[data-wb-abuse]")
    expect(panel.get_by_test_id("abuse-script")).to_contain_text(
        "고객님, 계속 폭언을 하시면 상담을 종료하겠습니다"
    )
    panel.get_by_test_id("abuse-flag").click()
    expect(panel.get_by_test_id("abuse-recorded")).to_contain_text("30분 휴식")
    screenshot(page, "wellbeing-care")


def test_manager_pages_on_a_phone(new_page, login, org, screenshot, at_six_pm):
    from wellbeing import services

    req = services.overtime_submit(user=org["agent_a"], day=MONDAY, end_time=time(19, 0), reason="VOC 정리")
    services.overtime_approve(request_id=req.pk, by=org["manager_a"])
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, org["manager_a"])
    phone.goto("/wellbeing/manage/week/")
    expect(phone.get_by_test_id("week-table")).to_contain_text(org["agent_a"].name)
    tab = phone.locator(".wb-tabs a.is-active").bounding_box()
    assert tab["x"] >= 0 and tab["x"] + tab["width"] <= 390  # the current tab is scrolled into view
    screenshot(phone, "wellbeing-manager-phone-week")
    desk = phone  # the same signed-in manager (a second TOTP login would reuse the same code)
    desk.set_viewport_size({"width": 1366, "height": 768})
    desk.goto("/wellbeing/manage/week/")
    screenshot(desk, "wellbeing-manager-week")
    desk.goto("/wellbeing/manage/day/")
    expect(desk.get_by_test_id("day-table")).to_contain_text("승인된 연장근무")
    screenshot(desk, "wellbeing-manager-day")


def test_tour_of_the_other_pages(new_page, login, org, screenshot, at_six_pm):
    """Every wellbeing page renders in Korean; bad input shows the message next to the field."""
    page = new_page()
    login(page, org["agent_a"])
    page.goto("/")
    expect(page.get_by_test_id("widget-shutdown")).to_have_text("18:30")
    screenshot(page, "wellbeing-dashboard-widget")
    page.goto("/wellbeing/overtime/new/")
    page.get_by_label("종료 예정 시각").fill("17:00")
    page.get_by_label("사유").fill("테스트")
    page.get_by_role("button", name="신청하기").click()
    expect(page.get_by_test_id("error-end_time")).to_contain_text("정규 퇴근 시각(18:00) 이후")
    screenshot(page, "wellbeing-overtime-error")
    page.goto("/wellbeing/devices/")
    page.get_by_label("PC 이름").fill("재택 노트북")
    page.get_by_role("button", name="등록 토큰 발급").click()
    expect(page.get_by_test_id("device-token")).to_contain_text("dt_")
    screenshot(page, "wellbeing-devices")
    page.goto("/wellbeing/flexible/")
    screenshot(page, "wellbeing-flexible")
    admin = new_page()
    login(admin, org["admin_user"])
    admin.goto("/wellbeing/manage/days-off/?year=2026")
    expect(admin.get_by_text("삼일절 대체 휴일")).to_be_visible()
    screenshot(admin, "wellbeing-days-off")
    admin.goto("/wellbeing/manage/inbox/")
    screenshot(admin, "wellbeing-inbox-desktop")


def test_agent_files_overtime_from_a_phone(new_page, login, org, screenshot, at_six_pm):
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, org["agent_a"])
    phone.goto("/wellbeing/overtime/new/")
    phone.get_by_label("종료 예정 시각").fill("19:30")
    phone.get_by_label("사유").fill("누리텔레콤 장애 문의 콜백")
    screenshot(phone, "wellbeing-agent-phone-request-form")
    send = phone.get_by_role("button", name="신청하기")
    box = send.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    send.tap()
    expect(phone.get_by_text("연장근무를 신청했습니다")).to_be_visible()
    expect(phone.locator(".badge", has_text="승인 대기").first).to_be_visible()
    screenshot(phone, "wellbeing-agent-phone-requested")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
