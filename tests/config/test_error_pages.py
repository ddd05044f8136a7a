"""Error pages say what happened and what to do, keep the navigation, and come in Korean."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse


def _page(response) -> str:
    return response.content.decode()


def test_404_explains_and_keeps_the_navigation(as_user, org):
    response = as_user(org["agent_a"]).get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = _page(response)
    assert "Page not found" in page
    assert "What you can do" in page
    assert 'class="nav"' in page and reverse("knowledge:home") in page  # the sections are there
    assert reverse("home") in page


def test_404_is_korean_for_korean_readers(as_user, org):
    response = as_user(org["agent_a"]).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "페이지를 찾을 수 없습니다" in _page(response)


def test_403_says_why_and_who_is_signed_in(as_user, org):
    """An agent on the library desk (librarians only) is told so, in words, with the menu."""
    response = as_user(org["agent_a"]).get(reverse("bookclub:desk"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = _page(response)
    assert "You do not have access to this page" in page
    assert "Only librarians can open the library desk." in page
    assert org["agent_a"].name in page
    assert 'class="nav"' in page
    assert "Forbidden" not in page


def test_400_for_a_bad_host_is_our_page(client, db):
    response = client.get("/", HTTP_HOST="not-our-host.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The request could not be understood" in _page(response)


def test_500_renders_without_the_database():
    """No `db` fixture: pytest-django fails any database access made while rendering."""
    from django.urls import get_resolver

    assert settings.ROOT_URLCONF == "config.urls"
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/reports/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    page = _page(response)
    assert "Something went wrong on our side" in page
    assert reverse("knowledge:home") in page  # navigation without asking who is signed in
    assert "What you can do" in page


@pytest.mark.urls("tests.config.failing_urls")
def test_a_view_that_fails_shows_the_500_page(db):
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong on our side" in _page(response)
    assert "boom" not in _page(response)  # no internals shown


def test_csrf_failure_explains_and_changes_nothing(org):
    from accounts.models import Notification

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org["agent_a"])
    before = Notification.objects.count()
    response = browser.post(
        reverse("accounts:notifications_read"), HTTP_REFERER="http://testserver/people/notifications/"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = _page(response)
    assert "The form has expired" in page
    assert 'href="http://testserver/people/notifications/"' in page  # open the page again
    assert Notification.objects.count() == before


@pytest.mark.parametrize(
    "status,view",
    [(400, "bad_request"), (403, "permission_denied"), (404, "page_not_found"), (500, "server_error")],
)
def test_every_error_handler_is_ours(status, view):
    import config.urls

    assert getattr(config.urls, f"handler{status}") == f"config.views.{view}"
