"""One error vocabulary: a refusal raised in a view becomes the response the API and the pages give.

The views under test (tests/core/error_urls.py) only raise; `config.api_errors.exception_handler`
and `core.errors.shown` decide what the caller sees.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import constants as levels
from django.contrib.messages import get_messages

from core.errors import Conflict, DomainError, NotAllowed, NotFound, RuleError

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_vocabulary_has_one_base_and_the_statuses_the_api_answers():
    assert [cls.status for cls in (RuleError, NotAllowed, NotFound, Conflict)] == [400, 403, 404, 409]
    assert all(issubclass(cls, DomainError) for cls in (RuleError, NotAllowed, NotFound, Conflict))
    assert issubclass(NotAllowed, RuleError)  # "did a rule say no?" catches both
    error = RuleError("Add between 1 and 200 copies.", field="count")
    assert (str(error), error.message, error.field) == ("Add between 1 and 200 copies.", str(error), "count")


def test_the_apps_names_are_the_shared_ones():
    from bookclub import services as club
    from wellbeing import services as wb

    assert club.RuleError is RuleError and club.NotAllowed is NotAllowed
    assert issubclass(wb.DecisionConflict, Conflict)


# --- API ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("rule", 400, {"detail": "No copy is free."}),
        ("rule-field", 400, {"count": ["Add between 1 and 200 copies."]}),
        ("not-allowed", 403, {"detail": "Only librarians can add books."}),
        ("not-found", 404, {"detail": "Not found."}),  # never says what was not found
        ("conflict", 409, {"detail": "Already approved by 박지현 at 18:02."}),
        ("invalid-fields", 400, {"count": ["Too many."], "note": ["Too long."]}),
        ("invalid", 400, {"non_field_errors": ["This report is being built already."]}),
        ("denied", 403, {"detail": "Only managers of this client."}),
        ("fine", 201, {"ok": True}),
    ],
)
def test_the_api_answers_each_refusal_with_its_status_and_body(client, kind, status, body):
    response = client.post(f"/refuses/api/{kind}/", **EN)
    assert response.status_code == status
    assert response.json() == body


def test_an_api_view_may_hide_what_is_someone_elses_as_not_found(client):
    response = client.post("/refuses/api-hidden/not-allowed/", **EN)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    # other refusals are unchanged there
    assert client.post("/refuses/api-hidden/rule/", **EN).json() == {"detail": "No copy is free."}


def test_an_unexpected_error_is_still_a_server_error(client):
    client.raise_request_exception = False
    from tests.core import error_urls

    error_urls.REFUSALS["boom"] = lambda: RuntimeError("boom")
    try:
        assert client.post("/refuses/api/boom/").status_code == 500
    finally:
        del error_urls.REFUSALS["boom"]


# --- Pages --------------------------------------------------------------------------------------
def _messages(response):
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("kind", "level", "text"),
    [
        ("rule", levels.ERROR, "No copy is free."),
        ("rule-field", levels.ERROR, "Add between 1 and 200 copies."),
        ("not-allowed", levels.ERROR, "Only librarians can add books."),
        ("conflict", levels.WARNING, "Already approved by 박지현 at 18:02."),  # someone else was first
        ("invalid-fields", levels.ERROR, "Too many. Too long."),
        ("invalid", levels.ERROR, "This report is being built already."),
    ],
)
def test_a_page_shows_a_refusal_as_a_message_and_goes_back(client, kind, level, text):
    response = client.get(f"/refuses/page/{kind}/")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert _messages(response) == [(level, text)]


def test_a_page_that_succeeds_goes_on_without_a_message(client):
    response = client.get("/refuses/page/fine/")
    assert response["Location"] == "/done/" and _messages(response) == []


def test_not_found_is_a_404_page_and_not_allowed_one_when_the_view_hides_it(client):
    assert client.get("/refuses/page/not-found/").status_code == 404
    assert client.get("/refuses/page/not-allowed/?hide=1").status_code == 404
    assert client.get("/refuses/page/rule/?hide=1").status_code == 302


def test_django_permission_denied_is_left_to_the_403_page(client):
    assert client.get("/refuses/page/denied/").status_code == 403


@pytest.mark.parametrize(
    ("kind", "errors"),
    [
        ("rule-field", {"count": ["Add between 1 and 200 copies."]}),  # on the field it names
        ("rule", {"__all__": ["No copy is free."]}),
        ("conflict", {"__all__": ["Already approved by 박지현 at 18:02."]}),
        # a field the form does not have goes to the top of the form
        ("invalid-fields", {"count": ["Too many."], "__all__": ["Too long."]}),
        ("invalid", {"__all__": ["This report is being built already."]}),
    ],
)
def test_a_form_page_shows_the_refusal_on_the_form(client, kind, errors):
    response = client.get(f"/refuses/form/{kind}/")
    assert response.status_code == 200
    shown = {field: [e["message"] for e in items] for field, items in json.loads(response.content).items()}
    assert shown == errors
    assert _messages(response) == []
