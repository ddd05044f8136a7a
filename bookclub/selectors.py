"""Book club reads, already filtered by what the user may see.

The club is company-wide, so every active member of staff sees the library, picks, meetings and
published reviews; drafts are visible to their author only; live scores are never exposed before
a month is closed (only the person's own rating is).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    Field,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User

from .models import (
    HOLD_OPEN,
    Award,
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
from .months import current_month, default_window, previous_month, voting_window


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
        books = books.filter(n_available__gt=0)  # type: ignore[misc]  # annotated in books_with_availability
    return books


def book_state_for(user: User, book: Book) -> dict[str, Any]:
    """What this person can do with this book right now: their loan, hold and queue position."""
    loan = (
        Loan.objects.filter(book=book, borrower=user, returned_at__isnull=True).select_related("copy").first()
    )
    hold = Hold.objects.filter(book=book, user=user, status__in=HOLD_OPEN).first()
    return _book_state(book, loan, hold)


def book_state_from(book: Book, *, loans: list[Loan], holds: list[Hold]) -> dict[str, Any]:
    """book_state_for, from the person's active loans (`loans_for`) and open holds (`holds_for`)
    already loaded for the page: the database allows one active loan and one open hold per person
    and book, so the one for this book is among them."""
    loan = next((loan for loan in loans if loan.book_id == book.pk), None)
    hold = next((hold for hold in holds if hold.book_id == book.pk), None)
    return _book_state(book, loan, hold)


def _book_state(book: Book, loan: Loan | None, hold: Hold | None) -> dict[str, Any]:
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


def availability(book: Book) -> dict[str, Any]:
    """Copies (lost ones aside), copies on the shelf and people waiting, counted in one query."""
    total, available, waiting = _select_counts(_availability_counts("%s"), book.pk)
    return _availability(total=total, available=available, waiting=waiting)


def _availability(*, total: int, available: int, waiting: int) -> dict[str, Any]:
    return {"total": total, "available": available, "dots": range(min(total, 40)), "waiting": waiting}


def pick_availability(pick: MonthlyPick) -> dict[str, Any]:
    """availability(pick.book) for a pick from `pick_and_open_votes(with_availability=True)`."""
    counts = pick.n_copies, pick.n_available, pick.n_waiting  # type: ignore[attr-defined]  # annotated by the query
    return _availability(total=counts[0], available=counts[1], waiting=counts[2])


def loans_for(user: User, *, active: bool = True) -> QuerySet[Loan]:
    loans = Loan.objects.filter(borrower=user).select_related("book", "copy")
    if active:
        return loans.filter(returned_at__isnull=True).order_by("due_date")
    return loans.filter(returned_at__isnull=False).order_by("-returned_at")


def holds_for(user: User) -> QuerySet[Hold]:
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


def rsvp_summary(meeting: Meeting, user: User) -> dict[str, Any]:
    """The meeting's answers by kind and this person's own, in one query."""
    going, maybe, not_going, mine = _select_counts(_rsvp_counts("%s", user), meeting.pk)
    return _rsvp(meeting, going=going, maybe=maybe, not_going=not_going, mine=mine)


def next_meeting_with_rsvp(
    user: User, now: datetime | None = None
) -> tuple[Meeting | None, dict[str, Any] | None]:
    """next_meeting() and its rsvp_summary() for this person, in one query (two when no meeting is
    coming up and the last one is shown)."""
    now = now or timezone.now()
    names = ["n_going", "n_maybe", "n_not_going", "my_rsvp"]
    outer = _col(Meeting, "id")
    meetings = Meeting.objects.annotate(**_annotations(names, _rsvp_counts(outer, user)))
    meeting = (
        meetings.filter(starts_at__gte=now - timedelta(hours=3)).order_by("starts_at").first()
        or meetings.order_by("-starts_at").first()
    )
    if meeting is None:
        return None, None
    counts = {name: getattr(meeting, name) for name in names}
    return meeting, _rsvp(
        meeting,
        going=counts["n_going"],
        maybe=counts["n_maybe"],
        not_going=counts["n_not_going"],
        mine=counts["my_rsvp"],
    )


def _rsvp(meeting: Meeting, *, going: int, maybe: int, not_going: int, mine: str | None) -> dict[str, Any]:
    return {
        "going": going,
        "maybe": maybe,
        "not_going": not_going,
        "mine": mine,
        "seats_left": max(meeting.capacity - going, 0),
        "full": going >= meeting.capacity,
    }


# --- Counts in plain SQL ----------------------------------------------------------------------
# The book club's home page shows the pick's copies and the meeting's answers on every visit.
# Through the ORM these counts (grouped queries, correlated subqueries) cost several times the
# Python time of loading the pick or the meeting itself; as SQL fragments they cost nearly none.
# Each fragment counts for the row whose id is `ref`: "%s" in a query of its own, or the outer
# table's column inside the query that loads the pick or the meeting (RawSQL). Only quoted names
# from the models go into the text; values are parameters.
def _sql(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[Model], field: str) -> str:
    """The quoted column, with its table: the fragments are correlated subqueries."""
    column = model._meta.get_field(field)
    assert isinstance(column, Field) and column.column  # a concrete column, not a reverse relation
    return f"{_sql(model)}.{connection.ops.quote_name(column.column)}"


def _count(table: str, *conditions: str) -> str:
    return f"SELECT COUNT(*) FROM {table} WHERE {' AND '.join(conditions)}"  # noqa: S608


def _availability_counts(ref: str) -> list[tuple[str, list[Any]]]:
    """Copies not lost, copies available and people waiting, for the book `ref`."""
    copies, book, status = _sql(Copy), _col(Copy, "book"), _col(Copy, "status")
    holds, hold_book, hold_status = _sql(Hold), _col(Hold, "book"), _col(Hold, "status")
    return [
        (_count(copies, f"{book} = {ref}", f"{status} <> %s"), [CopyStatus.LOST.value]),
        (_count(copies, f"{book} = {ref}", f"{status} = %s"), [CopyStatus.AVAILABLE.value]),
        (_count(holds, f"{hold_book} = {ref}", f"{hold_status} = %s"), [HoldStatus.WAITING.value]),
    ]


def _rsvp_counts(ref: str, user: User) -> list[tuple[str, list[Any]]]:
    """Going, maybe, not going, and this person's answer (or NULL), for the meeting `ref`."""
    rsvps, meeting, status, person = (
        _sql(Rsvp),
        _col(Rsvp, "meeting"),
        _col(Rsvp, "status"),
        _col(Rsvp, "user"),
    )
    mine = f"SELECT {status} FROM {rsvps} WHERE {meeting} = {ref} AND {person} = %s"  # noqa: S608
    return [
        (_count(rsvps, f"{meeting} = {ref}", f"{status} = %s"), [RsvpStatus.GOING.value]),
        (_count(rsvps, f"{meeting} = {ref}", f"{status} = %s"), [RsvpStatus.MAYBE.value]),
        (_count(rsvps, f"{meeting} = {ref}", f"{status} = %s"), [RsvpStatus.NOT_GOING.value]),
        (mine, [user.pk]),
    ]


