"""Book club writes: one function per use case. Each owns its transaction, locks what it decides on,
records audit events for decisions and notifies people once the transaction commits.

Rules that must hold even under concurrent requests are also database constraints (see models.py);
a service that loses such a race turns the IntegrityError into the same clear RuleError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import User
from accounts.services import audit_record, notify
from core.errors import NotAllowed, RuleError  # the book club's refusals; re-exported as services.RuleError

from . import selectors
from .isbn import normalize_isbn
from .models import (
    HOLD_OPEN,
    Award,
    Book,
    Comment,
    Copy,
    CopyStatus,
    Hold,
    HoldStatus,
    Loan,
    LoanReminder,
    Meeting,
    MonthlyPick,
    MonthResult,
    Proposal,
    ProposalVote,
    RankingEntry,
    Rating,
    ReminderKind,
    Review,
    ReviewStatus,
    Rsvp,
    RsvpStatus,
    month_label,
)
from .months import current_month, voting_window, window_with
from .permissions import is_club_admin, is_librarian


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _fmt_dt(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i")


def _members() -> list[User]:
    return list(User.objects.filter(is_active=True))


# --- Books and copies -------------------------------------------------------------------------
def _clean_book_fields(*, title: str, authors: str, isbn: str, year: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("Enter the title.")
    if not (authors or "").strip():
        errors["authors"] = _("Enter the author(s).")
    isbn13 = ""
    try:
        isbn13 = normalize_isbn(isbn)
    except ValidationError as exc:
        errors["isbn"] = exc.messages[0]
    if year is not None and not (1400 <= year <= timezone.localdate().year + 1):
        errors["year"] = _("Enter a year between 1400 and next year.")
    if errors:
        raise ValidationError(errors)
    return {"title": title.strip(), "authors": authors.strip(), "isbn13": isbn13}


@transaction.atomic(durable=True)
def book_create(
    *,
    by: User,
    title: str,
    authors: str,
    isbn: str,
    publisher: str = "",
    year: int | None = None,
    description: str = "",
    cover: File[Any] | None = None,
) -> Book:
    if not is_librarian(by):
        raise NotAllowed(_("Only librarians can add books."))
    fields = _clean_book_fields(title=title, authors=authors, isbn=isbn, year=year)
    if Book.objects.filter(isbn13=fields["isbn13"]).exists():
        raise ValidationError({"isbn": _("A book with this ISBN is already in the library.")})
    book = Book(**fields, publisher=publisher.strip(), year=year, description=description.strip())
    if cover:
        book.cover = cover
    book.save()
    audit_record(actor=by, action=AuditAction.BOOK_CREATE, target=book, data={"isbn13": book.isbn13})
    return book


@transaction.atomic(durable=True)
def book_update(
    *,
    book: Book,
    by: User,
    title: str,
    authors: str,
    isbn: str,
    publisher: str = "",
    year: int | None = None,
    description: str = "",
    cover: File[Any] | None = None,
) -> Book:
    if not is_librarian(by):
        raise NotAllowed(_("Only librarians can edit books."))
    fields = _clean_book_fields(title=title, authors=authors, isbn=isbn, year=year)
    if Book.objects.filter(isbn13=fields["isbn13"]).exclude(pk=book.pk).exists():
        raise ValidationError({"isbn": _("A book with this ISBN is already in the library.")})
    for name, value in {**fields, "publisher": publisher.strip(), "year": year}.items():
        setattr(book, name, value)
    book.description = description.strip()
    if cover:
        book.cover = cover
    book.save()
    return book


def copies_add(*, book: Book, count: int, by: User | None = None) -> list[Copy]:
    """Put `count` more copies on the shelf. New copies go to people on the waiting list first."""
    if by is not None and not is_librarian(by):
        raise NotAllowed(_("Only librarians can add copies."))
    if not 1 <= count <= 200:
        raise RuleError(_("Add between 1 and 200 copies."), field="count")
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=book.pk)
        start = Copy.objects.filter(book=book).count() + 1
        copies = [
            Copy.objects.create(book=book, barcode=f"BK{book.pk:05d}-{n:03d}")
            for n in range(start, start + count)
        ]
        for copy in copies:
            _pass_copy_on(copy, now=timezone.now())
    return copies


# --- Proposals and picks ----------------------------------------------------------------------
@transaction.atomic(durable=True)
def proposal_create(
    *,
    by: User,
    month: date,
    title: str,
    authors: str = "",
    isbn: str = "",
    reason: str,
    now: datetime | None = None,
) -> Proposal:
    errors: dict[str, str] = {}
    if month <= current_month(now):
        errors["month"] = _("Propose books for a coming month.")
    if not title.strip():
        errors["title"] = _("Enter the title.")
    if not reason.strip():
        errors["reason"] = _("Say in a sentence or two why colleagues should read it.")
    isbn13 = ""
    if isbn.strip():
        try:
            isbn13 = normalize_isbn(isbn)
        except ValidationError as exc:
            errors["isbn"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    book = Book.objects.filter(isbn13=isbn13).first() if isbn13 else None
    return Proposal.objects.create(
        month=month,
        title=title.strip(),
        authors=authors.strip(),
        isbn13=isbn13,
        reason=reason.strip(),
        proposer=by,
        book=book,
    )


def proposal_vote_toggle(*, proposal: Proposal, voter: User) -> bool:
    """Vote for a proposal, or take the vote back. Returns whether the person now votes for it."""
    with transaction.atomic(durable=True):
        deleted, _rows = ProposalVote.objects.filter(proposal=proposal, voter=voter).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                ProposalVote.objects.create(proposal=proposal, voter=voter)
        except IntegrityError:
            pass  # a simultaneous click already recorded the vote
        return True


def pick_confirm(
    *,
    by: User,
    month: date,
    copies: int,
    why: str = "",
    book: Book | None = None,
    proposal: Proposal | None = None,
) -> MonthlyPick:
    """An admin confirms a month's book (from a proposal or the catalogue) and stocks the copies."""
    if not is_club_admin(by):
        raise NotAllowed(_("Only administrators confirm the monthly pick."))
    if not 0 <= copies <= 200:
        raise RuleError(_("Stock between 0 and 200 copies."), field="copies")
    with transaction.atomic():
        if proposal is not None:
            proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
            month = proposal.month
            book = proposal.book
            if book is None:
                if not proposal.isbn13:
                    raise RuleError(
                        _("This proposal has no ISBN: add the book to the library first."), field="proposal"
                    )
                book = Book.objects.filter(isbn13=proposal.isbn13).first() or Book.objects.create(
                    title=proposal.title, authors=proposal.authors or "—", isbn13=proposal.isbn13
                )
                proposal.book = book
            proposal.accepted = True
            proposal.save(update_fields=["book", "accepted"])
            why = why or proposal.reason
        if book is None:
            raise RuleError(_("Choose a book."), field="book")
        previous = MonthlyPick.objects.select_for_update().filter(month=month).first()
        pick, _created = MonthlyPick.objects.update_or_create(
            month=month,
            defaults={
                "book": book,
                "copies_stocked": copies,
                "why": why.strip(),
                "confirmed_by": by,
                "confirmed_at": timezone.now(),
            },
        )
        missing = copies - Copy.objects.filter(book=book).exclude(status=CopyStatus.LOST).count()
        if missing > 0:
            copies_add(book=book, count=missing)
        audit_record(
            actor=by,
            action=AuditAction.PICK_CONFIRM,
            target=pick,
            data={
                "month": month_label(month),
                "book": book.title,
                "copies": copies,
                "previous_book": previous.book.title if previous else None,
                "proposal": proposal.pk if proposal else None,
            },
        )
        notify(
            _members(),
            _("The book club's pick for %(month)s: %(title)s")
            % {"month": month_label(month), "title": book.title},
            actor=by,
            target=book,
            email=False,
        )
    return pick


