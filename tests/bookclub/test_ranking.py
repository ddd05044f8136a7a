"""Ranking math (hand-computed), the month's close and awards (idempotent, frozen), corrections."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Notification
from bookclub import services, tasks
from bookclub.models import Award, MonthResult, RankingEntry, Rating, ReviewStatus
from tests.accounts.factories import UserFactory

from .factories import ReviewFactory, kst

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)
AFTER_CLOSE = kst(2026, 12, 6, 0, 15)


def _rate(review, stars_list):
    for stars in stars_list:
        Rating.objects.create(review=review, voter=UserFactory(), author=review.author, stars=stars)


@pytest.fixture
def month_of_reviews(db):
    """m = 3. All 12 votes average C = 48/12 = 4.
    A [5,5,5,5]: WR = 4/7·5 + 3/7·4 = 32/7 ≈ 4.5714
    B [3,3,3,3]: WR = 4/7·3 + 3/7·4 = 24/7 ≈ 3.4286
    D [4,4], E [4], F [4]: R = C, so WR = 4 exactly — a three-way tie:
      D has more votes; E and F have as many, and E was published first.
    G has no votes and is not ranked; a draft H is ignored."""
    base = kst(2026, 11, 10, 9)
    reviews = {}
    for i, name in enumerate("ABDEFG"):
        reviews[name] = ReviewFactory(month=NOV, title=name, published_at=base + timedelta(hours=i))
    reviews["H"] = ReviewFactory(month=NOV, title="H", status=ReviewStatus.DRAFT, published_at=None)
    _rate(reviews["A"], [5, 5, 5, 5])
    _rate(reviews["B"], [3, 3, 3, 3])
    _rate(reviews["D"], [4, 4])
    _rate(reviews["E"], [4])
    _rate(reviews["F"], [4])
    return reviews


def test_bayesian_average_with_ties(month_of_reviews):
    c, ranked = services.ranking_compute(month=NOV, m=3)
    assert c == Fraction(4)
    assert [r.review.title for r in ranked] == ["A", "D", "E", "F", "B"]
    scores = {r.review.title: r.score for r in ranked}
    assert scores == {
        "A": Fraction(32, 7),
        "B": Fraction(24, 7),
        "D": Fraction(4),
        "E": Fraction(4),
        "F": Fraction(4),
    }
    assert [(r.review.title, r.votes, r.mean_r) for r in ranked][:2] == [
        ("A", 4, Fraction(5)),
        ("D", 2, Fraction(4)),
    ]


def test_a_single_five_star_vote_does_not_beat_many_good_ones(db):
    lone = ReviewFactory(month=NOV, title="lone")
    many = ReviewFactory(month=NOV, title="many")
    plain = ReviewFactory(month=NOV, title="plain")
    _rate(lone, [5])
    _rate(many, [5, 5, 5, 4, 5, 5])
    _rate(plain, [3, 3, 3, 3, 3, 3])
    # C = 52/13 = 4. lone: 1/4·5 + 3/4·4 = 17/4; many: 6/9·29/6 + 3/9·4 = 41/9; plain: 6/9·3 + 3/9·4 = 10/3.
    c, ranked = services.ranking_compute(month=NOV, m=3)
    assert c == 4
    assert [(r.review.title, r.score) for r in ranked] == [
        ("many", Fraction(41, 9)),
        ("lone", Fraction(17, 4)),
        ("plain", Fraction(10, 3)),
    ]


def test_no_votes_no_ranking(db):
    ReviewFactory(month=NOV)
    assert services.ranking_compute(month=NOV) == (None, [])


def test_month_close_freezes_the_ranking_and_awards_and_tells_everyone(month_of_reviews, settings, agent_a):
    settings.BOOKCLUB_BAYES_M = 3
    with pytest.raises(services.RuleError, match="open until"):
        services.month_close(month=NOV, now=kst(2026, 12, 5, 23, 59))
    result, created = services.month_close(month=NOV, now=AFTER_CLOSE)
    assert created
    assert result.mean_c == Decimal("4.0000") and result.m == Decimal("3.00") and result.total_votes == 12
    entries = list(
        RankingEntry.objects.filter(result=result).values_list("rank", "review__title", "votes", "score")
    )
    assert entries == [
        (1, "A", 4, Decimal("4.5714")),
        (2, "D", 2, Decimal("4.0000")),
        (3, "E", 1, Decimal("4.0000")),
        (4, "F", 1, Decimal("4.0000")),
        (5, "B", 4, Decimal("3.4286")),
    ]
    awards = list(Award.objects.filter(result=result).values_list("place", "review__title"))
    assert awards == [(1, "A"), (2, "D"), (3, "E")]
    assert Award.objects.get(result=result, place=1).prize == settings.BOOKCLUB_PRIZES[0]
    assert Notification.objects.filter(recipient=agent_a, verb__contains="awards for 2026-11").exists()
    assert AuditEvent.objects.filter(action="bookclub.month.close", target_id=str(result.pk)).exists()


def test_the_close_task_is_idempotent_and_results_are_never_recomputed(month_of_reviews, agent_a):
    with time_machine.travel(AFTER_CLOSE, tick=False):
        assert tasks.close_months.delay().get() == ["2026-11"]
        notified = Notification.objects.count()
        assert tasks.close_months.delay().get() == []
    assert MonthResult.objects.count() == 1
    assert Award.objects.count() == 3
    assert Notification.objects.count() == notified
    # A late rating written behind the service's back changes nothing stored.
    _rate(month_of_reviews["B"], [5, 5, 5, 5, 5, 5, 5, 5])
    result, created = services.month_close(month=NOV, now=AFTER_CLOSE + timedelta(days=1))
    assert not created
    assert list(result.awards.values_list("review__title", flat=True)) == ["A", "D", "E"]
    assert RankingEntry.objects.get(result=result, review=month_of_reviews["B"]).score == Decimal("3.4286")


def test_the_task_does_nothing_while_the_window_is_open(month_of_reviews):
    with time_machine.travel(kst(2026, 12, 5, 12), tick=False):
        assert tasks.close_months.delay().get() == []
    assert not MonthResult.objects.exists()


def test_an_admin_corrects_an_award_with_a_reason_and_it_is_audited(month_of_reviews, admin_user):
    result, _created = services.month_close(month=NOV, now=AFTER_CLOSE)
    award = Award.objects.get(result=result, place=3)
    with pytest.raises(ValidationError) as info:
        services.award_correct(award=award, by=admin_user, reason=" ", prize="도서상품권 2만원")
    assert "reason" in info.value.message_dict
    award.refresh_from_db()
    assert award.prize == "도서상품권 1만 원"

    services.award_correct(
        award=award,
        by=admin_user,
        reason="동점자 규칙 재확인",
        review=month_of_reviews["F"],
        prize="도서상품권 2만원",
    )
    award.refresh_from_db()
    assert award.review == month_of_reviews["F"] and award.prize == "도서상품권 2만원"
    event = AuditEvent.objects.get(action="bookclub.award.correct")
    assert event.actor == admin_user and event.reason == "동점자 규칙 재확인"
    assert event.data["before"]["review"] == month_of_reviews["E"].pk
    # The frozen ranking itself is untouched.
    assert RankingEntry.objects.get(result=result, rank=3).review == month_of_reviews["E"]


def test_a_correction_cannot_give_one_review_two_awards_or_reach_another_month(month_of_reviews, admin_user):
    result, _created = services.month_close(month=NOV, now=AFTER_CLOSE)
    award = Award.objects.get(result=result, place=3)
    with pytest.raises(ValidationError, match="another award"):
        services.award_correct(award=award, by=admin_user, reason="x", review=month_of_reviews["A"])
    other = ReviewFactory(month=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="same month"):
        services.award_correct(award=award, by=admin_user, reason="x", review=other)
    award.refresh_from_db()
    assert award.review == month_of_reviews["E"]


def test_only_admins_correct_or_announce(month_of_reviews, agent_a, manager_a):
    result, _created = services.month_close(month=NOV, now=AFTER_CLOSE)
    award = Award.objects.get(result=result, place=1)
    for person in (agent_a, manager_a):
        with pytest.raises(services.NotAllowed):
            services.award_correct(award=award, by=person, reason="x", prize="?")
        with pytest.raises(services.NotAllowed):
            services.month_announce(result=result, by=person, reason="x")


def test_an_admin_announces_again_with_a_reason(month_of_reviews, admin_user, agent_a):
    result, _created = services.month_close(month=NOV, now=AFTER_CLOSE)
    before = Notification.objects.filter(recipient=agent_a).count()
    services.month_announce(result=result, by=admin_user, reason="3위 정정 안내")
    assert Notification.objects.filter(recipient=agent_a).count() == before + 1
    assert AuditEvent.objects.filter(action="bookclub.month.announce", reason="3위 정정 안내").exists()
