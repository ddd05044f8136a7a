"""The book club home is on the load test's hot path: its queries must not grow with the data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.busy import busy_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "most"), [("agent_a", 11), ("manager_a", 12)])
def test_book_club_home_takes_a_fixed_number_of_queries(
    as_user, org, who, most, django_assert_max_num_queries
):
    busy_world(org)
    c = as_user(org[who])
    url = reverse("bookclub:home")
    c.get(url)
    # Session, user (a manager's TOTP check), the pick with its votes and copies, the meeting with
    # its RSVPs, loans, holds, the place on the pick's waiting list, last month's awards, the
    # librarian check, the bell and the latest reviews.
    with django_assert_max_num_queries(most):
        page = c.get(url).content.decode()
    assert "이달의 책" in page and "지난달 독후감" in page
    assert "On the waiting list · #1" in page or "On the waiting list · #2" in page
