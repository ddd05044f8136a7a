from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookclub.models import Award, Book, Loan, MonthlyPick, MonthResult, RankingEntry, Review


class BookSerializer(serializers.ModelSerializer):
    copies = serializers.IntegerField(source="n_copies", read_only=True)
    available = serializers.IntegerField(source="n_available", read_only=True)
    waiting = serializers.IntegerField(source="n_waiting", read_only=True)
    cover_url = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = [
            "id",
            "title",
            "authors",
            "publisher",
            "year",
            "isbn13",
            "description",
            "cover_url",
            "copies",
            "available",
            "waiting",
        ]

    def get_cover_url(self, book: Book) -> str | None:
        from django.urls import reverse

        return reverse("bookclub:book_cover", args=[book.pk]) if book.cover else None


class BookBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "authors", "isbn13"]


class PickSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="label")
    book = BookBriefSerializer()
    voting_opens_at = serializers.SerializerMethodField()
    voting_closes_at = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyPick
        fields = ["month", "book", "copies_stocked", "why", "voting_opens_at", "voting_closes_at"]

    def get_voting_opens_at(self, pick: MonthlyPick) -> str:
        from bookclub.months import voting_window

        return voting_window(pick.month, pick)[0].isoformat()

    def get_voting_closes_at(self, pick: MonthlyPick) -> str:
        from bookclub.months import voting_window

        return voting_window(pick.month, pick)[1].isoformat()


class LoanSerializer(serializers.ModelSerializer):
    book = BookBriefSerializer()
    copy = serializers.CharField(source="copy.barcode")
    borrower = serializers.CharField(source="borrower.name")

    class Meta:
        model = Loan
        fields = ["id", "book", "copy", "borrower", "borrowed_at", "due_date", "renewals", "returned_at"]


class BorrowSerializer(serializers.Serializer):
    book = serializers.PrimaryKeyRelatedField(queryset=Book.objects.all(), help_text=_("The book's id"))


class ReviewSerializer(serializers.ModelSerializer):
    book = BookBriefSerializer(read_only=True)
    author = serializers.CharField(source="author.name", read_only=True)
    month = serializers.CharField(source="month_label", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "title", "body", "book", "author", "month", "status", "published_at"]


class ReviewCreateSerializer(serializers.Serializer):
    book = serializers.PrimaryKeyRelatedField(queryset=Book.objects.all())
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    publish = serializers.BooleanField(default=False)


class RatingRequestSerializer(serializers.Serializer):
    stars = serializers.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "min_value": _("Stars must be a whole number from 1 to 5."),
            "max_value": _("Stars must be a whole number from 1 to 5."),
            "invalid": _("Stars must be a whole number from 1 to 5."),
        },
    )


class RatingResponseSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    stars = serializers.IntegerField()
    created = serializers.BooleanField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """A 400: either {"detail": "..."} or the invalid fields, each with its messages."""

    detail = serializers.CharField(required=False)


class RankingEntrySerializer(serializers.ModelSerializer):
    review = serializers.IntegerField(source="review_id")
    title = serializers.CharField(source="review.title")
    author = serializers.CharField(source="review.author.name")
    mean_r = serializers.DecimalField(max_digits=7, decimal_places=4)
    score = serializers.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        model = RankingEntry
        fields = ["rank", "review", "title", "author", "votes", "mean_r", "score"]


class AwardSerializer(serializers.ModelSerializer):
    review = serializers.IntegerField(source="review_id")
    title = serializers.CharField(source="review.title")
    author = serializers.CharField(source="review.author.name")

    class Meta:
        model = Award
        fields = ["place", "review", "title", "author", "prize"]


class RankingSerializer(serializers.ModelSerializer):
    month = serializers.CharField(source="label")
    mean_c = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    m = serializers.DecimalField(max_digits=6, decimal_places=2)
    formula = serializers.SerializerMethodField()
    entries = RankingEntrySerializer(many=True)
    awards = AwardSerializer(many=True)

    class Meta:
        model = MonthResult
        fields = ["month", "closed_at", "formula", "mean_c", "m", "total_votes", "entries", "awards"]

    def get_formula(self, result) -> str:
        return "WR = v/(v+m)·R + m/(v+m)·C"
