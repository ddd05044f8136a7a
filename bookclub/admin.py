from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .models import (
    Award,
    Book,
    Comment,
    Copy,
    Hold,
    Loan,
    Meeting,
    MonthlyPick,
    MonthResult,
    Proposal,
    RankingEntry,
    Rating,
    Review,
    Rsvp,
)


class CopyInline(admin.TabularInline):
    model = Copy
    extra = 0


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "authors", "publisher", "year", "isbn13"]
    search_fields = ["title", "authors", "isbn13"]
    inlines = [CopyInline]


@admin.register(Copy)
class CopyAdmin(admin.ModelAdmin):
    list_display = ["barcode", "book", "condition", "status"]
    list_filter = ["status", "condition"]
    search_fields = ["barcode", "book__title"]


@admin.register(MonthlyPick)
class MonthlyPickAdmin(admin.ModelAdmin):
    """Editing the voting window goes through the service so it is audited."""

    list_display = ["month", "book", "copies_stocked", "voting_opens_at", "voting_closes_at", "confirmed_by"]
    readonly_fields = ["confirmed_by", "confirmed_at"]
    autocomplete_fields = ["book"]

    def save_model(self, request, obj, form, change):
        window_changed = {"voting_opens_at", "voting_closes_at"} & set(form.changed_data)
        if change and window_changed:
            opens, closes = obj.voting_opens_at, obj.voting_closes_at
            fresh = MonthlyPick.objects.get(pk=obj.pk)
            obj.voting_opens_at, obj.voting_closes_at = fresh.voting_opens_at, fresh.voting_closes_at
            super().save_model(request, obj, form, change)
            try:
                services.pick_window_update(
                    pick=obj, by=request.user, opens=opens, closes=closes, reason="admin site"
                )
            except (ValidationError, services.RuleError) as exc:
                messages.error(request, str(getattr(exc, "message", exc)))
            return
        if not change:
            # A new pick from the admin site is confirmed like one from the proposals page: audited,
            # copies stocked, members told.
            pick = services.pick_confirm(
                by=request.user, month=obj.month, book=obj.book, copies=obj.copies_stocked, why=obj.why
            )
            obj.pk = pick.pk
            return
        super().save_model(request, obj, form, change)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "month", "proposer", "accepted"]
    list_filter = ["month", "accepted"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["copy", "borrower", "borrowed_at", "due_date", "renewals", "returned_at"]
    list_filter = ["returned_at"]
    search_fields = ["borrower__name", "copy__barcode", "book__title"]
    raw_id_fields = ["copy", "book", "borrower", "lent_by"]


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ["book", "user", "status", "created_at", "pickup_deadline"]
    list_filter = ["status"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "month", "starts_at", "place", "capacity", "reminder_sent_at"]


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "book", "month", "status", "published_at"]
    list_filter = ["status", "month"]
    search_fields = ["title", "author__name"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["review", "author", "created_at"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are read-only here: they come from members, during the window."""

    list_display = ["review", "voter", "stars", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EntryInline(ReadOnlyInline):
    model = RankingEntry


class AwardInline(ReadOnlyInline):
    model = Award


@admin.register(MonthResult)
class MonthResultAdmin(admin.ModelAdmin):
    """Frozen results: corrections go through the results page, which requires a reason and audits it."""

    list_display = ["month", "closed_at", "mean_c", "total_votes", "announced_at"]
    inlines = [AwardInline, EntryInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