# --- Loans and holds --------------------------------------------------------------------------
def _lock_book(book_id: int) -> Book:
    # Every decision about a book's copies locks the book row first: one order, no deadlocks, and
    # two borrowers of the last copy are served one after the other.
    return Book.objects.select_for_update().get(pk=book_id)


def _pass_copy_on(copy: Copy, *, now: datetime) -> Hold | None:
    """A copy came back (or is new): the first person waiting gets it, otherwise it goes on the shelf."""
    hold = (
        Hold.objects.select_for_update()
        .filter(book_id=copy.book_id, status=HoldStatus.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if hold is None:
        copy.status = CopyStatus.AVAILABLE
        copy.save(update_fields=["status"])
        return None
    hold.status = HoldStatus.READY
    hold.copy = copy
    hold.ready_at = now
    hold.pickup_deadline = now + timedelta(days=settings.BOOKCLUB_HOLD_PICKUP_DAYS)
    hold.save(update_fields=["status", "copy", "ready_at", "pickup_deadline"])
    copy.status = CopyStatus.ON_HOLD
    copy.save(update_fields=["status"])
    notify(
        hold.user,
        _("“%(title)s” is waiting for you: pick it up by %(deadline)s")
        % {"title": copy.book.title, "deadline": _fmt_dt(hold.pickup_deadline)},
        target=copy.book,
        body=_("Copy %(barcode)s is held for you at the library desk.") % {"barcode": copy.barcode},
    )
    return hold


def loan_borrow(*, book: Book, borrower: User, by: User | None = None, now: datetime | None = None) -> Loan:
    """Borrow a free copy (self-service), or lend one as a librarian (`by`)."""
    now = _now(now)
    if by is not None and by.pk != borrower.pk and not is_librarian(by):
        raise NotAllowed(_("Only librarians can lend books to someone else."))
    if not borrower.is_active:
        raise RuleError(_("This person's account is not active."), field="borrower")
    with transaction.atomic():
        book = _lock_book(book.pk)
        if Loan.objects.filter(book=book, borrower=borrower, returned_at__isnull=True).exists():
            raise RuleError(_("%(name)s already has a copy of this book.") % {"name": borrower.name})
        hold = (
            Hold.objects.select_for_update(of=("self",))
            .filter(book=book, user=borrower, status=HoldStatus.READY)
            .select_related("copy")
            .first()
        )
        copy: Copy | None
        if hold is not None and hold.copy is not None:
            copy = hold.copy
        else:
            copy = (
                Copy.objects.select_for_update()
                .filter(book=book, status=CopyStatus.AVAILABLE)
                .order_by("barcode")
                .first()
            )
        if copy is None:
            raise RuleError(
                _("No copy is free right now. Join the waiting list and you will be told when one is.")
            )
        try:
            with transaction.atomic():
                loan = Loan.objects.create(
                    copy=copy,
                    book=book,
                    borrower=borrower,
                    lent_by=by if by is not None and by.pk != borrower.pk else None,
                    borrowed_at=now,
                    due_date=timezone.localdate(now) + timedelta(days=settings.BOOKCLUB_LOAN_DAYS),
                )
        except IntegrityError as exc:
            raise RuleError(_("That copy was just borrowed by someone else. Please try again.")) from exc
        copy.status = CopyStatus.ON_LOAN
        copy.save(update_fields=["status"])
        if hold is not None:
            hold.status = HoldStatus.FULFILLED
            hold.closed_at = now
            hold.save(update_fields=["status", "closed_at"])
        # A person who borrows while on the waiting list leaves it.
        Hold.objects.filter(book=book, user=borrower, status=HoldStatus.WAITING).update(
            status=HoldStatus.FULFILLED, closed_at=now
        )
    return loan


def _load_loan_for(loan_id: int, by: User) -> tuple[Book, Loan]:
    book_id = Loan.objects.values_list("book_id", flat=True).get(pk=loan_id)
    book = _lock_book(book_id)
    loan = Loan.objects.select_for_update(of=("self",)).select_related("copy", "borrower").get(pk=loan_id)
    if loan.borrower_id != by.pk and not is_librarian(by):
        raise NotAllowed(_("This is not your loan."))
    if loan.returned_at is not None:
        raise RuleError(_("This loan was already returned."))
    return book, loan


def loan_renew(*, loan: Loan, by: User, now: datetime | None = None) -> Loan:
    now = _now(now)
    with transaction.atomic(durable=True):
        book, loan = _load_loan_for(loan.pk, by)
        if loan.renewals >= settings.BOOKCLUB_MAX_RENEWALS:
            raise RuleError(
                _("This loan was already renewed %(n)s times, the most allowed.")
                % {"n": settings.BOOKCLUB_MAX_RENEWALS}
            )
        if Hold.objects.filter(book=book, status__in=HOLD_OPEN).exists():
            raise RuleError(
                _("Colleagues are waiting for this book, so it cannot be renewed. Please return it.")
            )
        today = timezone.localdate(now)
        loan.due_date = max(loan.due_date, today) + timedelta(days=settings.BOOKCLUB_LOAN_DAYS)
        loan.renewals += 1
        loan.save(update_fields=["due_date", "renewals"])
        # The next reminders are about the new due date.
        LoanReminder.objects.filter(loan=loan).delete()
    return loan


def loan_return(*, loan: Loan, by: User, now: datetime | None = None) -> Loan:
    now = _now(now)
    with transaction.atomic(durable=True):
        _book, loan = _load_loan_for(loan.pk, by)
        loan.returned_at = now
        loan.save(update_fields=["returned_at"])
        _pass_copy_on(loan.copy, now=now)
    return loan


def hold_place(*, book: Book, user: User, now: datetime | None = None) -> Hold:
    now = _now(now)
    with transaction.atomic():
        book = _lock_book(book.pk)
        if Loan.objects.filter(book=book, borrower=user, returned_at__isnull=True).exists():
            raise RuleError(_("You already have a copy of this book."))
        if Copy.objects.filter(book=book, status=CopyStatus.AVAILABLE).exists():
            raise RuleError(_("A copy is free right now: borrow it instead."))
        if Hold.objects.filter(book=book, user=user, status__in=HOLD_OPEN).exists():
            raise RuleError(_("You are already on the waiting list for this book."))
        try:
            with transaction.atomic():
                return Hold.objects.create(book=book, user=user, created_at=now)
        except IntegrityError as exc:
            raise RuleError(_("You are already on the waiting list for this book.")) from exc


def hold_cancel(*, hold: Hold, by: User, now: datetime | None = None) -> Hold:
    now = _now(now)
    with transaction.atomic(durable=True):
        _lock_book(hold.book_id)
        hold = (
            Hold.objects.select_for_update(of=("self",)).select_related("copy", "copy__book").get(pk=hold.pk)
        )
        if hold.user_id != by.pk and not is_librarian(by):
            raise NotAllowed(_("This is not your hold."))
        if hold.status not in HOLD_OPEN:
            raise RuleError(_("This hold is no longer open."))
        was_ready = hold.status == HoldStatus.READY
        hold.status = HoldStatus.CANCELLED
        hold.closed_at = now
        hold.save(update_fields=["status", "closed_at"])
        if was_ready and hold.copy is not None:
            _pass_copy_on(hold.copy, now=now)
    return hold


def holds_expire(*, now: datetime | None = None) -> int:
    """Ready holds not picked up in time expire; their copy passes to the next person. Idempotent."""
    now = _now(now)
    expired = 0
    for hold_id, book_id in Hold.objects.filter(status=HoldStatus.READY, pickup_deadline__lt=now).values_list(
        "pk", "book_id"
    ):
        with transaction.atomic():
            _lock_book(book_id)
            hold = (
                Hold.objects.select_for_update(of=("self",))
                .select_related("copy", "copy__book", "book")
                .get(pk=hold_id)
            )
            if hold.status != HoldStatus.READY:
                continue  # picked up or cancelled meanwhile
            hold.status = HoldStatus.EXPIRED
            hold.closed_at = now
            hold.save(update_fields=["status", "closed_at"])
            notify(
                hold.user,
                _("Your hold on “%(title)s” expired: it was not picked up in time.")
                % {"title": hold.book.title},
                target=hold.book,
            )
            if hold.copy is not None:
                _pass_copy_on(hold.copy, now=now)
            expired += 1
    return expired


def loan_reminders_send(*, now: datetime | None = None) -> int:
    """Before-due and overdue reminders. A LoanReminder row per (loan, kind) makes re-runs harmless."""
    now = _now(now)
    today = timezone.localdate(now)
    active = Loan.objects.filter(returned_at__isnull=True).select_related("book", "borrower")
    batches = [
        (
            ReminderKind.DUE_SOON,
            active.filter(
                due_date__gte=today,
                due_date__lte=today + timedelta(days=settings.BOOKCLUB_REMIND_DAYS_BEFORE_DUE),
            ),
        ),
        (ReminderKind.OVERDUE, active.filter(due_date__lt=today)),
    ]
    sent = 0
    for kind, loans in batches:
        for loan in loans.exclude(reminders__kind=kind):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        LoanReminder.objects.create(loan=loan, kind=kind, sent_at=now)
                except IntegrityError:
                    continue  # another run got there first
                due = formats.date_format(loan.due_date, "Y-m-d")
                if kind == ReminderKind.DUE_SOON:
                    verb = _("“%(title)s” is due back on %(due)s") % {"title": loan.book.title, "due": due}
                else:
                    verb = _("“%(title)s” was due on %(due)s: please return it") % {
                        "title": loan.book.title,
                        "due": due,
                    }
                notify(loan.borrower, verb, target=loan.book)
                sent += 1
    return sent


# --- Meetings ---------------------------------------------------------------------------------
def rsvp_set(*, meeting: Meeting, user: User, status: str, now: datetime | None = None) -> Rsvp:
    now = _now(now)
    if status not in RsvpStatus.values:
        raise RuleError(_("Answer going, maybe or not going."), field="status")
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.starts_at <= now:
            raise RuleError(_("This meeting has already started."))
        if status == RsvpStatus.GOING:
            going = meeting.rsvps.filter(status=RsvpStatus.GOING).exclude(user=user).count()
            if going >= meeting.capacity:
                raise RuleError(
                    _("The meeting is full (%(n)s seats). Answer “maybe” and watch for a free seat.")
                    % {"n": meeting.capacity},
                    field="status",
                )
        rsvp, _created = Rsvp.objects.update_or_create(
            meeting=meeting, user=user, defaults={"status": status}
        )
    return rsvp


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """The day before a meeting (from 09:00, or whenever it is less than a day away), remind the people
    who answered going or maybe. `reminder_sent_at` is claimed with a conditional update: once per meeting."""
    now = _now(now)
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    sent = 0
    for meeting in Meeting.objects.filter(
        reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lt=now + timedelta(days=2)
    ):
        starts = timezone.localtime(meeting.starts_at)
        due = meeting.starts_at - now <= timedelta(days=1) or (starts.date() == tomorrow and local.hour >= 9)
        if not due:
            continue
        with transaction.atomic():
            claimed = Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            people = User.objects.filter(
                pk__in=meeting.rsvps.filter(status__in=[RsvpStatus.GOING, RsvpStatus.MAYBE]).values(
                    "user_id"
                ),
                is_active=True,
            )
            notify(
                list(people),
                _("Reminder: “%(title)s” starts %(when)s")
                % {"title": meeting.title, "when": _fmt_dt(meeting.starts_at)},
                target=meeting,
                body=meeting.place or meeting.video_url,
            )
            sent += 1
    return sent


def meeting_save(
    *,
    by: User,
    month: date,
    title: str,
    starts_at: datetime,
    place: str = "",
    video_url: str = "",
    capacity: int,
    questions: str = "",
    meeting: Meeting | None = None,
) -> Meeting:
    """Schedule (or reschedule) a month's book talk. One meeting per month."""
    if not is_librarian(by):
        raise NotAllowed(_("Only librarians schedule meetings."))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if not place.strip() and not video_url.strip():
        errors["place"] = _("Give a place or a video link.")
    if capacity < 1:
        errors["capacity"] = _("The capacity is at least 1.")
    clash = Meeting.objects.filter(month=month)
    if meeting is not None:
        clash = clash.exclude(pk=meeting.pk)
    if clash.exists():
        errors["month"] = _("%(month)s already has a meeting.") % {"month": month_label(month)}
    if errors:
        raise ValidationError(errors)
    fields = {
        "month": month,
        "title": title.strip(),
        "starts_at": starts_at,
        "place": place.strip(),
        "video_url": video_url.strip(),
        "capacity": capacity,
        "questions": questions.strip(),
    }
    with transaction.atomic(durable=True):
        if meeting is None:
            try:
                with transaction.atomic():
                    meeting = Meeting.objects.create(**fields)
            except IntegrityError as exc:
                raise ValidationError(
                    {"month": _("%(month)s already has a meeting.") % {"month": month_label(month)}}
                ) from exc
        else:
            moved = meeting.starts_at != starts_at
            for name, value in fields.items():
                setattr(meeting, name, value)
            if moved:
                meeting.reminder_sent_at = None  # a new date deserves a new reminder
            meeting.save()
    return meeting


@transaction.atomic(durable=True)
def meeting_notes_update(*, meeting: Meeting, by: User, notes: str) -> Meeting:
    if not is_librarian(by):
        raise NotAllowed(_("Only librarians write the meeting notes."))
    meeting.notes = notes.strip()
    meeting.save(update_fields=["notes"])
    return meeting


# --- Reviews and comments ---------------------------------------------------------------------
def _clean_review(*, title: str, body: str) -> tuple[str, str]:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give your review a title.")
    elif len(title.strip()) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if len((body or "").strip()) < 20:
        errors["body"] = _("Write at least 20 characters.")
    if errors:
        raise ValidationError(errors)
    return title.strip(), body.strip()


@transaction.atomic
def review_create(
    *, author: User, book: Book, title: str, body: str, publish: bool, now: datetime | None = None
) -> Review:
    now = _now(now)
    title, body = _clean_review(title=title, body=body)
    return Review.objects.create(
        author=author,
        book=book,
        title=title,
        body=body,
        month=current_month(now),
        status=ReviewStatus.PUBLISHED if publish else ReviewStatus.DRAFT,
        published_at=now if publish else None,
    )


@transaction.atomic(durable=True)
def review_update(
    *,
    review: Review,
    by: User,
    title: str,
    body: str,
    publish: bool,
    book: Book | None = None,
    now: datetime | None = None,
) -> Review:
    now = _now(now)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.author_id != by.pk:
        raise NotAllowed(_("Only the author can edit a review."))
    title, body = _clean_review(title=title, body=body)
    if review.is_published and not publish:
        if review.ratings.exists():
            raise RuleError(_("Colleagues have rated this review, so it stays published."))
        review.status, review.published_at = ReviewStatus.DRAFT, None
    if publish and not review.is_published:
        # A review joins the vote of the month it is published in.
        review.status, review.published_at, review.month = ReviewStatus.PUBLISHED, now, current_month(now)
    if book is not None and not review.ratings.exists():
        review.book = book
    review.title, review.body = title, body
    review.save()
    return review


@transaction.atomic(durable=True)
def comment_add(*, review: Review, author: User, body: str) -> Comment:
    if not review.is_published:
        raise RuleError(_("Comments open once the review is published."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > 2000:
        raise ValidationError({"body": _("Keep comments under 2,000 characters.")})
    comment = Comment.objects.create(review=review, author=author, body=body)
    if review.author_id != author.pk:
        notify(
            review.author,
            _("%(name)s commented on your review “%(title)s”") % {"name": author.name, "title": review.title},
            actor=author,
            target=review,
            email=False,
        )
    return comment


# --- Star ratings -----------------------------------------------------------------------------
def rating_set(
    *, review: Review, voter: User, stars: object, now: datetime | None = None
) -> tuple[Rating, bool]:
    """Rate a colleague's published review 1–5 during its month's window. Returns (rating, created);
    rating again changes the stars. Safe under concurrent requests: the review row is locked, and the
    unique (review, voter) constraint backs it up."""
    now = _now(now)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise RuleError(_("Stars must be a whole number from 1 to 5."), field="stars")
    with transaction.atomic():
        # The locked row comes with its month's voting window and whether the month is closed.
        review = Review.objects.select_for_update().annotate(**selectors.vote_columns()).get(pk=review.pk)
        if not review.is_published:
            raise RuleError(_("Only published reviews can be rated."))
        if review.author_id == voter.pk:
            raise NotAllowed(_("You cannot rate your own review."))
        # pick_opens_at, pick_closes_at, month_closed: annotated above, unknown to the model's type.
        opens, closes = window_with(review.month, review.pick_opens_at, review.pick_closes_at)  # type: ignore[attr-defined]
        if not opens <= now < closes or review.month_closed:  # type: ignore[attr-defined]
            raise RuleError(
                _("Voting for %(month)s is open from %(opens)s until %(closes)s.")
                % {"month": review.month_label, "opens": _fmt_dt(opens), "closes": _fmt_dt(closes)}
            )
        existing = Rating.objects.filter(review=review, voter=voter).first()
        if existing is None:
            try:
                with transaction.atomic():
                    return Rating.objects.create(
                        review=review, voter=voter, author_id=review.author_id, stars=stars
                    ), True
            except IntegrityError:
                existing = Rating.objects.get(review=review, voter=voter)
        if existing.stars != stars:
            existing.stars = stars
            existing.save(update_fields=["stars", "updated_at"])
        return existing, False


# --- Ranking, month close and awards ----------------------------------------------------------
@dataclass
class Ranked:
    review: Review
    votes: int
    mean_r: Fraction
    score: Fraction


def _as_fraction(value: float | Decimal) -> Fraction:
    return Fraction(Decimal(str(value)))


def ranking_compute(*, month: date, m: float | Decimal | None = None) -> tuple[Fraction | None, list[Ranked]]:
    """Bayesian average WR = v/(v+m)·R + m/(v+m)·C over the month's published reviews that have votes.
    C is the mean of all the month's ratings. Ties: more votes first, then earlier publication.
    Exact fractions, so equal scores compare equal."""
    m_f = _as_fraction(settings.BOOKCLUB_BAYES_M if m is None else m)
    reviews = {
        r.pk: r
        for r in Review.objects.filter(month=month, status=ReviewStatus.PUBLISHED).select_related(
            "author", "book"
        )
    }
    stars_by_review: dict[int, list[int]] = {}
    for review_id, stars in Rating.objects.filter(review_id__in=list(reviews)).values_list(
        "review_id", "stars"
    ):
        stars_by_review.setdefault(review_id, []).append(stars)
    all_stars = [s for values in stars_by_review.values() for s in values]
    if not all_stars:
        return None, []
    c = Fraction(sum(all_stars), len(all_stars))
    ranked = []
    for review_id, values in stars_by_review.items():
        v = len(values)
        r = Fraction(sum(values), v)
        score = Fraction(v) / (v + m_f) * r + m_f / (v + m_f) * c
        ranked.append(Ranked(review=reviews[review_id], votes=v, mean_r=r, score=score))
    ranked.sort(key=lambda x: (-x.score, -x.votes, x.review.published_at, x.review.pk))
    return c, ranked


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def default_prize(place: int) -> str:
    prizes = settings.BOOKCLUB_PRIZES
    return prizes[place - 1] if place <= len(prizes) else ""


def month_close(
    *, month: date, now: datetime | None = None, by: User | None = None
) -> tuple[MonthResult, bool]:
    """Freeze a month's ranking and awards once its window has closed. Returns (result, created).
    The unique MonthResult row per month makes a second run (or a concurrent one) a no-op."""
    now = _now(now)
    if by is not None and not is_club_admin(by):
        raise NotAllowed(_("Only administrators close a month by hand."))
    _opens, closes = voting_window(month)
    if now < closes:
        raise RuleError(
            _("Voting for %(month)s is open until %(closes)s.")
            % {"month": month_label(month), "closes": _fmt_dt(closes)}
        )
    with transaction.atomic():
        existing = MonthResult.objects.filter(month=month).first()
        if existing is not None:
            return existing, False
        m = Decimal(str(settings.BOOKCLUB_BAYES_M))
        try:
            with transaction.atomic():
                result = MonthResult.objects.create(month=month, closed_at=now, m=m)
        except IntegrityError:
            return MonthResult.objects.get(month=month), False
        c, ranked = ranking_compute(month=month, m=m)
        RankingEntry.objects.bulk_create(
            [
                RankingEntry(
                    result=result,
                    review=row.review,
                    rank=i,
                    votes=row.votes,
                    mean_r=_dec(row.mean_r),
                    score=_dec(row.score),
                )
                for i, row in enumerate(ranked, start=1)
            ]
        )
        awards = Award.objects.bulk_create(
            [
                Award(result=result, place=i, review=row.review, prize=default_prize(i))
                for i, row in enumerate(ranked[:3], start=1)
            ]
        )
        result.mean_c = _dec(c) if c is not None else None
        result.total_votes = sum(row.votes for row in ranked)
        result.announced_at = now if awards else None
        result.save(update_fields=["mean_c", "total_votes", "announced_at"])
        audit_record(
            actor=by,
            action=AuditAction.MONTH_CLOSE,
            target=result,
            data={
                "month": month_label(month),
                "C": str(result.mean_c),
                "m": str(m),
                "awards": [{"place": a.place, "review": a.review_id} for a in awards],
            },
        )
        if awards:
            notify(
                _members(),
                _("The book review awards for %(month)s are out: congratulations, %(name)s!")
                % {"month": month_label(month), "name": awards[0].review.author.name},
                target=result,
            )
    return result, True


def months_close_due(*, now: datetime | None = None) -> list[MonthResult]:
    """Close every month whose window has ended and that has published reviews or a pick. Idempotent,
    and it catches up on months missed while the beat was down."""
    now = _now(now)
    months = set(Review.objects.filter(status=ReviewStatus.PUBLISHED).values_list("month", flat=True))
    months |= set(MonthlyPick.objects.values_list("month", flat=True))
    months -= set(MonthResult.objects.values_list("month", flat=True))
    closed = []
    for month in sorted(months):
        if voting_window(month)[1] <= now:
            result, created = month_close(month=month, now=now)
            if created:
                closed.append(result)
    return closed


def award_correct(
    *, award: Award, by: User, reason: str, review: Review | None = None, prize: str | None = None
) -> Award:
    """An admin corrects an award (who gets it, or the prize). The reason is required and audited."""
    if not is_club_admin(by):
        raise NotAllowed(_("Only administrators correct awards."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the award is corrected.")})
    with transaction.atomic(durable=True):
        award = (
            Award.objects.select_for_update(of=("self",)).select_related("result", "review").get(pk=award.pk)
        )
        before = {"review": award.review_id, "prize": award.prize}
        if review is not None and review.pk != award.review_id:
            if review.month != award.result.month or not review.is_published:
                raise ValidationError({"review": _("Choose a published review of the same month.")})
            if award.result.awards.filter(review=review).exists():
                raise ValidationError({"review": _("That review already has another award.")})
            award.review = review
        if prize is not None:
            if len(prize.strip()) > 200:
                raise ValidationError({"prize": _("Keep the prize under 200 characters.")})
            award.prize = prize.strip()
        award.save(update_fields=["review", "prize"])
        audit_record(
            actor=by,
            action=AuditAction.AWARD_CORRECT,
            target=award,
            reason=reason.strip(),
            data={"before": before, "after": {"review": award.review_id, "prize": award.prize}},
        )
        if before["review"] != award.review_id:
            notify(
                award.review.author,
                _("Your review “%(title)s” won place %(place)s for %(month)s")
                % {"title": award.review.title, "place": award.place, "month": award.result.label},
                actor=by,
                target=award.result,
            )
    return award


def month_announce(*, result: MonthResult, by: User, reason: str, now: datetime | None = None) -> MonthResult:
    """An admin (re-)announces a month's awards to everyone, e.g. after a correction."""
    now = _now(now)
    if not is_club_admin(by):
        raise NotAllowed(_("Only administrators announce awards."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the awards are announced again.")})
    with transaction.atomic(durable=True):
        result = MonthResult.objects.select_for_update().get(pk=result.pk)
        result.announced_at, result.announced_by = now, by
        result.save(update_fields=["announced_at", "announced_by"])
        audit_record(actor=by, action=AuditAction.MONTH_ANNOUNCE, target=result, reason=reason.strip())
        notify(
            _members(),
            _("Book review awards for %(month)s") % {"month": result.label},
            actor=by,
            target=result,
            body=reason.strip(),
        )
    return result


@transaction.atomic
def pick_window_update(
    *, pick: MonthlyPick, by: User, opens: datetime | None, closes: datetime | None, reason: str = ""
) -> MonthlyPick:
    if not is_club_admin(by):
        raise NotAllowed(_("Only administrators change the voting window."))
    if MonthResult.objects.filter(month=pick.month).exists():
        raise RuleError(_("This month is closed; its window can no longer change."))
    default_opens, default_closes = voting_window(pick.month, pick=MonthlyPick(month=pick.month))
    if (opens or default_opens) >= (closes or default_closes):
        raise ValidationError({"voting_closes_at": _("The window must close after it opens.")})
    before = {"opens": str(pick.voting_opens_at), "closes": str(pick.voting_closes_at)}
    pick.voting_opens_at, pick.voting_closes_at = opens, closes
    pick.save(update_fields=["voting_opens_at", "voting_closes_at"])
    audit_record(
        actor=by,
        action=AuditAction.PICK_WINDOW,
        target=pick,
        reason=reason,
        data={"before": before, "after": {"opens": str(opens), "closes": str(closes)}},
    )
    return pick
