"""The counts the book club's pages show (copies, waiting list, RSVPs) are taken in plain SQL on the
hot pages: they must agree with counting the rows, alone and inside the pick's or meeting's query."""

from __future__ import annotations

import pytest

from bookclub import selectors, services
from bookclub.models import Copy, CopyStatus, Hold, HoldStatus, Rsvp, RsvpStatus
from bookclub.months import current_month
from tests.accounts.factories import UserFactory

from .factories import MeetingFactory, PickFactory, book_with_copies

pytestmark = pytest.mark.django_db


def _counted(book) -> dict:
    copies = Copy.objects.filter(book=book)
    return {
        "total": copies.exclude(status=CopyStatus.LOST).count(),
        "available": copies.filter(status=CopyStatus.AVAILABLE).count(),
        "waiting": Hold.objects.filter(book=book, status=HoldStatus.WAITING).count(),
    }


def test_availability_agrees_with_the_rows(org):
    book = book_with_copies(4, title="이달의 책")
    PickFactory(book=book, month=current_month())
    other = book_with_copies(2)  # another book's copies and holds are not counted
    people = [UserFactory() for _ in range(6)]
    Copy.objects.filter(pk=book.copies.first().pk).update(status=CopyStatus.LOST)
    for person in people[:3]:
        services.loan_borrow(book=book, borrower=person)
    services.loan_borrow(book=other, borrower=people[0])
    services.loan_borrow(book=other, borrower=people[1])
    for person in people[3:]:
        services.hold_place(book=book, user=person)
    services.hold_place(book=other, user=people[5])
    expected = _counted(book)
    assert expected == {"total": 3, "available": 0, "waiting": 3}
    for found in (
        selectors.availability(book),
        selectors.pick_availability(selectors.pick_and_open_votes(with_availability=True)[0]),
    ):
        assert {k: found[k] for k in expected} == expected
        assert list(found["dots"]) == [0, 1, 2]
    empty = book_with_copies(0)
    assert selectors.availability(empty)["total"] == 0 and selectors.availability(empty)["waiting"] == 0


def test_rsvp_summary_agrees_with_the_rows(org):
    meeting = MeetingFactory(month=current_month(), capacity=2)
    other = MeetingFactory(month=current_month().replace(year=current_month().year - 1), capacity=2)
    people = [UserFactory() for _ in range(5)]
    for person, status in zip(
        people, [RsvpStatus.GOING, RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING], strict=False
    ):
        Rsvp.objects.create(meeting=meeting, user=person, status=status)
    Rsvp.objects.create(meeting=other, user=people[4], status=RsvpStatus.GOING)
    for person, mine in [
        (people[0], "going"),
        (people[2], "maybe"),
        (people[3], "not_going"),
        (people[4], None),
    ]:
        summary = selectors.rsvp_summary(meeting, person)
        assert summary == {
            "going": 2,
            "maybe": 1,
            "not_going": 1,
            "mine": mine,
            "seats_left": 0,
            "full": True,
        }
        shown, with_rsvp = selectors.next_meeting_with_rsvp(person)
        assert shown == meeting and with_rsvp == summary
