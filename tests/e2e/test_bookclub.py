"""Journey 3: a staff member borrows this month's book, publishes a review, a colleague rates it,
the month closes and the award appears."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bookclub import services
from bookclub.models import Loan, Rating
from bookclub.months import current_month, voting_window
from tests.bookclub.factories import MeetingFactory, PickFactory, book_with_copies
from tests.e2e.editor import fill_markdown

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW_BODY = (
    "멸망한 세계에서도 사람들은 **서로를 돌보는 쪽**을 택한다.\n\n"
    "> 온실을 지킨 건 한 사람의 천재성이 아니라 여러 사람이 나눠 진 책임이었다.\n\n"
    "우리 센터도 그렇다. 한 명의 에이스보다 서로를 받쳐 주는 팀이 오래 간다."
)


def test_borrow_review_rate_close_and_award(new_page, login, org, screenshot):
    reader, colleague = org["agent_a"], org["agent_b"]
    book = book_with_copies(3, title="지구 끝의 온실", authors="김초엽", publisher="자이언트북스")
    PickFactory(
        book=book, copies_stocked=3, why="함께 버티는 공동체 이야기. 서로를 돌보는 팀에 대해 이야기해 봐요."
    )
    MeetingFactory(
        title="이달의 북토크", capacity=10, questions="프림 빌리지가 오래 버틴 이유는?\n우리 팀의 온실은?"
    )

    page = new_page()
    login(page, reader)
    page.goto("/bookclub/")
    expect(page.get_by_test_id("pick")).to_contain_text("지구 끝의 온실")
    # The current month is announced last (from the 1st to the 5th, last month's closing vote comes first).
    expect(page.get_by_test_id("voting-notice").last).to_contain_text("별점 투표가 진행 중")
    screenshot(page, "bookclub-home-before")

    page.get_by_role("button", name="이 책 빌리기").click()
    expect(page.get_by_test_id("borrow-actions")).to_contain_text("대출 중인 책")
    expect(page.get_by_test_id("my-loans")).to_contain_text("지구 끝의 온실")
    assert Loan.objects.filter(borrower=reader, returned_at__isnull=True).count() == 1

    page.get_by_test_id("meeting-card").get_by_role("button", name="참석", exact=True).click()
    expect(
        page.get_by_test_id("meeting-card").get_by_role("button", name="참석", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    screenshot(page, "bookclub-home-after-borrow")

    page.get_by_role("link", name="독후감 쓰기").first.click()
    page.get_by_label("제목", exact=True).fill("온실을 지킨 사람들")
    fill_markdown(page, "id_body", REVIEW_BODY)  # the editor's Markdown tab: the stored format
    screenshot(page, "bookclub-write-review")
    page.get_by_role("button", name="게시하기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("온실을 지킨 사람들")
    expect(page.get_by_test_id("review-body").locator("blockquote")).to_contain_text("나눠 진 책임")
    expect(page.get_by_test_id("vote-box")).to_contain_text("공개되지 않습니다")

    # A colleague finds it on the board and rates it; their own rating shows, nobody's score does.
    other = new_page()
    login(other, colleague)
    other.goto("/bookclub/reviews/")
    other.get_by_test_id("review-board").get_by_text("온실을 지킨 사람들").click()
    other.get_by_role("button", name="4점").click()
    expect(other.get_by_test_id("my-rating")).to_contain_text("내 별점: 4점")
    other.get_by_role("button", name="5점").click()
    expect(other.get_by_test_id("my-rating")).to_contain_text("내 별점: 5점")
    other.get_by_label("댓글 남기기").fill("저도 이 문장에서 한참 멈췄어요.")
    other.get_by_role("button", name="댓글 등록").click()
    expect(other.locator("#comments")).to_contain_text("한참 멈췄어요")
    screenshot(other, "bookclub-review-rated")
    assert list(Rating.objects.values_list("voter_id", "stars")) == [(colleague.pk, 5)]

    # The month's window ends: the beat task's service runs with the clock past the close.
    month = current_month()
    closed = services.months_close_due(now=voting_window(month)[1] + timedelta(minutes=15))
    assert [r.label for r in closed] == [f"{month:%Y-%m}"]

    page.goto("/bookclub/")
    page.get_by_role("link", name="시상", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/bookclub/results/{month:%Y-%m}/$"))
    expect(page.get_by_test_id("awards")).to_contain_text("온실을 지킨 사람들")
    expect(page.get_by_test_id("awards")).to_contain_text("도서상품권 5만 원")
    expect(page.get_by_test_id("ranking-rule")).to_contain_text("별점 5개 한 표")
    expect(page.get_by_test_id("ranking")).to_contain_text("5.0")
    expect(page.get_by_test_id("ranking")).not_to_contain_text("WR")
    page.get_by_test_id("formula").locator("summary").click()
    expect(page.get_by_test_id("scores")).to_contain_text("5.0000")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    screenshot(page, "bookclub-results")

    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, reader)
    phone.goto("/bookclub/")
    expect(phone.get_by_test_id("pick")).to_be_visible()
    screenshot(phone, "bookclub-home-phone")
