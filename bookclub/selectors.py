"""Book club reads, already filtered by what the user may see.

The club is company-wide, so every active member of staff sees the library, picks, meetings and
published reviews; drafts are visible to their author only; live scores are never exposed before
a month is closed (only the person's own rating is).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    HOLD_OPEN,
    Book,
    Copy,
    CopyStatus,
    Hold,
    HoldStatus,
    Loan,
    Meeting,
    MonthlyPick,
    MonthResult,
    Proposal,
    ProposalVote,
    RankingEntry,
    Rating,
    Review,
    ReviewStatus,
    Rsvp,
    RsvpStatus,
)
from .months import current_month, previous_month, voting_window


def books_with_availability() -> QuerySet[Book]:
    return Book.objects.annotate(
        n_copies=Count("copies", filter=~Q(copies__status=CopyStatus.LOST), distinct=True),
        n_available=Count("copies", filter=Q(copies__status=CopyStatus.AVAILABLE), distinct=True),
        n_waiting=Count("holds", filter=Q(holds__status=HoldStatus.WAITING), distinct=True),
    )


def catalogue(*, query: str = "", available_only: bool = False) -> QuerySet[Book]:
    books = books_with_availability().order_by("title")
    query = query.strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        condition = Q(title__icontains=query) | Q(authors__icontains=query) | Q(publisher__icontains=query)
        if digits.isdigit():
            condition |= Q(isbn13__contains=digits)
        books = books.filter(condition)
    if available_only:
        books = books.filter(n_available__gt=0)
    return books


def book_state_for(user, book: Book) -> dict:
    """What this person can do with this book right now: their loan, hold and queue position."""
    loan = (
        Loan.objects.filter(book=book, borrower=user, returned_at__isnull=True).select_related("copy").first()
    )
    hold = Hold.objects.filter(book=book, user=user, status__in=HOLD_OPEN).first()
    position = None
    if hold is not None and hold.status == HoldStatus.WAITING:
        position = (
            Hold.objects.filter(book=book, status=HoldStatus.WAITING)
            .filter(Q(created_at__lt=hold.created_at) | Q(created_at=hold.created_at, pk__lt=hold.pk))
            .count()
            + 1
        )
    return {"loan": loan, "hold": hold, "position": position}


def current_pick(now: datetime | None = None) -> MonthlyPick | None:
    month = current_month(now)
    return MonthlyPick.objects.filter(month__lte=month).select_related("book").order_by("-month").first()


def picks() -> QuerySet[MonthlyPick]:
    return MonthlyPick.objects.select_related("book").order_by("-month")


def availability(book: Book) -> dict:
    counts = dict(Copy.objects.filter(book=book).values_list("status").annotate(n=Count("id")))
    total = sum(n for status, n in counts.items() if status != CopyStatus.LOST)
    return {
        "total": total,
        "available": counts.get(CopyStatus.AVAILABLE, 0),
        "dots": range(min(total, 40)),
        "waiting": Hold.objects.filter(book=book, status=HoldStatus.WAITING).count(),
    }


def loans_for(user, *, active: bool = True) -> QuerySet[Loan]:
    loans = Loan.objects.filter(borrower=user).select_related("book", "copy")
    if active:
        return loans.filter(returned_at__isnull=True).order_by("due_date")
    return loans.filter(returned_at__isnull=False).order_by("-returned_at")


def holds_for(user) -> QuerySet[Hold]:
    return Hold.objects.filter(user=user, status__in=HOLD_OPEN).select_related("book", "copy")


def desk_loans(*, query: str = "") -> QuerySet[Loan]:
    loans = Loan.objects.filter(returned_at__isnull=True).select_related(
        "book", "copy", "borrower", "borrower__team"
    )
    if query.strip():
        q = query.strip()
        loans = loans.filter(
            Q(borrower__name__icontains=q) | Q(book__title__icontains=q) | Q(copy__barcode__icontains=q)
        )
    return loans.order_by("due_date", "borrower__name")


def desk_holds() -> QuerySet[Hold]:
    return (
        Hold.objects.filter(status__in=HOLD_OPEN)
        .select_related("book", "user", "copy")
        .order_by("-status", "created_at")
    )


def meeting_for(month: date) -> Meeting | None:
    return Meeting.objects.filter(month=month).first()


def next_meeting(now: datetime | None = None) -> Meeting | None:
    now = now or timezone.now()
    return (
        Meeting.objects.filter(starts_at__gte=now - timedelta(hours=3)).order_by("starts_at").first()
        or Meeting.objects.order_by("-starts_at").first()
    )


def rsvp_summary(meeting: Meeting, user) -> dict:
    counts = dict(meeting.rsvps.values_list("status").annotate(n=Count("id")))
    mine = Rsvp.objects.filter(meeting=meeting, user=user).values_list("status", flat=True).first()
    going = counts.get(RsvpStatus.GOING, 0)
    return {
        "going": going,
        "maybe": counts.get(RsvpStatus.MAYBE, 0),
        "not_going": counts.get(RsvpStatus.NOT_GOING, 0),
        "mine": mine,
        "seats_left": max(meeting.capacity - going, 0),
        "full": going >= meeting.capacity,
    }


def attendees(meeting: Meeting) -> QuerySet[Rsvp]:
    return (
        meeting.rsvps.filter(status__in=[RsvpStatus.GOING, RsvpStatus.MAYBE])
        .select_related("user")
        .order_by("status", "user__name")
    )


def visible_reviews(user) -> QuerySet[Review]:
    """Published reviews, plus the person's own drafts."""
    return Review.objects.filter(Q(status=ReviewStatus.PUBLISHED) | Q(author=user)).select_related(
        "author", "book", "author__team"
    )


