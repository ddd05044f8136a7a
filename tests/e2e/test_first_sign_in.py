"""Journey: a manager signs in for the first time, on a desk PC and on a phone.

Password → why and how to set up the authenticator app (QR code and key) → recovery codes with
print and download → back to the page they asked for. No second password prompt.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import ManagerFactory, totp_code_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_manager_first_sign_in(new_page, screenshot, width, height, db):
    manager = ManagerFactory(totp=False, name="박지훈")
    page = new_page(viewport={"width": width, "height": height})
    page.goto("/wellbeing/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/wellbeing/$"))
    page.locator("#id_login").fill(manager.email)
    page.locator("#id_password").fill("correct-horse-battery")
    screenshot(page, f"first-sign-in-1-login-{width}")
    page.get_by_role("button", name="로그인", exact=True).click()

    # Straight to the set-up: no "confirm your password" page in between.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("2단계 인증 설정")
    expect(page.get_by_test_id("mfa-why")).to_contain_text("회사 보안 정책")
    expect(page.get_by_text("Google Authenticator")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert len(secret) >= 16
    screenshot(page, f"first-sign-in-2-setup-{width}")

    page.get_by_label("6자리 코드").fill("000000")
    page.get_by_role("button", name="확인하고 계속").click()
    expect(page.get_by_role("alert").first).to_contain_text("코드가 맞지 않습니다")
    screenshot(page, f"first-sign-in-2b-wrong-code-{width}")

    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("6자리 코드").fill(totp_code_for(secret, typed=True))
    page.get_by_role("button", name="확인하고 계속").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    expect(page.get_by_role("button", name="인쇄")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="파일로 내려받기").click()
    assert download.value.suggested_filename == "다산-복구코드.txt"
    screenshot(page, f"first-sign-in-3-recovery-codes-{width}")

    page.get_by_test_id("continue").click()
    expect(page).to_have_url(re.compile(r"/wellbeing/$"))
    screenshot(page, f"first-sign-in-4-destination-{width}")
