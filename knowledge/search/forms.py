from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany

from .services import clean_colloquial_phrases, clean_synonym_terms

KIND_CHOICES = [
    ("synonym", _("Synonyms: words that mean the same")),
    ("colloquial", _("Colloquial: what callers say → the manual's words")),
]


class SynonymGroupForm(forms.Form):
    client: forms.ModelChoiceField[ClientCompany] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Client company"), empty_label=_("All clients")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KIND_CHOICES, initial="synonym", required=False, widget=forms.RadioSelect
    )
    terms = forms.CharField(
        label=_("Words that mean the same"),
        max_length=300,
        help_text=_("Comma separated, e.g. 해지, 탈퇴, 해약. Colloquial: the manual's words, e.g. 해지"),
    )
    phrases = forms.CharField(
        label=_("Caller phrases (colloquial only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as callers say it, e.g. 정리하려고요"),
    )

    def __init__(self, *args, clients, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"].queryset = clients
        if not user.is_admin:
            self.fields["client"].required = True
            self.fields["client"].empty_label = None

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or "synonym"
        colloquial = data["kind"] == "colloquial"
        if "terms" in data:
            try:
                data["terms"] = clean_synonym_terms(data["terms"], minimum=1 if colloquial else 2)
            except ValidationError as error:
                self.add_error("terms", error.message_dict["terms"])
        if colloquial:
            try:
                data["phrases"] = clean_colloquial_phrases(data.get("phrases", ""))
            except ValidationError as error:
                self.add_error("phrases", error.message_dict["phrases"])
        else:
            data["phrases"] = ""
        return data
