"""The book club API: the same rules as the pages, with the status codes the issue names."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

import pytest
import time_machine
from rest_framework.test import APIClient

from bookclub import services
from bookclub.models import Loan, Rating, Review, ReviewStatus

from .factories import PickFactory, ReviewFactory, book_with_copies, kst

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


@pytest.fixture
def api():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def test_anonymous_gets_401_or_403_everywhere(api):
    for url in (
        "/api/v1/bookclub/books/",
        "/api/v1/bookclub/picks/",
        "/api/v1/bookclub/loans/",
        "/api/v1/bookclub/reviews/",
        "/api/v1/bookclub/reviews/1/rating/",
        "/api/v1/bookclub/months/2026-11/ranking/",
    ):
        assert api().get(url).status_code in (401, 403), url


def test_books_and_picks(api, agent_a):
    book = book_with_copies(2, title="아몬드")
    PickFactory(book=book, month=NOV, why="공감에 대하여")
    books = api(agent_a).get("/api/v1/bookclub/books/", {"q": "아몬"}).json()["results"]
    assert [(b["title"], b["copies"], b["available"]) for b in books] == [("아몬드", 2, 2)]
    assert api(agent_a).get(f"/api/v1/bookclub/books/{book.pk}/").json()["isbn13"] == book.isbn13
    picks = api(agent_a).get("/api/v1/bookclub/picks/").json()["results"]
    assert picks[0]["month"] == "2026-11" and picks[0]["voting_closes_at"].startswith(
        "2026-12-06T00:00:00+09:00"
    )


def test_borrow_renew_return_through_the_api(api, agent_a, agent_b):
    book = book_with_copies(1)
    response = api(agent_a).post("/api/v1/bookclub/loans/", {"book": book.pk}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    loan_id = response.json()["id"]
    refused = api(agent_b).post("/api/v1/bookclub/loans/", {"book": book.pk}, format="json")
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "No copy is free" in refused.json()["detail"]
    assert api(agent_b).post(f"/api/v1/bookclub/loans/{loan_id}/return/").status_code == HTTPStatus.NOT_FOUND
    assert api(agent_a).post(f"/api/v1/bookclub/loans/{loan_id}/renew/").json()["renewals"] == 1
    assert api(agent_a).post(f"/api/v1/bookclub/loans/{loan_id}/return/").json()["returned_at"]
    assert [loan["id"] for loan in api(agent_a).get("/api/v1/bookclub/loans/").json()] == []
    missing = api(agent_a).post("/api/v1/bookclub/loans/", {"book": 999999}, format="json")
    assert missing.status_code == HTTPStatus.BAD_REQUEST and "book" in missing.json()
    assert Loan.objects.filter(returned_at__isnull=True).count() == 0


def test_reviews_list_by_month_and_create(api, agent_a, agent_b):
    book = book_with_copies(1)
    ReviewFactory(author=agent_b, book=book, month=NOV, title="11월 독후감")
    ReviewFactory(author=agent_b, book=book, month=date(2026, 10, 1), title="10월 독후감")
    ReviewFactory(
        author=agent_b, book=book, month=NOV, status=ReviewStatus.DRAFT, published_at=None, title="초안"
    )
    listed = api(agent_a).get("/api/v1/bookclub/reviews/", {"month": "2026-11"}).json()
    assert [r["title"] for r in listed] == ["11월 독후감"]
    bad = api(agent_a).get("/api/v1/bookclub/reviews/", {"month": "2026-13"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "YYYY-MM" in bad.json()["month"][0]

    with time_machine.travel(kst(2026, 11, 20, 10), tick=False):
        created = api(agent_a).post(
            "/api/v1/bookclub/reviews/",
            {
                "book": book.pk,
                "title": "함께 읽기",
                "body": "함께 읽으니 더 오래 남는 책이었습니다.",
                "publish": True,
            },
            format="json",
        )
    assert created.status_code == HTTPStatus.CREATED
    assert created.json()["status"] == "published" and created.json()["month"] == "2026-11"
    short = api(agent_a).post(
        "/api/v1/bookclub/reviews/", {"book": book.pk, "title": "x", "body": "짧다"}, format="json"
    )
    assert short.status_code == HTTPStatus.BAD_REQUEST and "body" in short.json()
    assert Review.objects.filter(author=agent_a).count() == 1


def test_rating_status_codes(api, agent_a, agent_b, manager_a):
    review = ReviewFactory(author=agent_b, month=NOV)
    url = f"/api/v1/bookclub/reviews/{review.pk}/rating/"
    with time_machine.travel(kst(2026, 11, 20, 10), tick=False):
        first = api(agent_a).post(url, {"stars": 4}, format="json")
        assert first.status_code == HTTPStatus.CREATED and first.json() == {
            "review": review.pk,
            "stars": 4,
            "created": True,
        }
        changed = api(agent_a).post(url, {"stars": 5}, format="json")
        assert changed.status_code == HTTPStatus.OK and changed.json()["stars"] == 5
        own = api(agent_b).post(url, {"stars": 5}, format="json")
        assert own.status_code == HTTPStatus.FORBIDDEN and "your own review" in own.json()["detail"]
        for stars in (0, 6, "five", None):
            bad = api(manager_a).post(url, {"stars": stars}, format="json")
            assert bad.status_code == HTTPStatus.BAD_REQUEST and "stars" in bad.json(), stars
    with time_machine.travel(kst(2026, 12, 6, 0, 1), tick=False):
        late = api(manager_a).post(url, {"stars": 3}, format="json")
    assert late.status_code == HTTPStatus.BAD_REQUEST
    assert late.json()["detail"] == "Voting for 2026-11 is open from 2026-11-01 00:00 until 2026-12-06 00:00."
    assert list(Rating.objects.values_list("voter_id", "stars")) == [(agent_a.pk, 5)]


def test_rating_a_draft_or_missing_review_is_404(api, agent_a, agent_b):
    draft = ReviewFactory(author=agent_b, month=NOV, status=ReviewStatus.DRAFT, published_at=None)
    assert (
        api(agent_a)
        .post(f"/api/v1/bookclub/reviews/{draft.pk}/rating/", {"stars": 3}, format="json")
        .status_code
        == 404
    )
    assert (
        api(agent_a).post("/api/v1/bookclub/reviews/999999/rating/", {"stars": 3}, format="json").status_code
        == 404
    )


def test_ranking_is_409_before_close_and_frozen_after(api, agent_a, agent_b, manager_a):
    review = ReviewFactory(author=agent_b, month=NOV, title="최고의 독후감")
    services.rating_set(review=review, voter=agent_a, stars=5, now=kst(2026, 11, 20))
    services.rating_set(review=review, voter=manager_a, stars=4, now=kst(2026, 11, 21))
    early = api(agent_a).get("/api/v1/bookclub/months/2026-11/ranking/")
    assert early.status_code == HTTPStatus.CONFLICT and "has not closed yet" in early.json()["detail"]
    assert api(agent_a).get("/api/v1/bookclub/months/2026-1x/ranking/").status_code == HTTPStatus.NOT_FOUND
    services.month_close(month=NOV, now=kst(2026, 12, 6, 1))
    body = api(agent_a).get("/api/v1/bookclub/months/2026-11/ranking/").json()
    assert body["formula"] == "WR = v/(v+m)·R + m/(v+m)·C"
    assert body["mean_c"] == "4.5000" and body["m"] == "3.00" and body["total_votes"] == 2
    assert body["entries"] == [
        {
            "rank": 1,
            "review": review.pk,
            "title": "최고의 독후감",
            "author": agent_b.name,
            "votes": 2,
            "mean_r": "4.5000",
            "score": "4.5000",
        }
    ]
    assert body["awards"][0]["place"] == 1 and body["awards"][0]["review"] == review.pk


def test_managers_without_mfa_are_refused_like_everywhere(api):
    from tests.accounts.factories import ManagerFactory

    manager = ManagerFactory(totp=False)
    assert api(manager).get("/api/v1/bookclub/books/").status_code == HTTPStatus.FORBIDDEN


def test_librarians_list_every_loan_members_only_their_own(api, agent_a, agent_b, librarian):
    services.loan_borrow(book=book_with_copies(1), borrower=agent_a)
    services.loan_borrow(book=book_with_copies(1), borrower=agent_b)
    mine = api(agent_a).get("/api/v1/bookclub/loans/", {"all": "1"}).json()
    assert [loan["borrower"] for loan in mine] == [agent_a.name]
    everyone = api(librarian).get("/api/v1/bookclub/loans/", {"all": "1"}).json()
    assert sorted(loan["borrower"] for loan in everyone) == sorted([agent_a.name, agent_b.name])
