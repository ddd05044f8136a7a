"""The admin site: new picks and window changes go through the audited services."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import AuditEvent
from bookclub.models import MonthlyPick

from .factories import PickFactory, book_with_copies

pytestmark = pytest.mark.django_db


def test_a_pick_added_in_the_admin_site_is_confirmed_and_audited(as_user, org):
    book = book_with_copies(1)
    response = as_user(org["admin_user"]).post(
        "/admin/bookclub/monthlypick/add/",
        {"month": "2031-01-01", "book": book.pk, "copies_stocked": 4, "why": "새해 첫 책"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pick = MonthlyPick.objects.get(month=date(2031, 1, 1))
    assert pick.confirmed_by == org["admin_user"] and book.copies.count() == 4
    assert AuditEvent.objects.filter(action="bookclub.pick.confirm", target_id=str(pick.pk)).exists()


def test_moving_the_window_in_the_admin_site_is_audited(as_user, org):
    pick = PickFactory(month=date(2031, 2, 1))
    response = as_user(org["admin_user"]).post(
        f"/admin/bookclub/monthlypick/{pick.pk}/change/",
        {
            "month": "2031-02-01",
            "book": pick.book_id,
            "copies_stocked": pick.copies_stocked,
            "why": "",
            "voting_opens_at_0": "",
            "voting_opens_at_1": "",
            "voting_closes_at_0": "2031-03-03",
            "voting_closes_at_1": "18:00:00",
        },
    )
    assert response.status_code == 302
    pick.refresh_from_db()
    assert pick.voting_closes_at is not None and pick.voting_closes_at.day == 3
    assert AuditEvent.objects.filter(action="bookclub.pick.window", target_id=str(pick.pk)).exists()


def test_agents_cannot_reach_the_admin_site(as_user, org):
    assert as_user(org["agent_a"]).get("/admin/bookclub/review/").status_code == 302


def test_every_book_club_admin_page_opens(as_user, org):
    from django.contrib import admin

    from bookclub import services
    from bookclub.models import Review

    book = book_with_copies(2)
    PickFactory(book=book)
    services.loan_borrow(book=book, borrower=org["agent_a"])
    c = as_user(org["admin_user"])
    models = [m for m in admin.site._registry if m._meta.app_label == "bookclub"]
    assert len(models) >= 12
    for model in models:
        url = f"/admin/bookclub/{model._meta.model_name}/"
        assert c.get(url).status_code == 200, url
    assert Review.objects.count() == 0
