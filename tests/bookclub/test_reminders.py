"""Beat tasks: before-due and overdue reminders, meeting reminders. Running twice sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from bookclub import services, tasks
from bookclub.models import Loan, LoanReminder, Meeting, RsvpStatus

from .factories import MeetingFactory, book_with_copies, kst

pytestmark = pytest.mark.django_db


def test_due_soon_and_overdue_reminders_are_sent_once(agent_a, agent_b, settings):
    settings.BOOKCLUB_REMIND_DAYS_BEFORE_DUE = 2
    today = timezone.localdate()
    soon = services.loan_borrow(book=book_with_copies(1, title="곧 반납"), borrower=agent_a)
    late = services.loan_borrow(book=book_with_copies(1, title="연체"), borrower=agent_b)
    far = services.loan_borrow(book=book_with_copies(1, title="여유"), borrower=agent_b)
    Loan.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=2))
    Loan.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=1))
    Loan.objects.filter(pk=far.pk).update(due_date=today + timedelta(days=10))

    assert tasks.send_loan_reminders.delay().get() == 2
    assert tasks.send_loan_reminders.delay().get() == 0
    assert set(LoanReminder.objects.values_list("loan_id", "kind")) == {
        (soon.pk, "due_soon"),
        (late.pk, "overdue"),
    }
    assert Notification.objects.filter(recipient=agent_a, verb__contains="is due back").count() == 1
    assert Notification.objects.filter(recipient=agent_b, verb__contains="please return it").count() == 1


def test_a_due_soon_loan_that_becomes_overdue_gets_the_overdue_reminder_too(agent_a):
    loan = services.loan_borrow(book=book_with_copies(1), borrower=agent_a)
    Loan.objects.filter(pk=loan.pk).update(due_date=timezone.localdate() + timedelta(days=1))
    services.loan_reminders_send()
    assert services.loan_reminders_send(now=timezone.now() + timedelta(days=3)) == 1
    assert LoanReminder.objects.filter(loan=loan).count() == 2


def test_returned_loans_get_no_reminder(agent_a):
    loan = services.loan_borrow(book=book_with_copies(1), borrower=agent_a)
    Loan.objects.filter(pk=loan.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    services.loan_return(loan=loan, by=agent_a)
    assert services.loan_reminders_send() == 0


def test_meeting_reminder_the_day_before_to_going_and_maybe_only(agent_a, agent_b, manager_a):
    meeting = MeetingFactory(starts_at=kst(2026, 11, 26, 19, 0), capacity=10)
    with _at(kst(2026, 11, 20, 9)):
        services.rsvp_set(meeting=meeting, user=agent_a, status=RsvpStatus.GOING)
        services.rsvp_set(meeting=meeting, user=agent_b, status=RsvpStatus.MAYBE)
        services.rsvp_set(meeting=meeting, user=manager_a, status=RsvpStatus.NOT_GOING)
    assert services.meeting_reminders_send(now=kst(2026, 11, 24, 10)) == 0  # two days before
    assert services.meeting_reminders_send(now=kst(2026, 11, 25, 7)) == 0  # the day before, too early
    assert services.meeting_reminders_send(now=kst(2026, 11, 25, 9, 10)) == 1
    assert services.meeting_reminders_send(now=kst(2026, 11, 25, 10, 10)) == 0  # once only
    reminded = set(
        Notification.objects.filter(verb__startswith="Reminder").values_list("recipient__name", flat=True)
    )
    assert reminded == {agent_a.name, agent_b.name}
    assert Meeting.objects.get(pk=meeting.pk).reminder_sent_at is not None


def test_a_late_beat_still_reminds_when_the_meeting_is_less_than_a_day_away(agent_a):
    meeting = MeetingFactory(starts_at=kst(2026, 11, 26, 8, 0))
    with _at(kst(2026, 11, 20, 9)):
        services.rsvp_set(meeting=meeting, user=agent_a, status=RsvpStatus.GOING)
    assert services.meeting_reminders_send(now=kst(2026, 11, 25, 8, 30)) == 1


def _at(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)
