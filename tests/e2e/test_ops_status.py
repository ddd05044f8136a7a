"""An admin opens the system status page from the user menu; it shows the queues and today's notices
in Korean and refreshes itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ops import services
from ops.models import Heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_opens_the_status_page_from_the_menu_and_it_refreshes(new_page, login, org, screenshot):
    now = timezone.now()
    services.heartbeat_record(name=Heartbeat.BEAT, at=now - timedelta(seconds=20))
    services.queue_probed(queue="urgent", sent_at=now - timedelta(seconds=1), worker="urgent@web1")
    page = new_page(viewport={"width": 1366, "height": 900})
    login(page, org["admin_user"])
    page.locator("summary.user-chip").click()
    page.get_by_role("link", name="시스템 상태").click()
    expect(page.get_by_role("heading", name="시스템 상태")).to_be_visible()
    expect(page.get_by_test_id("ops-queues")).to_contain_text("urgent")
    expect(page.get_by_test_id("ops-workers")).to_contain_text("urgent@web1")

    # Beat ticks again; the panel shows it at the next refresh without a reload.
    later = timezone.now()
    services.heartbeat_record(name=Heartbeat.BEAT, at=later)
    expect(page.get_by_test_id("ops-panel")).to_contain_text(
        timezone.localtime(later).strftime("%H:%M:%S"), timeout=15000
    )
    screenshot(page, "ops-status-e2e")
