"""Star votes: colleagues only, once per person (changing updates it), inside the month's window, 1–5."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from bookclub import services
from bookclub.models import Rating, ReviewStatus
from tests.accounts.factories import UserFactory

from .factories import PickFactory, ReviewFactory, kst

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)
IN_WINDOW = kst(2026, 11, 20, 12)


def test_a_colleague_rates_and_changing_the_stars_updates_the_one_rating(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV)
    rating, created = services.rating_set(review=review, voter=agent_b, stars=4, now=IN_WINDOW)
    assert created and rating.stars == 4 and rating.author_id == agent_a.pk
    rating, created = services.rating_set(review=review, voter=agent_b, stars=2, now=IN_WINDOW)
    assert not created and rating.stars == 2
    assert Rating.objects.filter(review=review).count() == 1


def test_nobody_rates_their_own_review(agent_a):
    review = ReviewFactory(author=agent_a, month=NOV)
    with pytest.raises(services.NotAllowed, match="your own review"):
        services.rating_set(review=review, voter=agent_a, stars=5, now=IN_WINDOW)
    assert not Rating.objects.exists()


def test_the_database_refuses_a_rating_of_ones_own_review(agent_a):
    review = ReviewFactory(author=agent_a, month=NOV)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(review=review, voter=agent_a, author=agent_a, stars=5)


def test_the_database_refuses_a_second_rating_by_the_same_person(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV)
    Rating.objects.create(review=review, voter=agent_b, author=agent_a, stars=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(review=review, voter=agent_b, author=agent_a, stars=4)


def test_the_database_refuses_stars_out_of_range(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(review=review, voter=agent_b, author=agent_a, stars=6)


@pytest.mark.parametrize("stars", [0, 6, -1, "5", 3.5, True, None])
def test_stars_must_be_a_whole_number_from_1_to_5(agent_a, agent_b, stars):
    review = ReviewFactory(author=agent_a, month=NOV)
    with pytest.raises(services.RuleError, match="from 1 to 5") as info:
        services.rating_set(review=review, voter=agent_b, stars=stars, now=IN_WINDOW)
    assert info.value.field == "stars"
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (kst(2026, 10, 31, 23, 59), False),  # before the month starts
        (kst(2026, 11, 1, 0, 0), True),  # the month's first minute
        (kst(2026, 12, 5, 23, 59, 59), True),  # the end of the 5th day of the next month
        (kst(2026, 12, 6, 0, 0), False),  # closed
    ],
)
def test_the_default_window_runs_to_the_end_of_the_5th_of_next_month(agent_a, agent_b, moment, allowed):
    review = ReviewFactory(author=agent_a, month=NOV)
    if allowed:
        services.rating_set(review=review, voter=agent_b, stars=3, now=moment)
        assert Rating.objects.count() == 1
    else:
        with pytest.raises(services.RuleError, match="Voting for 2026-11 is open from"):
            services.rating_set(review=review, voter=agent_b, stars=3, now=moment)
        assert not Rating.objects.exists()


def test_a_months_window_can_be_moved(agent_a, agent_b, admin_user):
    pick = PickFactory(month=NOV)
    services.pick_window_update(
        pick=pick, by=admin_user, opens=None, closes=kst(2026, 11, 30, 18), reason="연말 일정"
    )
    review = ReviewFactory(author=agent_a, month=NOV)
    with pytest.raises(services.RuleError):
        services.rating_set(review=review, voter=agent_b, stars=3, now=kst(2026, 12, 1, 9))
    services.rating_set(review=review, voter=agent_b, stars=3, now=kst(2026, 11, 30, 17))


def test_only_admins_move_the_window(agent_a):
    pick = PickFactory(month=NOV)
    with pytest.raises(services.NotAllowed):
        services.pick_window_update(pick=pick, by=agent_a, opens=None, closes=kst(2026, 11, 30, 18))
    pick.refresh_from_db()
    assert pick.voting_closes_at is None


def test_drafts_cannot_be_rated(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV, status=ReviewStatus.DRAFT, published_at=None)
    with pytest.raises(services.RuleError, match="Only published"):
        services.rating_set(review=review, voter=agent_b, stars=3, now=IN_WINDOW)


def test_no_rating_after_the_month_closed(agent_a, agent_b, manager_a):
    review = ReviewFactory(author=agent_a, month=NOV)
    services.rating_set(review=review, voter=agent_b, stars=3, now=IN_WINDOW)
    services.month_close(month=NOV, now=kst(2026, 12, 6, 1))
    with pytest.raises(services.RuleError):
        services.rating_set(review=review, voter=manager_a, stars=5, now=kst(2026, 12, 6, 2))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, so there is no real race to test",
)
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_votes_leave_exactly_one_rating_per_person():
    author = UserFactory()
    review = ReviewFactory(author=author, month=NOV)
    voters = [UserFactory() for _i in range(4)]
    jobs = [
        (voter, stars) for voter in voters for stars in (1, 3, 5)
    ]  # each person clicks three times at once
    barrier = threading.Barrier(len(jobs))
    created: list[bool] = []
    errors: list[Exception] = []

    def vote(voter, stars):
        try:
            barrier.wait()
            _rating, was_created = services.rating_set(review=review, voter=voter, stars=stars, now=IN_WINDOW)
            created.append(was_created)
        except Exception as exc:  # any failure fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert created.count(True) == len(voters)
    assert Rating.objects.filter(review=review).count() == len(voters)
    assert sorted(Rating.objects.values_list("voter_id", flat=True)) == sorted(v.pk for v in voters)


def test_a_rated_review_cannot_go_back_to_draft(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV)
    services.rating_set(review=review, voter=agent_b, stars=4, now=IN_WINDOW)
    with pytest.raises(services.RuleError, match="stays published"):
        services.review_update(
            review=review,
            by=agent_a,
            title="제목",
            body="본문은 스무 글자를 넘겨야 합니다 그렇죠",
            publish=False,
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED


def test_only_the_author_edits_a_review(agent_a, agent_b):
    review = ReviewFactory(author=agent_a, month=NOV, title="원래 제목")
    with pytest.raises(services.NotAllowed):
        services.review_update(
            review=review,
            by=agent_b,
            title="바꾼 제목",
            body="본문은 스무 글자를 넘겨야 합니다 그렇죠",
            publish=True,
        )
    review.refresh_from_db()
    assert review.title == "원래 제목"
