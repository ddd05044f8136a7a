"""Accessibility of the main pages of each role, checked with axe-core in the browser.

axe-core is vendored for the tests only (tests/e2e/vendor/). Every page must have no violation
of impact "serious" or "critical" (WCAG 2.1 A and AA rules); the counts per page are written to
var/screenshots/axe-<role>.json. Keyboard users must see where the focus is.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.pages import pages_for, seed

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """
async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}
"""


def _audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize(
    "role,who", [("agent", "agent_a"), ("manager", "manager_a"), ("admin", "admin_user")]
)
def test_main_pages_have_no_serious_accessibility_problems(new_page, login, org, role, who):
    world = seed(org)
    # The CSP forbids inline scripts; the audit script is injected by the test only.
    page = new_page(bypass_csp=True)
    login(page, org[who])
    figures, serious = {}, []
    for name, path in pages_for(role, world):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        violations = _audit(page)
        figures[name] = {
            impact: sum(1 for v in violations if v["impact"] == impact)
            for impact in ("critical", "serious", "moderate", "minor")
        }
        serious += [
            f"{name}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"axe-{role}.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    assert not serious, "\n".join(serious)


FOCUS_VISIBLE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
  return {tag: el.tagName, text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 30),
          ring: ring, onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight + 2000};
}
"""


@pytest.mark.parametrize("path", ["/", "/bookclub/", "/wellbeing/overtime/new/", "/people/directory/"])
def test_keyboard_focus_is_always_visible(new_page, login, org, path):
    page = new_page()
    login(page, org["agent_a"])
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.locator("body").click(position={"x": 1, "y": 1})
    unseen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        if focused is None:
            continue
        if not (focused["ring"] and focused["onScreen"]):
            unseen.append(focused)
    assert not unseen, unseen


def test_sign_in_set_up_and_error_pages_have_no_serious_problems(new_page, org, db):
    from tests.accounts.factories import ManagerFactory

    page = new_page(bypass_csp=True)
    found = {}
    for name, path in [("login", "/accounts/login/"), ("password-reset", "/accounts/password/reset/")]:
        page.goto(path)
        found[name] = _audit(page)
    manager = ManagerFactory(totp=False)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(manager.email)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url("**/2fa/totp/activate/**")
    found["totp-setup"] = _audit(page)
    page.goto("/no-such-page/")
    found["404"] = _audit(page)
    serious = [
        f"{n}: {v['id']} {v['nodes']}"
        for n, vs in found.items()
        for v in vs
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def test_shutdown_timeline_stays_legible_once_notices_have_passed(new_page, login, org):
    """The wellbeing page changes with the clock: after a notice has gone out its chip is
    marked as past. Audit it at a fixed weekday 18:12 (the 18:00 notice past, 18:20 to come, under the
    18:30 default), so the check does not depend on when the suite runs."""
    import time_machine

    tuesday_1812 = datetime(2026, 12, 8, 18, 12, tzinfo=ZoneInfo("Asia/Seoul"))
    with time_machine.travel(tuesday_1812, tick=True):
        page = new_page(bypass_csp=True)
        login(page, org["agent_a"])
        page.goto("/wellbeing/")
        page.wait_for_load_state("networkidle")
        assert page.locator(".wb-timeline li.is-past").count() >= 1
        assert page.locator(".wb-timeline li:not(.is-past):not(.wb-timeline__end)").count() >= 1
        serious = [v for v in _audit(page) if v["impact"] in ("serious", "critical")]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".wb-plan").screenshot(path=str(SCREENSHOTS / "wellbeing-notices-past.png"))
    assert not serious, serious
