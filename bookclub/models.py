"""Book club (북쉐어링): the library, monthly picks, loans, meetings, reviews, star ratings and awards.

What must never happen twice is a database constraint here, not only a check in a service:
one active loan per copy, one copy of a book per person, one rating per person per review,
never a rating of one's own review, one close per month, one award per place.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .isbn import format_isbn13

LIBRARIAN_GROUP = "bookclub-librarian"


def cover_upload_to(instance: Book, filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system.
    return f"bookclub/covers/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:6]}"


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


class Book(models.Model):
    title = models.CharField(_("title"), max_length=200)
    authors = models.CharField(_("authors"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    isbn13 = models.CharField(_("ISBN"), max_length=13, unique=True)
    cover = models.ImageField(_("cover"), upload_to=cover_upload_to, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("book")
        verbose_name_plural = _("books")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bookclub:book", args=[self.pk])

    @property
    def isbn_display(self) -> str:
        return format_isbn13(self.isbn13)

    @property
    def cover_hue(self) -> int:
        """A stable colour for the drawn cover of a book without an uploaded image."""
        return (self.pk or 0) * 47 % 360


class CopyStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    ON_HOLD = "on_hold", _("Held for pickup")
    REPAIR = "repair", _("In repair")
    LOST = "lost", _("Lost")


class CopyCondition(models.TextChoices):
    NEW = "new", pgettext_lazy("book condition", "New")
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    DAMAGED = "damaged", _("Damaged")


class Copy(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="copies", verbose_name=_("book"))
    barcode = models.CharField(_("barcode"), max_length=40, unique=True)
    condition = models.CharField(
        _("condition"), max_length=12, choices=CopyCondition.choices, default=CopyCondition.NEW
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CopyStatus.choices, default=CopyStatus.AVAILABLE, db_index=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["book", "barcode"]
        verbose_name = _("copy")
        verbose_name_plural = _("copies")

    def __str__(self) -> str:
        return f"{self.book.title} [{self.barcode}]"


class MonthlyPick(models.Model):
    """This month's book. It also carries the month's voting window when an admin moved it."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="picks", verbose_name=_("book"))
    copies_stocked = models.PositiveSmallIntegerField(_("copies stocked"), default=0)
    why = models.TextField(_("why it was chosen"), blank=True)
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly pick")
        verbose_name_plural = _("monthly picks")
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_opens_at__isnull=True)
                | Q(voting_closes_at__isnull=True)
                | Q(voting_opens_at__lt=F("voting_closes_at")),
                name="bookclub_pick_window_order",
            )
        ]

    def __str__(self) -> str:
        return f"{month_label(self.month)} {self.book.title}"

    @property
    def label(self) -> str:
        return month_label(self.month)


