"""Journey: an agent signs in, sees the dashboard in Korean, and switches to English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_signs_in_sees_korean_dashboard_and_switches_to_english(page, login, org, screenshot):
    agent = org["agent_a"]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    screenshot(page, "login")

    login(page, agent)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"안녕하세요, {agent.name}")
    expect(page.get_by_test_id("dashboard")).to_contain_text("한빛카드")
    screenshot(page, "dashboard-ko")

    page.locator("summary.user-chip", has_text="계정 메뉴").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {agent.name}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "dashboard-en")


def test_wrong_password_shows_a_clear_message(page, org):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(org["agent_a"].email)
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_api_docs_render_offline_under_the_content_security_policy(page, login, org, screenshot):
    login(page, org["agent_a"])
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Dasan API")
    screenshot(page, "api-docs")


def test_login_page_with_company_sso_configured(page, settings, screenshot, db):
    from tests.accounts.test_login_and_mfa import OIDC

    settings.SOCIALACCOUNT_PROVIDERS = OIDC
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="사내 SSO 계정으로 로그인")).to_be_visible()
    screenshot(page, "login-with-sso")
