from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import clean_synonym_terms


class SynonymGroupForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Client company"), empty_label=_("All clients")
    )
    terms = forms.CharField(
        label=_("Words that mean the same"),
        max_length=300,
        help_text=_("Comma separated, e.g. 해지, 탈퇴, 해약"),
    )

    def __init__(self, *args, clients, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"].queryset = clients
        if not user.is_admin:
            self.fields["client"].required = True
            self.fields["client"].empty_label = None

    def clean_terms(self) -> str:
        try:
            return clean_synonym_terms(self.cleaned_data["terms"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["terms"]) from error
