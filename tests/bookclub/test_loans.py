"""Loans: borrowing, renewing, returning, the waiting list and its pickup deadline."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Notification
from bookclub import services
from bookclub.models import Copy, CopyStatus, Hold, HoldStatus, Loan
from tests.accounts.factories import UserFactory

from .factories import book_with_copies

pytestmark = pytest.mark.django_db


def test_borrow_takes_a_free_copy_due_by_policy(agent_a, settings):
    settings.BOOKCLUB_LOAN_DAYS = 14
    book = book_with_copies(2)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    assert loan.due_date == timezone.localdate() + timedelta(days=14)
    assert Copy.objects.get(pk=loan.copy_id).status == CopyStatus.ON_LOAN
    assert Copy.objects.filter(book=book, status=CopyStatus.AVAILABLE).count() == 1


def test_nobody_holds_two_copies_of_the_same_book(agent_a):
    book = book_with_copies(2)
    services.loan_borrow(book=book, borrower=agent_a)
    with pytest.raises(services.RuleError, match="already has a copy"):
        services.loan_borrow(book=book, borrower=agent_a)
    assert Loan.objects.filter(borrower=agent_a).count() == 1


def test_database_refuses_a_second_active_loan_of_a_copy(agent_a, agent_b):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            copy=loan.copy, book=book, borrower=agent_b, borrowed_at=timezone.now(), due_date=loan.due_date
        )


def test_database_refuses_two_active_copies_of_a_book_for_one_person(agent_a):
    book = book_with_copies(2)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    other = Copy.objects.exclude(pk=loan.copy_id).get(book=book)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            copy=other, book=book, borrower=agent_a, borrowed_at=timezone.now(), due_date=loan.due_date
        )


def test_no_free_copy_means_join_the_waiting_list(agent_a, agent_b):
    book = book_with_copies(1)
    services.loan_borrow(book=book, borrower=agent_a)
    with pytest.raises(services.RuleError, match="No copy is free"):
        services.loan_borrow(book=book, borrower=agent_b)
    hold = services.hold_place(book=book, user=agent_b)
    assert hold.status == HoldStatus.WAITING
    with pytest.raises(services.RuleError, match="already on the waiting list"):
        services.hold_place(book=book, user=agent_b)


def test_no_hold_while_a_copy_is_on_the_shelf(agent_a):
    book = book_with_copies(1)
    with pytest.raises(services.RuleError, match="borrow it instead"):
        services.hold_place(book=book, user=agent_a)
    assert not Hold.objects.exists()


def test_renew_extends_until_the_limit(agent_a, settings):
    settings.BOOKCLUB_MAX_RENEWALS = 2
    settings.BOOKCLUB_LOAN_DAYS = 14
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    first_due = loan.due_date
    loan = services.loan_renew(loan=loan, by=agent_a)
    assert loan.due_date == first_due + timedelta(days=14) and loan.renewals == 1
    services.loan_renew(loan=loan, by=agent_a)
    with pytest.raises(services.RuleError, match="renewed 2 times"):
        services.loan_renew(loan=loan, by=agent_a)
    loan.refresh_from_db()
    assert loan.renewals == 2 and loan.due_date == first_due + timedelta(days=28)


def test_no_renewal_when_colleagues_wait(agent_a, agent_b):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    services.hold_place(book=book, user=agent_b)
    with pytest.raises(services.RuleError, match="waiting for this book"):
        services.loan_renew(loan=loan, by=agent_a)
    loan.refresh_from_db()
    assert loan.renewals == 0


def test_nobody_renews_or_returns_someone_elses_loan(agent_a, agent_b):
    loan = services.loan_borrow(book=book_with_copies(1), borrower=agent_a)
    with pytest.raises(services.NotAllowed):
        services.loan_renew(loan=loan, by=agent_b)
    with pytest.raises(services.NotAllowed):
        services.loan_return(loan=loan, by=agent_b)
    loan.refresh_from_db()
    assert loan.returned_at is None and loan.renewals == 0


def test_only_librarians_lend_to_someone_else(agent_a, agent_b, librarian):
    book = book_with_copies(2)
    with pytest.raises(services.NotAllowed):
        services.loan_borrow(book=book, borrower=agent_b, by=agent_a)
    loan = services.loan_borrow(book=book, borrower=agent_b, by=librarian)
    assert loan.lent_by == librarian and loan.borrower == agent_b


def test_return_hands_the_copy_to_the_first_waiting_person(agent_a, agent_b, manager_a):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    first = services.hold_place(book=book, user=agent_b)
    services.hold_place(book=book, user=manager_a)
    services.loan_return(loan=loan, by=agent_a)
    first.refresh_from_db()
    assert first.status == HoldStatus.READY and first.copy_id == loan.copy_id
    assert first.pickup_deadline > timezone.now()
    assert Copy.objects.get(pk=loan.copy_id).status == CopyStatus.ON_HOLD
    assert Notification.objects.filter(recipient=agent_b, verb__contains="waiting for you").exists()
    # The copy is held: the second person in line cannot take it, the first can.
    with pytest.raises(services.RuleError, match="No copy is free"):
        services.loan_borrow(book=book, borrower=manager_a)
    new_loan = services.loan_borrow(book=book, borrower=agent_b)
    assert new_loan.copy_id == loan.copy_id
    first.refresh_from_db()
    assert first.status == HoldStatus.FULFILLED


def test_an_expired_pickup_passes_the_copy_on(agent_a, agent_b, manager_a, settings):
    settings.BOOKCLUB_HOLD_PICKUP_DAYS = 3
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    first = services.hold_place(book=book, user=agent_b)
    second = services.hold_place(book=book, user=manager_a)
    services.loan_return(loan=loan, by=agent_a)
    assert services.holds_expire(now=timezone.now() + timedelta(days=2)) == 0
    later = timezone.now() + timedelta(days=3, hours=1)
    assert services.holds_expire(now=later) == 1
    assert services.holds_expire(now=later) == 0  # idempotent
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.EXPIRED
    assert second.status == HoldStatus.READY and second.copy_id == loan.copy_id
    assert Notification.objects.filter(recipient=agent_b, verb__contains="expired").exists()


def test_an_expired_pickup_with_nobody_waiting_goes_back_on_the_shelf(agent_a, agent_b):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    services.hold_place(book=book, user=agent_b)
    services.loan_return(loan=loan, by=agent_a)
    services.holds_expire(now=timezone.now() + timedelta(days=30))
    assert Copy.objects.get(pk=loan.copy_id).status == CopyStatus.AVAILABLE


def test_cancelling_a_ready_hold_passes_the_copy_on(agent_a, agent_b):
    book = book_with_copies(1)
    loan = services.loan_borrow(book=book, borrower=agent_a)
    hold = services.hold_place(book=book, user=agent_b)
    services.loan_return(loan=loan, by=agent_a)
    services.hold_cancel(hold=hold, by=agent_b)
    assert Copy.objects.get(pk=loan.copy_id).status == CopyStatus.AVAILABLE


def test_new_copies_go_to_the_waiting_list_first(agent_a, agent_b, librarian):
    book = book_with_copies(1)
    services.loan_borrow(book=book, borrower=agent_a)
    hold = services.hold_place(book=book, user=agent_b)
    services.copies_add(book=book, count=2, by=librarian)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    assert Copy.objects.filter(book=book, status=CopyStatus.AVAILABLE).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, so there is no real race to test",
)
@pytest.mark.django_db(transaction=True)
def test_two_people_borrowing_the_last_copy_at_the_same_instant_get_one_loan():
    book = book_with_copies(1)
    people = [UserFactory() for _i in range(6)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def borrow(person):
        try:
            barrier.wait()
            services.loan_borrow(book=book, borrower=person)
            outcomes.append("ok")
        except services.RuleError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=borrow, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert Loan.objects.filter(book=book, returned_at__isnull=True).count() == 1
