"""Search as you type: an agent typing fast sees the results of what is in the box, at once, and never
an earlier, slower answer painted over them; the list narrows before the server answers."""

from __future__ import annotations

import threading
import time
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from knowledge.search import interface
from tests.knowledge.search.helpers import indexed_articles

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manual(org):
    rows = [
        {
            "title": "해외에서 카드 분실 시 신고 방법",
            "answer": "해외 분실 신고를 접수합니다.",
            "category": "분실·도난",
        },
        {
            "title": "국내 카드 분실 신고",
            "answer": "분실 신고를 접수해 드리겠습니다.",
            "category": "분실·도난",
        },
        {"title": "카드 재발급 신청", "answer": "재발급은 앱에서 신청하실 수 있습니다.", "category": "발급"},
        {
            "title": "해외 결제 차단 설정",
            "answer": "앱에서 해외 결제를 막으실 수 있습니다.",
            "category": "결제",
        },
    ]
    indexed_articles(org["client_a"], rows)
    return org


@pytest.fixture(autouse=True)
def warm_server(live_server):
    """The live server's first page imports and renders much for the first time: on a busy machine
    longer than a page load may take here, so it is asked for before the browser comes."""
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()  # noqa: S310 (the test server)


@pytest.fixture
def slow_search(monkeypatch):
    """`slow_search(predicate, seconds)`: the live server answers the queries the predicate picks
    that much later. Returns an event set once such a slow answer has been sent."""

    def make(predicate, seconds):
        answered = threading.Event()
        real = interface.search

        def search(**kwargs):
            if predicate(kwargs["query"]):
                time.sleep(seconds)
                try:
                    return real(**kwargs)
                finally:
                    answered.set()
            return real(**kwargs)

        monkeypatch.setattr(interface, "search", search)
        return answered

    return make


def asked_for(query: str, path: str):
    return lambda request: path in request.url and parse_qs(urlsplit(request.url).query).get("q") == [query]


def test_a_slow_answer_to_an_earlier_keystroke_never_replaces_the_last_ones(
    new_page, login, manual, slow_search, screenshot
):
    answered = slow_search(lambda q: q == "카드", 1.5)
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/knowledge/call/")
    box = page.locator("#cm-q")
    with page.expect_request(asked_for("카드", "/knowledge/call/results/")):
        box.press_sequentially("카드", delay=20)
    box.press_sequentially(" 재발급", delay=20)

    shown = page.locator("#cm-results .cm-meta")
    expect(shown).to_have_attribute("data-q", "카드 재발급")
    expect(page.locator(".cm-hit").first).to_contain_text("카드 재발급 신청")
    assert answered.wait(5), "the slow answer for 카드 was never sent"
    page.wait_for_timeout(300)  # time enough to paint it, had it not been dropped
    expect(shown).to_have_attribute("data-q", "카드 재발급")
    expect(page.locator(".cm-hit").first).to_contain_text("카드 재발급 신청")
    expect(page.locator(".cm-hit").first).to_have_attribute("aria-selected", "true")
    screenshot(page, "call-mode-typed-fast")

    page.keyboard.press("Enter")  # the keyboard still opens what is shown
    expect(page.locator("#cm-script")).to_contain_text("재발급은 앱에서")


def test_typing_on_narrows_the_list_at_once_then_the_servers_answer_replaces_it(
    new_page, login, manual, slow_search, screenshot
):
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/knowledge/call/")
    box = page.locator("#cm-q")
    box.press_sequentially("카드", delay=20)
    expect(page.locator("#cm-results .cm-meta")).to_have_attribute("data-q", "카드")
    expect(page.locator(".cm-hit")).to_have_count(3)
    status = page.locator("#cm-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(page.locator("#cm-results .cm-meta > span").inner_text())

    answered = slow_search(lambda q: q.startswith("카드 "), 1.5)
    box.press_sequentially(" 재", delay=20)
    # Before the server answers: only the hit holding both words is left, selected for Enter.
    visible = page.locator(".cm-hit:visible")
    expect(visible).to_have_count(1, timeout=1000)
    expect(visible).to_contain_text("카드 재발급 신청")
    expect(visible).to_have_attribute("aria-selected", "true")
    expect(page.locator("#cm-results")).to_have_attribute("data-preview", "카드 재")
    assert not answered.is_set()
    screenshot(page, "call-mode-narrowed-while-typing")

    assert answered.wait(5)
    expect(page.locator("#cm-results .cm-meta")).to_have_attribute("data-q", "카드 재")
    expect(page.locator("#cm-results")).not_to_have_attribute("data-preview", "카드 재")
    expect(page.locator(".cm-hit").first).to_contain_text("카드 재발급 신청")


def test_a_query_no_hit_on_screen_holds_leaves_the_list_until_the_server_answers(
    new_page, login, manual, slow_search
):
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/knowledge/call/")
    box = page.locator("#cm-q")
    box.press_sequentially("카드", delay=20)
    expect(page.locator(".cm-hit")).to_have_count(3)
    slow_search(lambda q: q.startswith("카드 "), 1.0)
    box.press_sequentially(" 해지", delay=20)  # no hit on screen holds 해지: nothing is hidden
    page.wait_for_timeout(300)
    expect(page.locator(".cm-hit:visible")).to_have_count(3)


def test_search_page_typed_fast_shows_and_links_the_last_query(new_page, login, manual, slow_search):
    answered = slow_search(lambda q: q == "카드", 1.5)
    page = new_page()
    login(page, manual["agent_a"])
    page.goto("/knowledge/search/")
    box = page.locator("#search-q")
    with page.expect_request(asked_for("카드", "/knowledge/search/")):
        box.press_sequentially("카드", delay=20)
    box.press_sequentially(" 재발급", delay=20)
    expect(page.locator("#search-results [data-q]")).to_have_attribute("data-q", "카드 재발급")
    assert answered.wait(5)
    page.wait_for_timeout(300)
    expect(page.locator("#search-results [data-q]")).to_have_attribute("data-q", "카드 재발급")
    expect(page.locator(".search-hit").first).to_contain_text("카드 재발급 신청")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["카드 재발급"]
