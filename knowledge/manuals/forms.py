from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Article, ArticleStatus, Category


class ArticleForm(forms.Form):
    """The editor. Curators also set category, owner, verify-by date and related articles."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    question = forms.CharField(
        label=_("Customer situation / question"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    answer = forms.CharField(
        label=_("Answer script"),
        widget=forms.Textarea(attrs={"rows": 7, "data-editor": ""}),
        help_text=_("What the agent says, in polite spoken Korean. Markdown is allowed."),
    )
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One step per line, e.g. 1. 본인 확인"),
    )
    cautions = forms.CharField(
        label=_("Cautions / escalation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = forms.CharField(label=_("Tags"), max_length=500, required=False, help_text=_("Comma separated"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    verify_by = forms.DateField(
        label=_("Verify by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related articles"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    comment = forms.CharField(
        label=_("Why this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the article is published: it goes into the revision history."),
    )

    CURATOR_ONLY = ("owner", "verify_by", "related")

    def __init__(
        self, *args, client, curator: bool, article: Article | None = None, require_comment=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.require_comment = require_comment
        # self.fields holds plain Fields for the stubs; "category" is a ModelChoiceField.
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(client=client).select_related("parent")
        category.label_from_instance = lambda c: c.path  # type: ignore[assignment]  # Django's documented hook
        # Pictures in the answer are stored as the article's attachments, which only curators add
        # and which need a saved article.
        answer = self.fields["answer"].widget.attrs
        if curator and article is not None:
            answer["data-editor-upload"] = reverse("knowledge:attachment_upload", args=[article.pk])
            answer["data-editor-upload-error"] = _("The picture could not be uploaded; try again.")
        elif curator:
            answer["data-editor-images-note"] = _(
                "Pictures can be added once the article is saved: save the draft, then edit it."
            )
        else:
            answer["data-editor-images-note"] = _(
                "Only the client's managers can put pictures into a manual; describe them in words."
            )
        if curator:
            self.fields["owner"].queryset = (  # type: ignore[attr-defined]  # ModelChoiceField
                User.objects.filter(
                    Q(assignments__client=client) | Q(managed_teams__members__assignments__client=client),
                    is_active=True,
                )
                .distinct()
                .order_by("name")
            )
            related = (
                Article.objects.filter(client=client).exclude(status=ArticleStatus.ARCHIVED).order_by("title")
            )
            if article is not None:
                related = related.exclude(pk=article.pk)
            self.fields["related"].queryset = related  # type: ignore[attr-defined]  # ModelMultipleChoiceField
        else:
            for name in self.CURATOR_ONLY:
                del self.fields[name]
        if not require_comment:
            self.fields["comment"].widget = forms.HiddenInput()

    def clean_comment(self):
        comment = self.cleaned_data.get("comment", "").strip()
        if self.require_comment and not comment:
            raise forms.ValidationError(_("Say why: the reason goes into the revision history."))
        return comment

    def content(self) -> dict[str, str]:
        return {
            n: self.cleaned_data.get(n, "")
            for n in ("title", "question", "answer", "steps", "cautions", "tags")
        }


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Customer situation / question"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    answer = forms.CharField(
        label=_("Answer script"),
        widget=forms.Textarea(
            attrs={
                "rows": 7,
                "data-editor": "",
                "data-editor-images-note": _(
                    "Pictures cannot be put into a suggestion; describe them in words."
                ),
            }
        ),
    )
    steps = forms.CharField(label=_("Steps"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    cautions = forms.CharField(
        label=_("Cautions / escalation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = forms.CharField(label=_("Tags"), max_length=500, required=False)
    note = forms.CharField(
        label=_("Why this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Tell the reviewer what was wrong or missing."),
    )

    def content(self) -> dict[str, str]:
        return {
            n: self.cleaned_data.get(n, "")
            for n in ("title", "question", "answer", "steps", "cautions", "tags")
        }


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    comment = forms.CharField(required=False, max_length=500)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("JSONL, CSV (UTF-8 or CP949) or XLSX"))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)
