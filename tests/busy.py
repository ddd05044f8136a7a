"""A busy day for the query-count tests of the hot pages: enough rows of every kind that a query
per row (an N+1) would show.

`busy_world(org)` gives agent_a and manager_a (and some colleagues) loans, holds, an RSVP,
reviews with comments and ratings, last month's awards and unread notifications. The counts the
tests pin are for these pages as they stand; a page that starts asking per row fails them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.services import notify
from bookclub import services as club
from bookclub.models import RsvpStatus
from bookclub.months import current_month, previous_month
from tests.accounts.factories import UserFactory
from tests.bookclub.factories import MeetingFactory, PickFactory, ReviewFactory, book_with_copies


def busy_world(org) -> dict:
    agent, manager = org["agent_a"], org["manager_a"]
    colleagues = [UserFactory(team=agent.team, clients=[org["client_a"]]) for _ in range(4)]
    month, last = current_month(), previous_month(current_month())

    pick_book = book_with_copies(2, title="이달의 책")
    PickFactory(book=pick_book, month=month)
    PickFactory(book=book_with_copies(1, title="지난달의 책"), month=last)
    # Everyone borrows: three loans each for the agent and the manager, the pick's copies run out.
    for person in (agent, manager):
        for i in range(3):
            club.loan_borrow(book=book_with_copies(1, title=f"{person.name}의 책 {i}"), borrower=person)
    club.loan_borrow(book=pick_book, borrower=colleagues[0])
    club.loan_borrow(book=pick_book, borrower=colleagues[1])
    # ...so the agent and the manager wait for it, and for two more books.
    for person in (agent, manager):
        club.hold_place(book=pick_book, user=person)
        for i in range(2):
            book = book_with_copies(1, title=f"인기 도서 {person.pk}-{i}")
            club.loan_borrow(book=book, borrower=colleagues[2])
            club.hold_place(book=book, user=person)

    meeting = MeetingFactory(month=month, capacity=10)
    for person, status in zip(
        [agent, manager, *colleagues], [RsvpStatus.GOING, RsvpStatus.MAYBE] * 3, strict=False
    ):
        club.rsvp_set(meeting=meeting, user=person, status=status)

    # Reviews this month (with comments) and last month (rated, then closed with three awards).
    in_last_window = timezone.now().replace(day=1) - timedelta(hours=3)
    reviews = [
        ReviewFactory(author=c, book=pick_book, title=f"이달 독후감 {i}") for i, c in enumerate(colleagues)
    ]
    for review in reviews:
        for person in (agent, manager):
            club.comment_add(review=review, author=person, body="좋은 글 감사합니다.")
    old = [
        ReviewFactory(author=c, book=pick_book, month=last, title=f"지난달 독후감 {i}")
        for i, c in enumerate(colleagues)
    ]
    for review in old:
        for voter in (agent, manager, *colleagues):
            if voter != review.author:
                club.rating_set(review=review, voter=voter, stars=4, now=in_last_window)
    club.month_close(month=last, now=timezone.now() + timedelta(days=40))

    for person in (agent, manager):
        for i in range(7):
            notify(person, f"알림 {i}", url="/bookclub/", email=False)
    return {"colleagues": colleagues, "meeting": meeting, "reviews": reviews, "old_reviews": old}
