"""The main pages of each role, with a little data on them, for the phone-layout and
accessibility journeys (tests/e2e/test_phone_layouts.py, test_accessibility.py)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

LONG_TITLE = "나는 왜 이 일을 하는가: 일의 의미를 다시 묻는 사람들을 위한 안내서"


def seed(org) -> dict:
    """A loan with a long title, a published review and article, an overtime request."""
    from bookclub import services as club
    from knowledge.models import Article
    from tests.bookclub.factories import PickFactory, ReviewFactory, book_with_copies
    from tests.knowledge.factories import published_article
    from wellbeing import services as wb

    agent, manager = org["agent_a"], org["manager_a"]
    book = book_with_copies(2, title=LONG_TITLE, authors="사이먼 시넥", publisher="타임비즈")
    PickFactory(book=book, copies_stocked=2, why="일의 의미를 함께 이야기해 봐요.")
    club.loan_borrow(book=book, borrower=agent)
    short = book_with_copies(1, title="아몬드", authors="손원평", publisher="창비")
    club.loan_borrow(book=short, borrower=agent)
    review = ReviewFactory(author=org["agent_b"], book=book, title="일의 의미를 묻는 시간")
    article: Article = published_article(
        client=org["client_a"],
        by=manager,
        title="해외에서 카드를 분실했을 때",
        question="해외 여행 중 카드를 잃어버렸어요.",
        answer="고객님, 먼저 카드 사용을 정지해 드리겠습니다. 본인 확인 후 분실 신고를 접수합니다.",
    )
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    overtime = wb.overtime_submit(user=agent, day=day, end_time=time(20, 0), reason="월말 정산 문의 대응")
    return {"book": book, "review": review, "article": article, "overtime": overtime}


def pages_for(role: str, world: dict) -> list[tuple[str, str]]:
    """(name, path) of the pages a person of that role uses most."""
    common = [
        ("home", "/"),
        ("manuals", "/knowledge/"),
        ("article", f"/knowledge/articles/{world['article'].pk}/"),
        ("call-mode", "/knowledge/call/"),
        ("bookclub", "/bookclub/"),
        ("library", "/bookclub/library/"),
        ("my-loans", "/bookclub/loans/"),
        ("reviews", "/bookclub/reviews/"),
        ("review", f"/bookclub/reviews/{world['review'].pk}/"),
        ("review-new", "/bookclub/reviews/new/"),
        ("wellbeing", "/wellbeing/"),
        ("overtime-new", "/wellbeing/overtime/new/"),
        ("overtime-list", "/wellbeing/overtime/"),
        ("directory", "/people/directory/"),
        ("notifications", "/people/notifications/"),
        ("mfa", "/accounts/2fa/"),
    ]
    if role == "agent":
        return common
    managing = [
        ("inbox", "/wellbeing/manage/inbox/"),
        ("week", "/wellbeing/manage/week/"),
        ("reports", "/reports/"),
        ("team-dashboard", "/reports/team/"),
        ("review-queue", "/knowledge/review/"),
        ("calls", "/knowledge/calls/"),
    ]
    if role == "manager":
        return common + managing
    return common + managing + [("desk", "/bookclub/desk/"), ("company-dashboard", "/reports/company/")]