def review_board(user, *, month: date) -> QuerySet[Review]:
    return (
        Review.objects.filter(month=month, status=ReviewStatus.PUBLISHED)
        .select_related("author", "book")
        .annotate(n_comments=Count("comments", distinct=True))
        .annotate(rated_by_me=Exists(Rating.objects.filter(review=OuterRef("pk"), voter=user)))
        .order_by("-published_at", "-id")
    )


def my_drafts(user) -> QuerySet[Review]:
    return Review.objects.filter(author=user, status=ReviewStatus.DRAFT).select_related("book")


def latest_reviews(limit: int = 5) -> QuerySet[Review]:
    return Review.objects.filter(status=ReviewStatus.PUBLISHED).select_related("author", "book")[:limit]


def review_months() -> list[date]:
    return sorted(
        set(Review.objects.filter(status=ReviewStatus.PUBLISHED).values_list("month", flat=True))
        | {current_month()},
        reverse=True,
    )


def my_rating(review: Review, user) -> int | None:
    return Rating.objects.filter(review=review, voter=user).values_list("stars", flat=True).first()


def result_for(month: date) -> MonthResult | None:
    return (
        MonthResult.objects.filter(month=month)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=RankingEntry.objects.select_related("review", "review__author", "review__book"),
            ),
            "awards__review__author",
            "awards__review__book",
        )
        .first()
    )


def latest_result() -> MonthResult | None:
    return MonthResult.objects.prefetch_related("awards__review__author").order_by("-month").first()


def results() -> QuerySet[MonthResult]:
    return MonthResult.objects.order_by("-month")


def voting_state(month: date, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    opens, closes = voting_window(month)
    closed = MonthResult.objects.filter(month=month).exists()
    return {
        "opens": opens,
        "closes": closes,
        "open": opens <= now < closes and not closed,
        "closed": closed,
        "before": now < opens,
    }


def open_votes(now: datetime | None = None) -> list[dict]:
    """The star votes open now, the one closing first first. From the 1st to the 5th of a month (by
    default) last month's vote is still open beside this month's, and it is the one about to end."""
    now = now or timezone.now()
    month = current_month(now)
    votes = []
    for m in (previous_month(month), month):
        state = voting_state(m, now)
        if state["open"]:
            votes.append({"month": m, "closes": state["closes"]})
    return sorted(votes, key=lambda v: v["closes"])


def proposals(user, *, months: list[date]) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(month__in=months)
        .select_related("proposer", "book")
        .annotate(n_votes=Count("votes", distinct=True))
        .annotate(voted=Exists(ProposalVote.objects.filter(proposal=OuterRef("pk"), voter=user)))
        .order_by("month", "-n_votes", "created_at")
    )
