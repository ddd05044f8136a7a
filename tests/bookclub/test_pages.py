"""Pages: who may open what, and what members see and do through them.

The book club is company-wide, so every active member of staff (an agent of any client, a manager
of any team) uses the member pages alike; the library desk is for librarians and admins; confirming
picks and correcting awards is for admins. Drafts are their author's only.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bookclub import services
from bookclub.models import Award, Book, Comment, Loan, Rating, ReviewStatus, Rsvp
from bookclub.months import current_month, previous_month

from .factories import MeetingFactory, PickFactory, ReviewFactory, book_with_copies

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(org, librarian):
    book = book_with_copies(3, title="지구 끝의 온실")
    pick = PickFactory(book=book, month=current_month())
    meeting = MeetingFactory(month=current_month(), capacity=5)
    review = ReviewFactory(author=org["agent_b"], book=book, title="다정함이 퍼진다")
    draft = ReviewFactory(
        author=org["agent_b"], book=book, status=ReviewStatus.DRAFT, published_at=None, title="초안"
    )
    last = previous_month(current_month())
    old = ReviewFactory(author=org["agent_a"], book=book, month=last, title="지난달 독후감")
    services.rating_set(
        review=old, voter=org["agent_b"], stars=5, now=timezone.now().replace(day=1) - timedelta(hours=3)
    )
    loan = services.loan_borrow(book=book, borrower=org["agent_a"])
    return {
        "book": book,
        "pick": pick,
        "meeting": meeting,
        "review": review,
        "draft": draft,
        "old": old,
        "loan": loan,
    }


def member_urls(club):
    return [
        reverse("bookclub:home"),
        reverse("bookclub:library"),
        reverse("bookclub:book", args=[club["book"].pk]),
        reverse("bookclub:loans"),
        reverse("bookclub:proposals"),
        reverse("bookclub:meeting", args=[club["meeting"].pk]),
        reverse("bookclub:reviews"),
        reverse("bookclub:reviews") + f"?month={previous_month(current_month()):%Y-%m}",
        reverse("bookclub:review", args=[club["review"].pk]),
        reverse("bookclub:review_new"),
        reverse("bookclub:results", args=[f"{current_month():%Y-%m}"]),
    ]


def librarian_urls(club):
    return [
        reverse("bookclub:desk"),
        reverse("bookclub:book_create"),
        reverse("bookclub:book_edit", args=[club["book"].pk]),
    ]


def test_anonymous_visitors_are_sent_to_login(client, club):
    for url in (
        member_urls(club) + librarian_urls(club) + [reverse("bookclub:book_cover", args=[club["book"].pk])]
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["agent_a", "agent_b", "manager_a", "manager_b", "admin_user"])
def test_every_member_opens_the_member_pages(as_user, club, org, who):
    c = as_user(org[who])
    for url in member_urls(club):
        assert c.get(url).status_code == HTTPStatus.OK, url


@pytest.mark.parametrize("who", ["agent_a", "agent_b", "manager_a", "manager_b"])
def test_only_librarians_and_admins_open_the_desk(as_user, club, org, who):
    c = as_user(org[who])
    for url in librarian_urls(club):
        assert c.get(url).status_code == HTTPStatus.FORBIDDEN, url


@pytest.mark.parametrize("who", ["librarian", "admin_user"])
def test_librarians_and_admins_open_the_desk(as_user, club, org, librarian, who):
    user = librarian if who == "librarian" else org[who]
    c = as_user(user)
    for url in librarian_urls(club):
        assert c.get(url).status_code == HTTPStatus.OK, url
    desk = c.get(reverse("bookclub:desk")).content.decode()
    assert org["agent_a"].name in desk and "지구 끝의 온실" in desk


def test_drafts_are_their_authors_only(as_user, club, org):
    url = reverse("bookclub:review", args=[club["draft"].pk])
    assert as_user(org["agent_a"]).get(url).status_code == HTTPStatus.NOT_FOUND
    assert as_user(org["admin_user"]).get(url).status_code == HTTPStatus.NOT_FOUND
    assert as_user(org["agent_b"]).get(url).status_code == HTTPStatus.OK
    edit = reverse("bookclub:review_edit", args=[club["review"].pk])
    assert as_user(org["agent_a"]).get(edit).status_code == HTTPStatus.NOT_FOUND
    assert as_user(org["agent_b"]).get(edit).status_code == HTTPStatus.OK


@pytest.mark.parametrize("who", ["agent_a", "manager_a", "librarian"])
def test_only_admins_confirm_picks_correct_awards_and_announce(as_user, club, org, librarian, who):
    user = librarian if who == "librarian" else org[who]
    c = as_user(user)
    proposal = services.proposal_create(
        by=org["agent_a"], month=_next_month(), title="비폭력대화", reason="상담에 도움이 됩니다"
    )
    month = f"{previous_month(current_month()):%Y-%m}"
    for url in (
        reverse("bookclub:proposal_confirm", args=[proposal.pk]),
        reverse("bookclub:award_correct", args=[month]),
        reverse("bookclub:month_announce", args=[month]),
    ):
        assert c.post(url, {"copies": 3, "reason": "x", "place": 1}).status_code == HTTPStatus.FORBIDDEN, url
    proposal.refresh_from_db()
    assert not proposal.accepted


def _next_month():
    from bookclub.months import next_month

    return next_month(current_month())


def test_admin_confirms_a_proposal_and_copies_are_stocked(as_user, club, org):
    proposal = services.proposal_create(
        by=org["agent_a"],
        month=_next_month(),
        title="비폭력대화",
        authors="마셜 B. 로젠버그",
        isbn="9788965290124",
        reason="추천",
    )
    response = as_user(org["admin_user"]).post(
        reverse("bookclub:proposal_confirm", args=[proposal.pk]),
        {"copies": 4, "why": "폭언 대응 교육과 함께"},
    )
    assert response.status_code == HTTPStatus.FOUND
    book = Book.objects.get(isbn13="9788965290124")
    assert book.picks.get().month == _next_month()
    assert book.copies.count() == 4


def test_cover_is_served_only_through_the_view(as_user, club, org, librarian):
    assert (
        as_user(org["agent_a"]).get(reverse("bookclub:book_cover", args=[club["book"].pk])).status_code == 404
    )
    c = as_user(librarian)
    response = c.post(
        reverse("bookclub:book_edit", args=[club["book"].pk]),
        {"title": "지구 끝의 온실", "authors": "김초엽", "isbn": "979-11-91048-03-2", "cover": _png()},
    )
    assert response.status_code == HTTPStatus.FOUND
    book = Book.objects.get(pk=club["book"].pk)
    assert book.cover.name.startswith("bookclub/covers/") and book.cover.name.endswith(".png")
    image = as_user(org["agent_b"]).get(reverse("bookclub:book_cover", args=[book.pk]))
    assert image.status_code == HTTPStatus.OK and image["Content-Type"] == "image/png"


def _png(size=(60, 90)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("표지.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"isbn": "9788936434268"}, "isbn", "This ISBN-13 has a wrong check digit."),
        ({"isbn": "9788936434267", "title": ""}, "title", "This field is required."),
        (
            {
                "isbn": "9788936434267",
                "cover": SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
            },
            "cover",
            "Upload a valid image.",
        ),
    ],
)
def test_bad_book_input_is_refused_with_a_message_and_nothing_stored(
    as_user, librarian, fields, field, message
):
    data = {"title": "아몬드", "authors": "손원평", **fields}
    response = as_user(librarian).post(reverse("bookclub:book_create"), data)
    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert not Book.objects.exists()


def test_a_too_large_cover_is_refused(as_user, librarian, settings):
    settings.BOOKCLUB_COVER_MAX_BYTES = 100
    response = as_user(librarian).post(
        reverse("bookclub:book_create"),
        {"title": "아몬드", "authors": "손원평", "isbn": "9788936434267", "cover": _png()},
    )
    assert "the limit is 0 KB" in " ".join(response.context["form"].errors["cover"])
    assert not Book.objects.exists()


def test_a_duplicate_isbn_is_refused(as_user, club, librarian):
    response = as_user(librarian).post(
        reverse("bookclub:book_create"),
        {"title": "다른 제목", "authors": "누군가", "isbn": club["book"].isbn13},
    )
    assert "already in the library" in " ".join(response.context["form"].errors["isbn"])
    assert Book.objects.count() == 1


def test_member_borrows_from_the_home_page_and_sees_the_loan(as_user, club, org):
    c = as_user(org["agent_b"])
    response = c.post(
        reverse("bookclub:borrow", args=[club["book"].pk]), {"next": reverse("bookclub:home")}, follow=True
    )
    assert "Borrowed copy" in response.content.decode()
    assert Loan.objects.filter(borrower=org["agent_b"], returned_at__isnull=True).count() == 1
    assert "You have this book" in c.get(reverse("bookclub:home")).content.decode()


def test_next_refuses_off_site_redirects(as_user, club, org):
    response = as_user(org["agent_b"]).post(
        reverse("bookclub:borrow", args=[club["book"].pk]), {"next": "//evil.example/"}
    )
    assert response["Location"] == reverse("bookclub:book", args=[club["book"].pk])


def test_rating_through_the_page(as_user, club, org):
    url = reverse("bookclub:review_rate", args=[club["review"].pk])
    response = as_user(org["agent_a"]).post(url, {"stars": "4"}, follow=True)
    assert "Thanks for rating!" in response.content.decode()
    assert "Your rating: 4 stars." in response.content.decode()
    own = as_user(org["agent_b"]).post(url, {"stars": "5"}, follow=True)
    assert "You cannot rate your own review." in own.content.decode()
    bad = as_user(org["manager_a"]).post(url, {"stars": "9"}, follow=True)
    assert "from 1 to 5" in bad.content.decode()
    assert list(Rating.objects.filter(review=club["review"]).values_list("voter_id", "stars")) == [
        (org["agent_a"].pk, 4)
    ]


def test_live_scores_stay_hidden_until_the_month_closes(as_user, club, org):
    services.rating_set(review=club["review"], voter=org["agent_a"], stars=2)
    page = (
        as_user(org["manager_a"]).get(reverse("bookclub:review", args=[club["review"].pk])).content.decode()
    )
    assert "Final score" not in page and "Rank " not in page
    author_page = (
        as_user(org["agent_b"]).get(reverse("bookclub:review", args=[club["review"].pk])).content.decode()
    )
    assert "Scores stay hidden until the vote closes." in author_page


def test_comments_and_empty_comments(as_user, club, org):
    c = as_user(org["agent_a"])
    c.post(reverse("bookclub:review_comment", args=[club["review"].pk]), {"body": "공감합니다!"})
    response = c.post(
        reverse("bookclub:review_comment", args=[club["review"].pk]), {"body": "  "}, follow=True
    )
    assert "Write a comment first." in response.content.decode()
    assert list(Comment.objects.values_list("body", flat=True)) == ["공감합니다!"]
    assert (
        c.post(reverse("bookclub:review_comment", args=[club["draft"].pk]), {"body": "x"}).status_code == 404
    )


def test_writing_a_review_draft_then_publishing(as_user, club, org):
    c = as_user(org["manager_a"])
    data = {
        "book": club["book"].pk,
        "title": "온실과 우리 팀",
        "body": "모스바나처럼 번지는 다정함에 대해 생각했다. " * 2,
    }
    response = c.post(reverse("bookclub:review_new"), {**data, "draft": "1"})
    review = org["manager_a"].bookclub_reviews.get()
    assert response["Location"] == review.get_absolute_url() and review.status == ReviewStatus.DRAFT
    c.post(reverse("bookclub:review_edit", args=[review.pk]), {**data, "publish": "1"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED and review.month == current_month()


def test_a_too_short_review_is_refused_and_nothing_stored(as_user, club, org):
    response = as_user(org["manager_a"]).post(
        reverse("bookclub:review_new"),
        {"book": club["book"].pk, "title": "짧음", "body": "좋았다", "publish": "1"},
    )
    assert "Write at least 20 characters." in " ".join(response.context["form"].errors["body"])
    assert not org["manager_a"].bookclub_reviews.exists()


def test_review_markdown_is_sanitised(as_user, club, org):
    review = ReviewFactory(
        author=org["agent_b"], body="**좋은 책** <script>alert(1)</script> [링크](javascript:alert(1))"
    )
    page = as_user(org["agent_a"]).get(reverse("bookclub:review", args=[review.pk])).content.decode()
    assert "<strong>좋은 책</strong>" in page
    assert "<script>alert" not in page and "javascript:alert" not in page


def test_rsvp_through_the_page_respects_capacity(as_user, club, org):
    meeting = MeetingFactory(month=current_month().replace(year=2030), capacity=1)
    as_user(org["agent_a"]).post(reverse("bookclub:rsvp", args=[meeting.pk]), {"status": "going"})
    response = as_user(org["agent_b"]).post(
        reverse("bookclub:rsvp", args=[meeting.pk]), {"status": "going"}, follow=True
    )
    assert "The meeting is full (1 seats)." in response.content.decode()
    assert Rsvp.objects.filter(meeting=meeting).count() == 1


def test_results_page_shows_the_formula_and_numbers_after_close(as_user, club, org):
    month = previous_month(current_month())
    services.month_close(month=month, now=timezone.now() + timedelta(days=40))
    page = as_user(org["agent_a"]).get(reverse("bookclub:results", args=[f"{month:%Y-%m}"])).content.decode()
    # The ranking in one plain sentence; the formula and its numbers folded away in <details>.
    assert "one 5-star vote does not beat many good ones" in page
    assert 'data-testid="formula"' in page and "<details" in page
    folded = page.split("<details", 1)[1]
    assert "WR</var> = <var>v</var>/(<var>v</var>+<var>m</var>)" in folded and "5.0000" in folded
    assert "지난달 독후감" in page
    visible = re.sub(r'nonce="[^"]*"', "", page.split("<details", 1)[0])  # a random nonce may spell "WR"
    assert "WR" not in visible and "C=" not in visible
    before = as_user(org["agent_a"]).get(reverse("bookclub:results", args=[f"{current_month():%Y-%m}"]))
    assert "Not announced yet" in before.content.decode()


def test_admin_corrects_an_award_through_the_page(as_user, club, org):
    month = previous_month(current_month())
    result, _created = services.month_close(month=month, now=timezone.now() + timedelta(days=40))
    c = as_user(org["admin_user"])
    url = reverse("bookclub:award_correct", args=[f"{month:%Y-%m}"])
    response = c.post(url, {"place": 1, "prize": "도서상품권 10만원", "reason": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    assert Award.objects.get(result=result, place=1).prize != "도서상품권 10만원"
    c.post(url, {"place": 1, "prize": "도서상품권 10만원", "reason": "예산 증액"})
    assert Award.objects.get(result=result, place=1).prize == "도서상품권 10만원"
    page = c.get(reverse("bookclub:results", args=[f"{month:%Y-%m}"])).content.decode()
    assert "Administrator: correct or announce" in page and "도서상품권 10만원" in page
    member_page = (
        as_user(org["agent_a"]).get(reverse("bookclub:results", args=[f"{month:%Y-%m}"])).content.decode()
    )
    assert "Administrator: correct or announce" not in member_page


def test_hot_pages_use_a_bounded_number_of_queries(as_user, club, org, django_assert_max_num_queries):
    for i in range(8):
        ReviewFactory(book=club["book"], title=f"추가 독후감 {i}")
    c = as_user(org["agent_a"])
    c.get(reverse("bookclub:home"))
    with django_assert_max_num_queries(30):
        assert c.get(reverse("bookclub:home")).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("bookclub:reviews")).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("bookclub:library")).status_code == 200
    with django_assert_max_num_queries(25):
        assert c.get(reverse("home")).status_code == 200


def test_dashboard_widget_shows_pick_loans_and_voting(as_user, club, org):
    page = as_user(org["agent_a"]).get(reverse("home")).content.decode()
    assert "지구 끝의 온실" in page and "Star voting for" in page


def test_in_the_first_days_of_a_month_last_months_closing_vote_is_announced_first(as_user, org):
    import time_machine

    from bookclub.models import MonthResult

    from .factories import kst

    c = as_user(org["agent_a"])
    with time_machine.travel(kst(2026, 12, 3, 10), tick=False):
        home = c.get(reverse("bookclub:home")).content.decode()
        notices = home.split('data-testid="voting-notice"')[1:]
        assert len(notices) == 2
        assert "November 2026" in notices[0] and "?month=2026-11" in notices[0]
        assert "?month=2026-12" in notices[1]
        widget = c.get(reverse("home")).content.decode()
        assert widget.index("?month=2026-11") < widget.index("?month=2026-12")
        board = c.get(reverse("bookclub:reviews") + "?month=2026-12").content.decode()
        assert 'data-testid="other-vote"' in board and "?month=2026-11" in board
        MonthResult.objects.create(month=date(2026, 11, 1), closed_at=timezone.now(), m=3)
        assert c.get(reverse("bookclub:home")).content.decode().count('data-testid="voting-notice"') == 1
    with time_machine.travel(kst(2026, 12, 6, 0, 1), tick=False):
        home = as_user(org["agent_a"]).get(reverse("bookclub:home")).content.decode()
        assert home.count('data-testid="voting-notice"') == 1 and "?month=2026-12" in home


def test_librarians_schedule_and_edit_meetings(as_user, club, org, librarian):
    url = reverse("bookclub:meeting_create")
    for who in ("agent_a", "manager_a"):
        assert as_user(org[who]).get(url).status_code == HTTPStatus.FORBIDDEN
    c = as_user(librarian)
    month = f"{_next_month():%Y-%m}"
    data = {
        "month": month,
        "title": "다음 달 북토크",
        "starts_at": "2030-01-20T19:00",
        "place": "7층 라운지",
        "capacity": 12,
        "questions": "질문 하나\n질문 둘",
    }
    response = c.post(url, data)
    from bookclub.models import Meeting

    meeting = Meeting.objects.get(title="다음 달 북토크")
    assert response["Location"] == meeting.get_absolute_url() and meeting.question_list == [
        "질문 하나",
        "질문 둘",
    ]
    assert c.get(reverse("bookclub:meeting_edit", args=[meeting.pk])).status_code == HTTPStatus.OK
    assert as_user(org["agent_a"]).get(reverse("bookclub:meeting_edit", args=[meeting.pk])).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": 0}, "capacity", "Ensure this value is greater than or equal to 1."),
        ({"place": "", "video_url": ""}, "place", "Give a place or a video link."),
        ({"month": "current"}, "month", "already has a meeting."),
        ({"starts_at": "내일 저녁"}, "starts_at", "Enter a valid date/time."),
    ],
)
def test_bad_meeting_input_is_refused_and_nothing_stored(as_user, club, librarian, changes, field, message):
    from bookclub.models import Meeting

    data = {
        "month": f"{_next_month():%Y-%m}",
        "title": "모임",
        "starts_at": "2030-01-20T19:00",
        "place": "7층",
        "capacity": 5,
        **changes,
    }
    if data["month"] == "current":
        data["month"] = f"{current_month():%Y-%m}"  # the club fixture already has this month's meeting
    before = Meeting.objects.count()
    response = as_user(librarian).post(reverse("bookclub:meeting_create"), data)
    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert Meeting.objects.count() == before


def test_library_search_answers_htmx_with_just_the_results(as_user, club, org):
    book_with_copies(1, title="아몬드", authors="손원평")
    c = as_user(org["agent_a"])
    response = c.get(reverse("bookclub:library"), {"q": "손원"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "bookclub/_library_results.html"
    assert [b.title for b in response.context["page"]] == ["아몬드"]
    by_isbn = c.get(
        reverse("bookclub:library"), {"q": club["book"].isbn13[:8] + "-" + club["book"].isbn13[8:]}
    )
    assert [b.title for b in by_isbn.context["page"]] == ["지구 끝의 온실"]
    free = c.get(reverse("bookclub:library"), {"available": "1"})
    assert {b.title for b in free.context["page"]} == {"아몬드", "지구 끝의 온실"}