def _annotations(names: list[str], parts: list[tuple[str, list[Any]]]) -> dict[str, RawSQL]:
    return {name: RawSQL(sql, params) for name, (sql, params) in zip(names, parts, strict=True)}  # noqa: S611


def _select_counts(parts: list[tuple[str, list[Any]]], ref_value: object) -> tuple[Any, ...]:
    """One row of the fragments, each with `ref` = "%s" given `ref_value` (`ref` is the first
    parameter of every fragment)."""
    sql = "SELECT " + ", ".join(f"({part})" for part, _params in parts)
    params = [value for _part, part_params in parts for value in (ref_value, *part_params)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None  # a SELECT without FROM has one row
    return tuple(row)


def attendees(meeting: Meeting) -> QuerySet[Rsvp]:
    return (
        meeting.rsvps.filter(status__in=[RsvpStatus.GOING, RsvpStatus.MAYBE])
        .select_related("user")
        .order_by("status", "user__name")
    )


def visible_reviews(user: User) -> QuerySet[Review]:
    """Published reviews, plus the person's own drafts."""
    return Review.objects.filter(Q(status=ReviewStatus.PUBLISHED) | Q(author=user)).select_related(
        "author", "book", "author__team"
    )


def review_board(user: User, *, month: date) -> QuerySet[Review]:
    return (
        Review.objects.filter(month=month, status=ReviewStatus.PUBLISHED)
        .select_related("author", "book")
        .annotate(n_comments=Count("comments", distinct=True))
        .annotate(rated_by_me=Exists(Rating.objects.filter(review=OuterRef("pk"), voter=user)))
        .order_by("-published_at", "-id")
    )


def my_drafts(user: User) -> QuerySet[Review]:
    return Review.objects.filter(author=user, status=ReviewStatus.DRAFT).select_related("book")


def latest_reviews(limit: int = 5) -> QuerySet[Review]:
    return Review.objects.filter(status=ReviewStatus.PUBLISHED).select_related("author", "book")[:limit]


def review_months() -> list[date]:
    return sorted(
        set(Review.objects.filter(status=ReviewStatus.PUBLISHED).values_list("month", flat=True))
        | {current_month()},
        reverse=True,
    )


def my_rating(review: Review, user: User) -> int | None:
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
    return (
        MonthResult.objects.prefetch_related(
            Prefetch("awards", queryset=Award.objects.select_related("review", "review__author"))
        )
        .order_by("-month")
        .first()
    )


def latest_awards() -> tuple[MonthResult | None, list[Award]]:
    """The latest closed month and its awards (with review and author), in one query when the month
    has awards."""
    latest = MonthResult.objects.order_by("-month").values("pk")[:1]
    awards = list(
        Award.objects.filter(result_id=Subquery(latest))
        .select_related("result", "review", "review__author")
        .order_by("place")
    )
    if awards:
        return awards[0].result, awards
    return MonthResult.objects.order_by("-month").first(), []


def results() -> QuerySet[MonthResult]:
    return MonthResult.objects.order_by("-month")


def voting_state(month: date, now: datetime | None = None) -> dict[str, Any]:
    return voting_states([month], now)[month]


def _is_closed(model: type[Model] = MonthlyPick) -> RawSQL:
    """Whether the month of the row (a pick, a review) has its MonthResult (the vote is closed),
    inside the row's query."""
    month = _col(MonthResult, "month")
    sql = f"EXISTS(SELECT 1 FROM {_sql(MonthResult)} WHERE {month} = {_col(model, 'month')})"  # noqa: S608
    return RawSQL(sql, [], output_field=BooleanField())  # noqa: S611


def vote_columns(model: type[Model] = Review) -> dict[str, RawSQL]:
    """For rows with a month (reviews): the month's pick's own voting window (NULL where it has
    none, see months.window_with) and whether the month is closed, inside the rows' query."""
    picks, pick_month = _sql(MonthlyPick), _col(MonthlyPick, "month")
    outer = _col(model, "month")

    def pick_column(field: str) -> RawSQL:
        sql = f"SELECT {_col(MonthlyPick, field)} FROM {picks} WHERE {pick_month} = {outer}"  # noqa: S608
        return RawSQL(sql, [], output_field=DateTimeField())  # noqa: S611

    return {
        "pick_opens_at": pick_column("voting_opens_at"),
        "pick_closes_at": pick_column("voting_closes_at"),
        "month_closed": _is_closed(model),
    }


def voting_states(months: list[date], now: datetime | None = None) -> dict[date, dict[str, Any]]:
    """voting_state() of several months, in one query (two when a month has no pick)."""
    picks = MonthlyPick.objects.filter(month__in=months).only("month", "voting_opens_at", "voting_closes_at")
    return _voting_states(
        months, now or timezone.now(), {p.month: p for p in picks.annotate(closed=_is_closed())}
    )


def _voting_states(
    months: list[date], now: datetime, picks: dict[date, MonthlyPick]
) -> dict[date, dict[str, Any]]:
    """`picks` holds every pick of `months` (annotated with `closed`); a month without one has the
    default window and is closed when its MonthResult exists."""
    missing = [m for m in months if m not in picks]
    closed_missing = (
        set(MonthResult.objects.filter(month__in=missing).values_list("month", flat=True))
        if missing
        else set()
    )
    states = {}
    for month in months:
        pick = picks.get(month)
        opens, closes = voting_window(month, pick) if pick is not None else default_window(month)
        closed = pick.closed if pick is not None else month in closed_missing  # type: ignore[attr-defined]  # annotated (_is_closed)
        states[month] = {
            "opens": opens,
            "closes": closes,
            "open": opens <= now < closes and not closed,
            "closed": closed,
            "before": now < opens,
        }
    return states


def _open_votes(states: dict[date, dict[str, Any]]) -> list[dict[str, Any]]:
    votes = [{"month": m, "closes": s["closes"]} for m, s in states.items() if s["open"]]
    return sorted(votes, key=lambda v: v["closes"])


def _vote_months(now: datetime) -> list[date]:
    month = current_month(now)
    return [previous_month(month), month]


def open_votes(now: datetime | None = None) -> list[dict[str, Any]]:
    """The star votes open now, the one closing first first. From the 1st to the 5th of a month (by
    default) last month's vote is still open beside this month's, and it is the one about to end."""
    now = now or timezone.now()
    return _open_votes(voting_states(_vote_months(now), now))


def pick_and_open_votes(
    now: datetime | None = None, *, with_availability: bool = False
) -> tuple[MonthlyPick | None, list[dict[str, Any]]]:
    """current_pick() and open_votes() together, in one query (two when last or this month has no
    pick). With `with_availability` the pick also carries its book's copy and waiting counts (see
    `pick_availability`)."""
    now = now or timezone.now()
    months = _vote_months(now)
    picks = (
        MonthlyPick.objects.filter(month__lte=months[1])
        .select_related("book")
        .annotate(closed=_is_closed())
        .order_by("-month")
    )
    if with_availability:
        outer = _col(MonthlyPick, "book")
        names = ["n_copies", "n_available", "n_waiting"]
        parts = _availability_counts(outer)
        picks = picks.annotate(**_annotations(names, parts))
    # Months are unique, so the two latest picks up to this month include this month's and last
    # month's wherever they exist.
    latest = list(picks[:2])
    states = _voting_states(months, now, {p.month: p for p in latest if p.month in months})
    return (latest[0] if latest else None), _open_votes(states)


def proposals(user: User, *, months: list[date]) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(month__in=months)
        .select_related("proposer", "book")
        .annotate(n_votes=Count("votes", distinct=True))
        .annotate(voted=Exists(ProposalVote.objects.filter(proposal=OuterRef("pk"), voter=user)))
        .order_by("month", "-n_votes", "created_at")
    )
