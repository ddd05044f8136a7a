from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from PIL import Image

from accounts.models import User

from .isbn import normalize_isbn
from .models import Book, Review
from .months import current_month, next_month, parse_month

COVER_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


class BookForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    authors = forms.CharField(label=_("Authors"), max_length=200)
    publisher = forms.CharField(label=_("Publisher"), max_length=120, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1400, max_value=2100)
    isbn = forms.CharField(
        label=_("ISBN"),
        max_length=20,
        help_text=_("ISBN-10 or ISBN-13; hyphens are fine. Stored as ISBN-13."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    cover = forms.ImageField(
        label=_("Cover image"), required=False, help_text=_("JPEG, PNG or WebP, up to 3 MB.")
    )

    def clean_isbn(self) -> str:
        return normalize_isbn(self.cleaned_data["isbn"])

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if not cover:
            return cover
        if cover.size > settings.BOOKCLUB_COVER_MAX_BYTES:
            raise ValidationError(
                _("The cover is %(size)s KB; the limit is %(limit)s KB.")
                % {"size": cover.size // 1024, "limit": settings.BOOKCLUB_COVER_MAX_BYTES // 1024}
            )
        cover.seek(0)
        try:
            with Image.open(cover) as image:
                kind = image.format
                width, height = image.size
        except Exception as exc:  # Pillow raises many kinds for a broken file
            raise ValidationError(_("The cover is not a readable image.")) from exc
        if kind not in COVER_FORMATS:
            raise ValidationError(_("Upload the cover as JPEG, PNG or WebP."))
        if width > 4000 or height > 4000:
            raise ValidationError(_("The cover is larger than 4000×4000 pixels."))
        cover.seek(0)
        # The stored name's extension follows the real format, not the uploaded name.
        cover.name = f"cover{COVER_FORMATS[kind]}"
        return cover


class CopiesForm(forms.Form):
    count = forms.IntegerField(label=_("Copies to add"), min_value=1, max_value=200, initial=1)


def coming_months(n: int = 3) -> list:
    month = current_month()
    months = []
    for _i in range(n):
        month = next_month(month)
        months.append(month)
    return months


class ProposalForm(forms.Form):
    # The chosen "YYYY-MM" comes out as the month's first day (a date).
    month = forms.TypedChoiceField(label=_("For month"), coerce=parse_month)
    title = forms.CharField(label=_("Title"), max_length=200)
    authors = forms.CharField(label=_("Authors"), max_length=200, required=False)
    isbn = forms.CharField(label=_("ISBN (optional)"), max_length=20, required=False)
    reason = forms.CharField(
        label=_("Why this book?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in coming_months()]

    def clean_isbn(self) -> str:
        value = self.cleaned_data.get("isbn", "").strip()
        return normalize_isbn(value) if value else ""


class PickConfirmForm(forms.Form):
    copies = forms.IntegerField(label=_("Copies to stock"), min_value=0, max_value=200, initial=10)
    why = forms.CharField(
        label=_("Why it was chosen"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReviewForm(forms.Form):
    book = forms.ModelChoiceField(
        label=_("Book"), queryset=Book.objects.order_by("title"), empty_label=_("Choose the book")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Review"),
        widget=forms.Textarea(
            attrs={
                "rows": 16,
                "data-counter": "#review-body-count",
                "data-editor": "",
                "data-editor-images-note": _("Pictures cannot be put into a review."),
            }
        ),
        help_text=_("Markdown: **bold**, *italic*, > quote, - lists. HTML is removed."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("book review", "Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class LendForm(forms.Form):
    borrower = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=User.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Choose a colleague"),
    )
    book = forms.ModelChoiceField(
        label=_("Book"), queryset=Book.objects.order_by("title"), empty_label=_("Choose the book")
    )


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)


class AwardCorrectForm(forms.Form):
    place = forms.IntegerField(min_value=1, max_value=3, widget=forms.HiddenInput)
    review = forms.ModelChoiceField(label=_("Review"), queryset=Review.objects.none(), required=False)
    prize = forms.CharField(label=_("Prize"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason (required, audited)"), max_length=500)

    def __init__(self, *args, month=None, **kwargs):
        super().__init__(*args, **kwargs)
        if month is not None:
            self.fields["review"].queryset = Review.objects.filter(
                month=month, status="published"
            ).select_related("author")
            self.fields["review"].label_from_instance = lambda r: f"{r.title} — {r.author.name}"


class AnnounceForm(forms.Form):
    reason = forms.CharField(label=_("Reason (required, audited)"), max_length=500)


class MeetingForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=parse_month)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=20)
    questions = forms.CharField(
        label=_("Discussion questions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = current_month()
        months = [month, *coming_months(2)]
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]
