"""The search page as agents use it: a short list while typing, the rest on 더 보기 or Enter, the keyboard
through the results, a count for screen readers, one history entry; and a plain form without JS."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.knowledge.search.helpers import indexed_articles

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manual(org):
    rows = [{"title": f"카드 분실 안내 {n:02d}", "answer": f"분실 신고 절차 {n}번"} for n in range(24)]
    rows.append({"title": "해외에서 카드 분실 시 신고 방법", "answer": "해외 분실 신고를 접수합니다."})
    indexed_articles(org["client_a"], rows)
    return org


@pytest.fixture(autouse=True)
def warm_server(live_server):
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()  # noqa: S310 (the test server)


def query_of(url: str) -> list[str] | None:
    return parse_qs(urlsplit(url).query).get("q")


def test_typing_shows_ten_then_more_and_the_keyboard_moves_through_the_results(
    new_page, login, manual, screenshot
):
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/knowledge/search/")
    history = page.evaluate("history.length")
    box = page.locator("#search-q")
    expect(box).to_be_focused()
    box.press_sequentially("카드 분실", delay=40)

    expect(page.locator("#search-results [data-q]")).to_have_attribute("data-q", "카드 분실")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(10)
    expect(page.locator("#search-status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#search-status")).to_have_text(page.locator("[data-count]").inner_text())
    assert query_of(page.url) == ["카드 분실"]
    assert page.evaluate("history.length") == history  # the address is replaced, not pushed per key
    screenshot(page, "search-page-typing")

    # ↓ from the box into the links, ↓ ↑ between them, ↑ from the first back to the box.
    titles = page.locator(".search-hit__title")
    box.press("ArrowDown")
    expect(titles.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(titles.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()

    # 더 보기: the longer list in place, the focus on the first hit it added.
    page.get_by_role("link", name="결과 더 보기").click()
    expect(hits).to_have_count(20)
    expect(titles.nth(10)).to_be_focused()
    assert parse_qs(urlsplit(page.url).query)["page"] == ["1"]
    screenshot(page, "search-page-more")

    # Enter in the box: the full list as a page of its own (the form's plain GET).
    box.click()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/knowledge/search/\?.*q="))
    expect(hits).to_have_count(20)
    first = titles.nth(0).inner_text().strip()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the focused result opens
    expect(page).not_to_have_url(re.compile(r"/knowledge/search/"))
    expect(page.locator("h1")).to_contain_text(first)


@pytest.fixture
def short_manual(org):
    indexed_articles(
        org["client_a"],
        [
            {"title": "해외에서 카드 분실 시 신고 방법", "answer": "해외 분실 신고를 접수합니다."},
            {"title": "국내 카드 분실 신고", "answer": "분실 신고를 접수해 드리겠습니다."},
            {"title": "카드 재발급 신청", "answer": "재발급은 앱에서 신청하실 수 있습니다."},
        ],
    )
    return org


def test_typing_on_narrows_the_list_before_the_server_answers(new_page, login, short_manual, monkeypatch):
    import time

    from knowledge.search import interface

    page = new_page()
    login(page, short_manual["agent_a"])
    page.goto("/knowledge/search/")
    box = page.locator("#search-q")
    box.press_sequentially("카드", delay=40)
    expect(page.locator("#search-results [data-q]")).to_have_attribute("data-q", "카드")

    real = interface.search

    def slow(**kwargs):
        if kwargs["query"].startswith("카드 "):
            time.sleep(1.5)
        return real(**kwargs)

    monkeypatch.setattr(interface, "search", slow)
    box.press_sequentially(" 해외", delay=40)
    visible = page.locator(".search-hit:visible")
    expect(visible).to_have_count(1, timeout=1000)
    expect(visible).to_contain_text("해외에서 카드 분실")
    expect(page.locator("#search-results")).to_have_attribute("data-preview", "카드 해외")
    expect(page.locator("#search-results [data-q]")).to_have_attribute("data-q", "카드 해외")
    expect(page.locator("#search-results")).not_to_have_attribute("data-preview", "카드 해외")


def test_without_javascript_the_form_and_more_link_still_work(new_page, login, manual):
    page = new_page(java_script_enabled=False)
    login(page, manual["agent_a"])
    page.goto("/knowledge/search/")
    page.locator("#search-q").fill("카드 분실")
    page.get_by_role("button", name="검색").click()
    assert query_of(page.url) == ["카드 분실"]
    expect(page.locator(".search-hit")).to_have_count(20)
    page.get_by_role("link", name="결과 더 보기").click()
    expect(page.locator(".search-hit")).to_have_count(25)
    expect(page.get_by_role("link", name="결과 더 보기")).to_have_count(0)
