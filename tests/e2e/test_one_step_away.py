"""An agent reaches call mode and the manual search from anywhere: by clicks, or by keys only; and
call mode's answer, abusive-caller report and phone layout work as an agent on a call needs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.knowledge.search.helpers import indexed_articles
from wellbeing.models import AbusiveCallReport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manual(org):
    rows = [
        {
            "title": "해외에서 카드 분실 시 신고 방법",
            "question": "해외 여행 중 신용카드를 잃어버렸어요.",
            "answer": "고객님, 해외에서 카드를 분실하셨다면 먼저 카드 사용을 즉시 정지해 드리겠습니다.\n\n"
            + "\n\n".join(f"{n}. 안내 문장 {n}번입니다." for n in range(1, 12)),
            "cautions": "부정 사용 의심 거래가 있으면 이의 제기팀으로 연결하세요.",
            "category": "분실·도난",
        },
        {
            "title": "국내 카드 분실 신고",
            "answer": "분실 신고를 접수해 드리겠습니다.",
            "category": "분실·도난",
        },
        {"title": "카드 재발급 신청", "answer": "재발급은 앱에서 신청하실 수 있습니다.", "category": "발급"},
    ]
    indexed_articles(org["client_a"], rows)
    return org


def test_agent_reaches_call_mode_from_home_by_clicks_only(new_page, login, manual, screenshot):
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/")
    page.get_by_test_id("home-call-mode").click()
    expect(page).to_have_url(re.compile(r"/knowledge/call/$"))
    expect(page.locator(".cm-client.is-active")).to_contain_text("한빛카드")
    expect(page.locator("#cm-q")).to_be_focused()
    expect(page.get_by_role("navigation", name="메뉴").get_by_role("link", name="콜 모드")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "call-mode-from-home")

    # From any other page, one click in the navigation.
    page.goto("/bookclub/")
    page.get_by_role("navigation", name="메뉴").get_by_role("link", name="콜 모드").click()
    expect(page.locator("#cm-q")).to_be_focused()
    # The shortcut is shown where the link is.
    expect(page.locator("[data-nav=call]")).to_have_attribute("title", "콜 모드 (Alt+K)")


def test_agent_reaches_call_mode_and_search_by_keyboard_only(new_page, login, manual, screenshot):
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/")
    page.keyboard.press("Alt+k")
    expect(page).to_have_url(re.compile(r"/knowledge/call/$"))
    box = page.locator("#cm-q")
    expect(box).to_be_focused()
    box.press_sequentially("카드분실해외", delay=30)
    expect(page.locator(".cm-hit").first).to_contain_text("해외에서 카드 분실")
    page.keyboard.press("Enter")
    expect(page.locator("#cm-script")).to_contain_text("즉시 정지")
    expect(page.get_by_test_id("full-article")).to_be_visible()

    # Alt+A: the abusive-caller report, its button focused; Enter files it.
    page.keyboard.press("Alt+a")
    flag = page.get_by_test_id("abuse-flag")
    expect(flag).to_be_visible()
    expect(flag).to_be_focused()
    screenshot(page, "call-mode-abuse-panel")
    page.keyboard.press("Enter")
    expect(page.locator(".wb-abuse__result")).not_to_be_empty()
    report = AbusiveCallReport.objects.get()
    assert report.client == manual["client_a"]

    # "/" from any page focuses the header search; Enter opens the results.
    page.goto("/wellbeing/")
    page.keyboard.press("/")
    header_search = page.locator("#header-search")
    expect(header_search).to_be_focused()
    header_search.press_sequentially("카드 재발급", delay=30)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/knowledge/search/\?q="))
    expect(page.locator(".search-hit").first).to_contain_text("카드 재발급 신청")
    expect(page.locator("#search-results")).not_to_contain_text("관련도")

    # "?" lists the shortcuts.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alt+K")
    screenshot(page, "shortcuts-help")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_on_a_phone_the_opened_answer_scrolls_into_view(new_page, login, manual, screenshot):
    page = new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    login(page, manual["agent_a"])
    page.goto("/knowledge/call/")
    page.locator("#cm-q").fill("카드 분실")
    first = page.locator(".cm-hit", has_text="해외에서 카드 분실")
    expect(first).to_be_visible()
    top = "el => el.getBoundingClientRect().top"
    # one column: the answer opens below the results, near the bottom of the screen or under it
    assert page.locator("#cm-article").evaluate(top) > 600
    first.tap()
    expect(page.locator("#cm-script")).to_contain_text("즉시 정지")
    # it is brought up under the sticky header, title and script on screen
    for _ in range(40):  # the CSP forbids wait_for_function's eval: poll from here
        if page.locator("#cm-article").evaluate(top) < 120:
            break
        page.wait_for_timeout(50)
    assert 0 <= page.locator("#cm-article").evaluate(top) < 120
    expect(page.locator(".cm-article__title")).to_be_in_viewport()
    expect(page.locator("#cm-script")).to_be_in_viewport()
    screenshot(page, "call-mode-phone-answer")
