"""Every main page on a 390 px phone: nothing cut off, no one-syllable lines, every tab reachable.

Screenshots: var/screenshots/phone-<role>-<page>.png (looked at by a person).
"""

from __future__ import annotations

import pytest

from tests.e2e.layout import layout_problems
from tests.e2e.pages import pages_for, seed

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    "role,who", [("agent", "agent_a"), ("manager", "manager_a"), ("admin", "admin_user")]
)
def test_main_pages_fit_a_phone(new_page, login, org, screenshot, role, who):
    world = seed(org)
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, org[who])
    found = {}
    for name, path in pages_for(role, world):
        response = page.goto(path)
        assert response.status == 200, (name, path, response.status)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"phone-{role}-{name}")
        problems = layout_problems(page, PHONE["width"])
        if problems:
            found[name] = problems
    assert not found, "\n".join(f"{name}: {p}" for name, ps in found.items() for p in ps)