class Proposal(models.Model):
    """A member suggests a book for a coming month; colleagues vote for it."""

    month = models.DateField(_("for month"))
    book = models.ForeignKey(
        Book,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("book"),
    )
    title = models.CharField(_("title"), max_length=200)
    authors = models.CharField(_("authors"), max_length=200, blank=True)
    isbn13 = models.CharField(_("ISBN"), max_length=13, blank=True)
    reason = models.TextField(_("why this book"))
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(_("chosen"), default=False)

    class Meta:
        ordering = ["month", "-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title


class ProposalVote(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal vote")
        verbose_name_plural = _("proposal votes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="bookclub_one_vote_per_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.proposal_id}"


class Loan(models.Model):
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loans", verbose_name=_("copy"))
    # Denormalised from the copy so the database can refuse a second copy of the same book.
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans", verbose_name=_("book"))
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookclub_loans"
    )
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    borrowed_at = models.DateTimeField(_("borrowed"))
    due_date = models.DateField(_("due"))
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    class Meta:
        ordering = ["-borrowed_at"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(returned_at__isnull=True),
                name="bookclub_one_active_loan_per_copy",
            ),
            models.UniqueConstraint(
                fields=["book", "borrower"],
                condition=Q(returned_at__isnull=True),
                name="bookclub_one_active_copy_per_person",
            ),
        ]
        indexes = [models.Index(fields=["due_date"], name="bookclub_loan_due_idx")]

    def __str__(self) -> str:
        return f"{self.copy} → {self.borrower}"

    @property
    def is_active(self) -> bool:
        return self.returned_at is None

    def is_overdue(self, today: date) -> bool:
        return self.returned_at is None and self.due_date < today


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class LoanReminder(models.Model):
    """A reminder that was sent: the unique row makes the beat task safe to run twice."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("loan reminder")
        verbose_name_plural = _("loan reminders")
        constraints = [
            models.UniqueConstraint(fields=["loan", "kind"], name="bookclub_one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind}"


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    READY = "ready", _("Ready for pickup")
    FULFILLED = "fulfilled", _("Picked up")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


HOLD_OPEN = [HoldStatus.WAITING, HoldStatus.READY]


class Hold(models.Model):
    """A place on the waiting list for a book with no free copy."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="holds", verbose_name=_("book"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookclub_holds"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HoldStatus.choices, default=HoldStatus.WAITING, db_index=True
    )
    copy = models.ForeignKey(Copy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    pickup_deadline = models.DateTimeField(_("pick up by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [
            models.UniqueConstraint(
                fields=["book", "user"],
                condition=Q(status__in=["waiting", "ready"]),
                name="bookclub_one_open_hold_per_person",
            ),
            models.UniqueConstraint(
                fields=["copy"], condition=Q(status="ready"), name="bookclub_one_ready_hold_per_copy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.book} ← {self.user}"


class Meeting(models.Model):
    month = models.DateField(_("month"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=20)
    questions = models.TextField(_("discussion questions"), blank=True, help_text=_("One per line."))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown, written after the meeting."))
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="bookclub_meeting_capacity")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bookclub:meeting", args=[self.pk])

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class Rsvp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("answer"), max_length=12, choices=RsvpStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="bookclub_one_rsvp_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("book review", "Draft")
    PUBLISHED = "published", _("Published")


class Review(models.Model):
    """A book review (독후감). Published reviews take part in their month's star vote."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookclub_reviews"
    )
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("book"))
    month = models.DateField(_("month"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("review"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="bookclub_published_review_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bookclub:review", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED

    @property
    def month_label(self) -> str:
        return month_label(self.month)


class Comment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(pgettext_lazy("book review", "comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = pgettext_lazy("book review", "comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:40]


class Rating(models.Model):
    """One person's stars for one review. The review's author is copied here so that the database
    itself can refuse a rating of one's own review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["review", "voter"], name="bookclub_one_rating_per_person"),
            models.CheckConstraint(condition=~Q(voter=F("author")), name="bookclub_no_rating_own_review"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="bookclub_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.stars}★"


class MonthResult(models.Model):
    """The frozen outcome of a month's vote. One row per month: closing twice does nothing."""

    month = models.DateField(_("month"), unique=True)
    closed_at = models.DateTimeField(_("closed"))
    m = models.DecimalField(max_digits=6, decimal_places=2)
    mean_c = models.DecimalField(_("mean rating C"), max_digits=7, decimal_places=4, null=True)
    total_votes = models.PositiveIntegerField(default=0)
    announced_at = models.DateTimeField(null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month result")
        verbose_name_plural = _("month results")

    def __str__(self) -> str:
        return month_label(self.month)

    def get_absolute_url(self) -> str:
        return reverse("bookclub:results", args=[month_label(self.month)])

    @property
    def label(self) -> str:
        return month_label(self.month)


class RankingEntry(models.Model):
    result = models.ForeignKey(MonthResult, on_delete=models.CASCADE, related_name="entries")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()
    votes = models.PositiveIntegerField()
    mean_r = models.DecimalField(max_digits=7, decimal_places=4)
    score = models.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["result", "rank"], name="bookclub_rank_unique"),
            models.UniqueConstraint(fields=["result", "review"], name="bookclub_ranked_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.review_id}"


class Award(models.Model):
    result = models.ForeignKey(MonthResult, on_delete=models.CASCADE, related_name="awards")
    place = models.PositiveSmallIntegerField(_("place"))
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="awards")
    prize = models.CharField(_("prize"), max_length=200, blank=True)

    class Meta:
        ordering = ["place"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["result", "place"], name="bookclub_one_award_per_place"),
            models.CheckConstraint(condition=Q(place__gte=1, place__lte=3), name="bookclub_award_place_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.result} #{self.place}"
