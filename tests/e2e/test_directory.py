"""Journey: finding a colleague the way Korean groupware is searched — by initial consonants — on a
desk PC and a phone, with photo, 직급, extension and today's status for those allowed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_find_a_colleague_by_initials(new_page, login, org, screenshot, width, height):
    from wellbeing.models import AwayDay, AwayKind

    agent = org["agent_a"]
    agent.position, agent.extension, agent.phone = "주임", "4021", "010-1234-5678"
    agent.save(update_fields=["position", "extension", "phone"])
    org["manager_a"].position, org["manager_a"].job_title = "과장", "팀장"
    org["manager_a"].save(update_fields=["position", "job_title"])
    AwayDay.objects.create(user=org["agent_b"], date=timezone.localdate(), kind=AwayKind.REMOTE)

    page = new_page(viewport={"width": width, "height": height})
    login(page, org["manager_a"])
    page.goto("/people/directory/")
    screenshot(page, f"directory-{width}")
    page.get_by_role("searchbox", name="검색", exact=True).fill("ㄱㅁㅈ")
    results = page.get_by_test_id("directory-results")
    expect(results.locator("li")).to_have_count(1)
    expect(results).to_contain_text("김민지")
    expect(results).to_contain_text("주임")
    expect(results).to_contain_text("4021")
    expect(results).to_contain_text("010-1234-5678")  # her manager may see the mobile number
    screenshot(page, f"directory-initials-{width}")

    page.get_by_role("searchbox", name="검색", exact=True).fill("")
    expect(results.locator("li")).to_have_count(5)
    # Another team's agent: no mobile number, no status for this manager.
    other = results.locator("li", has_text="이서준")
    expect(other).not_to_contain_text("재택")
    page.goto("/people/teams/")
    expect(page.get_by_test_id("team-tree")).to_contain_text("상담1팀")
    screenshot(page, f"team-tree-{width}")
