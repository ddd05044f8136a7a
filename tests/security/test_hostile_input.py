"""Issue 18, item 6: hostile input is a 400 with a message naming the field, never a 500.

The requests are the red team's (Schemathesis): NUL bytes, digits other than 0-9, extreme dates,
huge numbers and impossible UTC offsets, on the pages and the API alike.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Notification, Team
from accounts.services import api_token_create
from wellbeing import services as wellbeing_services
from wellbeing.models import DeviceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, org):
    client.force_login(org["agent_a"])
    return client


@pytest.fixture
def manager(org):
    c = Client()
    c.force_login(org["manager_a"])
    return c


@pytest.fixture
def api(org):
    _t, key = api_token_create(user=org["agent_a"], name="fuzz")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _bad(response, field: str, words: str) -> None:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:300]
    text = response.content.decode()
    assert field in text and words in text, text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/knowledge/search/?q=%00&client={client}",
        "/api/v1/knowledge/articles/?client=%00",
        "/api/v1/bookclub/books/?q=%00",
        "/api/v1/reports/snapshots/?status=%00",
        "/api/v1/knowledge/calls/topics/?client={client}&run=%00",
    ],
)
def test_nul_in_api_query_strings_is_a_400(api, org, url):
    _bad(api.get(url.format(client=org["client_a"].pk)), "NUL", "not allowed")


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("knowledge:search", "q=%00"),
        ("knowledge:call_mode", "q=%00"),
        ("accounts:directory", "q=%00"),
        ("bookclub:library", "q=%00"),
        ("reports:home", "x=%00"),
    ],
)
def test_nul_in_page_query_strings_is_a_400(agent, name, query):
    _bad(agent.get(f"{reverse(name)}?{query}"), "NUL", "not allowed")


def test_non_ascii_digits_are_a_400_naming_the_parameter(agent, manager, api, org):
    slug = org["client_a"].slug
    _bad(agent.get(reverse("knowledge:client", args=[slug]) + "?category=²"), "category", "0-9")
    _bad(manager.get(reverse("knowledge:calls_topics", args=[slug]) + "?run=²"), "run", "0-9")
    _bad(manager.get(reverse("reports:team") + "?team=²"), "team", "0-9")
    _bad(api.get(f"/api/v1/knowledge/calls/topics/?client={org['client_a'].pk}&run=१२"), "run", "0-9")
    # Notification ids in a form: nothing marked read.
    note = Notification.objects.create(recipient=org["agent_a"], verb="hello")
    _bad(agent.post(reverse("accounts:notifications_read"), {"id": ["²", str(note.pk)]}), "id", "0-9")
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_extreme_dates_are_a_400(api, day):
    _bad(api.get(f"/api/v1/wellbeing/shutdown-plan/?date={day}"), "date", "between the years")


def test_device_events_with_nul_huge_numbers_or_odd_offsets_store_nothing(org):
    _device, token = wellbeing_services.device_issue(user=org["agent_a"], name="PC")
    c = Client()
    credential = c.post(
        "/api/v1/wellbeing/devices/register/",
        {"hostname": "pc", "platform": "Windows"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Register {token}",
    ).json()["credential"]
    url = "/api/v1/wellbeing/device/events/"
    auth = {"HTTP_AUTHORIZATION": f"Device {credential}"}
    ok = {"id": "e1", "kind": "heartbeat", "at": "2026-11-16T17:00:00+09:00"}
    cases = [
        ({**ok, "kind": "heart\u0000beat"}, "kind", "NUL"),
        ({**ok, "plan_version": 2**70}, "plan_version", "too large"),
        ({**ok, "at": "2026-11-16T17:00:00+25:00"}, "at", "offset"),
        ({**ok, "at": "9999-12-31T23:59:59+09:00"}, "at", "between the years"),
    ]
    for event, field, words in cases:
        response = c.post(url, {"events": [event]}, content_type="application/json", **auth)
        _bad(response, field, words)
    assert not DeviceEvent.objects.exists()
    assert c.post(url, {"events": [ok]}, content_type="application/json", **auth).json() == {"stored": 1}


def test_free_text_search_may_hold_any_digit(agent):
    assert agent.get(reverse("knowledge:search") + "?q=카드１２").status_code == HTTPStatus.OK


def test_team_filter_still_works_with_plain_digits(manager, org):
    assert manager.get(reverse("reports:team") + f"?team={org['team_a'].pk}").status_code == HTTPStatus.OK
    assert Team.objects.filter(pk=org["team_a"].pk).exists()
