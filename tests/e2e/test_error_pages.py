"""Error pages in the browser: Korean, with the navigation, on a desk PC and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.config.failing_urls")]

SIZES = [(1366, 768), (390, 844)]


@pytest.mark.parametrize("width,height", SIZES)
def test_error_pages(new_page, login, org, screenshot, width, height):
    page = new_page(viewport={"width": width, "height": height})
    login(page, org["agent_a"])

    page.goto("/bookclub/desk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("이 페이지를 볼 권한이 없습니다")
    expect(page.get_by_test_id("error-page")).to_contain_text("도서 데스크")
    expect(page.locator("nav.nav")).to_be_visible()
    screenshot(page, f"error-403-{width}")

    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("페이지를 찾을 수 없습니다")
    screenshot(page, f"error-404-{width}")

    page.goto("/bad/")
    expect(page.get_by_role("heading", level=1)).to_have_text("요청을 처리할 수 없습니다")
    screenshot(page, f"error-400-{width}")

    page.goto("/fails/")
    expect(page.get_by_role("heading", level=1)).to_have_text("일시적인 오류가 생겼습니다")
    expect(page.locator("nav.nav a").first).to_be_attached()
    screenshot(page, f"error-500-{width}")

    # A form whose CSRF token no longer matches (signed in again in another tab, say).
    page.goto("/people/notifications/")
    page.context.clear_cookies(name="csrftoken")
    page.evaluate(
        "document.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(i => i.value = 'x'.repeat(64))"
    )
    page.get_by_role("button", name="모두 읽음").or_(
        page.locator("form[action$='/read/'] button")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("양식의 유효 시간이 지났습니다")
    screenshot(page, f"error-csrf-{width}")
