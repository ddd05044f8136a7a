"""The admins' system status page: what it shows and who may open it."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from ops import selectors, services
from ops.models import Heartbeat
from tests.wellbeing.conftest import MONDAY, seoul
from wellbeing import services as wellbeing
from wellbeing.models import ShutdownNotice


@pytest.mark.parametrize("name", ["ops:status", "ops:status_panel"])
def test_only_admins_may_open_the_status_page(as_user, org, client, name):
    url = reverse(name)
    assert client.get(url).status_code == HTTPStatus.FOUND  # anonymous: to the sign-in page
    for who in ("agent_a", "manager_a"):
        client.logout()
        assert as_user(org[who]).get(url).status_code == HTTPStatus.FORBIDDEN
    client.logout()
    assert as_user(org["admin_user"]).get(url).status_code == HTTPStatus.OK


def test_the_admins_menu_links_to_it_and_nobody_elses_does(as_user, org, client):
    link = reverse("ops:status")
    assert link in as_user(org["admin_user"]).get(reverse("home")).content.decode()
    client.logout()
    assert link not in as_user(org["manager_a"]).get(reverse("home")).content.decode()


def test_notices_today_per_team_count_due_sent_late_and_failed(org, clock):
    # 18:00 sent on time; the dispatcher was down 18:01–18:22, so 18:20 was never sent (failed);
    # at 18:23 the catch-up sends nothing older, then 18:25 goes out at 18:27 (late).
    clock.move_to(seoul(MONDAY, 18, 0, 10))
    wellbeing.notices_dispatch()
    clock.move_to(seoul(MONDAY, 18, 27, 30))
    wellbeing.notices_dispatch()
    rows = {r.team: r for r in selectors.notices_by_team(now=seoul(MONDAY, 18, 27, 30))}
    team_a = rows[org["team_a"].name]
    assert (team_a.due, team_a.sent, team_a.late, team_a.failed) == (3, 2, 1, 1)
    assert ShutdownNotice.objects.filter(user=org["agent_a"]).count() == 2


def test_the_page_shows_queues_beat_notices_imports_and_errors(as_user, org, clock):
    now = seoul(MONDAY, 18, 0, 30)
    clock.move_to(now)
    wellbeing.notices_dispatch()
    services.heartbeat_record(name=Heartbeat.BEAT, at=now - timedelta(seconds=20))
    services.queue_probed(queue="urgent", sent_at=now - timedelta(seconds=1), worker="urgent@web1")
    services.task_error_record(task="knowledge.calls.import", task_id="abc", error="ValueError('bad file')")
    page = as_user(org["admin_user"]).get(reverse("ops:status")).content.decode()
    for part in ("ops-queues", "ops-workers", "ops-notices", "ops-imports", "ops-mining", "ops-errors"):
        assert f'data-testid="{part}"' in page
    assert "urgent@web1" in page
    assert "ValueError(&#x27;bad file&#x27;)" in page
    assert org["team_a"].name in page
    assert 'hx-trigger="every 10s"' in page  # refreshes itself


def test_the_panel_alone_is_sent_for_the_refresh(as_user, org):
    body = (
        as_user(org["admin_user"]).get(reverse("ops:status_panel"), HTTP_HX_REQUEST="true").content.decode()
    )
    assert body.lstrip().startswith('<div class="ops"')
    assert "<html" not in body


@pytest.mark.django_db
def test_a_task_that_raises_becomes_a_recent_error(monkeypatch):
    from ops import tasks
    from ops.models import TaskError

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "watchdog_run", broken)
    result = tasks.watchdog.apply(throw=False)  # as a worker runs it: the failure is not re-raised
    assert result.failed()
    error = TaskError.objects.get()
    assert error.task == "ops.tasks.watchdog"
    assert "database went away" in error.error
