"""RSVPs: going / maybe / not going, counted, within capacity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookclub import selectors, services
from bookclub.models import Rsvp, RsvpStatus
from tests.accounts.factories import UserFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_rsvp_counts_and_capacity(agent_a, agent_b, manager_a):
    meeting = MeetingFactory(capacity=2)
    services.rsvp_set(meeting=meeting, user=agent_a, status=RsvpStatus.GOING)
    services.rsvp_set(meeting=meeting, user=agent_b, status=RsvpStatus.GOING)
    with pytest.raises(services.RuleError, match="full"):
        services.rsvp_set(meeting=meeting, user=manager_a, status=RsvpStatus.GOING)
    assert not Rsvp.objects.filter(user=manager_a).exists()
    services.rsvp_set(meeting=meeting, user=manager_a, status=RsvpStatus.MAYBE)
    summary = selectors.rsvp_summary(meeting, manager_a)
    assert (summary["going"], summary["maybe"], summary["mine"], summary["full"]) == (2, 1, "maybe", True)
    # A seat frees up when someone changes their answer; answering again updates, never duplicates.
    services.rsvp_set(meeting=meeting, user=agent_b, status=RsvpStatus.NOT_GOING)
    services.rsvp_set(meeting=meeting, user=manager_a, status=RsvpStatus.GOING)
    assert Rsvp.objects.filter(meeting=meeting).count() == 3
    assert selectors.rsvp_summary(meeting, agent_a)["going"] == 2


def test_someone_already_going_can_answer_going_again_when_full(agent_a):
    meeting = MeetingFactory(capacity=1)
    services.rsvp_set(meeting=meeting, user=agent_a, status=RsvpStatus.GOING)
    services.rsvp_set(meeting=meeting, user=agent_a, status=RsvpStatus.GOING)
    assert Rsvp.objects.get(user=agent_a).status == RsvpStatus.GOING


def test_no_rsvp_after_the_meeting_started_or_with_a_bad_answer(agent_a):
    past = MeetingFactory(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(services.RuleError, match="already started"):
        services.rsvp_set(meeting=past, user=agent_a, status=RsvpStatus.GOING)
    future = MeetingFactory(month=past.month.replace(year=past.month.year + 1))
    with pytest.raises(services.RuleError, match="going, maybe or not going") as info:
        services.rsvp_set(meeting=future, user=agent_a, status="yes")
    assert info.value.field == "status"
    assert not Rsvp.objects.exists()


def test_capacity_counts_many_people(db):
    meeting = MeetingFactory(capacity=3)
    people = [UserFactory() for _i in range(5)]
    accepted = 0
    for person in people:
        try:
            services.rsvp_set(meeting=meeting, user=person, status=RsvpStatus.GOING)
            accepted += 1
        except services.RuleError:
            pass
    assert accepted == 3
    assert Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).count() == 3
