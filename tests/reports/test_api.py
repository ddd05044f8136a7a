"""The reports API: /api/v1/reports/snapshots/ under the call-data rule."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts import services as account_services
from reports import services
from reports.models import ReportSnapshot, SnapshotTrigger

from .conftest import NOV

pytestmark = pytest.mark.django_db
LIST = "/api/v1/reports/snapshots/"


@pytest.fixture
def snap(month_data, org):
    return services.snapshot_build_now(
        client=month_data["client"],
        since=NOV[0],
        until=NOV[1],
        by=org["manager_a"],
        trigger=SnapshotTrigger.REQUEST,
    )


def _api(client, user):
    _token, key = account_services.api_token_create(user=user, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.mark.parametrize(
    ("who", "count"), [("agent_a", 1), ("manager_a", 1), ("admin_user", 1), ("agent_b", 0), ("manager_b", 0)]
)
def test_list_shows_only_visible_snapshots(snap, org, client, who, count):
    response = _api(client, org[who]).get(LIST)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("who", "status"), [("agent_a", 200), ("admin_user", 200), ("agent_b", 404), ("manager_b", 404)]
)
def test_detail_follows_the_rule(snap, org, client, who, status):
    assert _api(client, org[who]).get(f"{LIST}{snap.pk}/").status_code == status


def test_detail_has_summary_findings_and_figures(snap, org, client):
    body = _api(client, org["agent_a"]).get(f"{LIST}{snap.pk}/").json()
    assert body["client"] == "hanbit-card" and body["period_start"] == "2026-11-01" and body["version"] == 1
    assert body["summary"] == {"calls": 6, "aht": 435.0, "coverage": 0.5, "findings": len(body["findings"])}
    assert body["figures"]["totals"]["calls"] == 6
    assert body["findings"][0]["text"].startswith("Calls rose 100%")
    assert body["built_by"] == "manager.a@dasan.test"


def test_list_filters_and_bad_filters(snap, org, client):
    c = _api(client, org["admin_user"])
    ReportSnapshot.objects.create(client=org["client_b"], period_start=NOV[0], period_end=NOV[1])
    assert c.get(LIST, {"client": "hanbit-card"}).json()["count"] == 1
    assert c.get(LIST, {"status": "queued"}).json()["count"] == 1
    response = c.get(LIST, {"status": "nope"})
    assert response.status_code == HTTPStatus.BAD_REQUEST and "status" in response.json()
    assert c.get(LIST, {"client": "no-such"}).status_code == HTTPStatus.NOT_FOUND
    # An agent of client_a may not list client_b even by naming it.
    assert (
        _api(client, org["agent_a"]).get(LIST, {"client": "nuri-telecom"}).status_code == HTTPStatus.NOT_FOUND
    )


def test_anonymous_is_refused(snap, client):
    assert client.get(LIST).status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_list_does_not_load_figures(snap, org, client, django_assert_max_num_queries):
    c = _api(client, org["admin_user"])
    for month in (9, 10):
        ReportSnapshot.objects.create(
            client=org["client_a"],
            period_start=NOV[0].replace(month=month),
            period_end=NOV[0].replace(month=month, day=28),
        )
    with django_assert_max_num_queries(8):
        assert c.get(LIST).json()["count"] == 3


def test_an_empty_status_is_refused_like_any_value_outside_the_list(snap, org, client):
    # Schemathesis: `?status=` was read as "no filter" though the schema's enum has no "".
    response = _api(client, org["admin_user"]).get(f"{LIST}?status=")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"status": ["one of: queued, running, done, failed"]}
    assert _api(client, org["admin_user"]).get(LIST).json()["count"] == 1  # no parameter: no filter
