from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .importers.fields import FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Call export"),
        help_text=_("Excel (.xlsx) or CSV in UTF-8 or CP949 (EUC-KR), as your call system exports it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class MappingForm(forms.Form):
    """One select per field of a call record, listing the file's columns."""

    valid_only = forms.TypedChoiceField(
        label=_("When some rows are bad"),
        choices=[
            ("0", _("Import nothing (all or nothing)")),
            ("1", _("Import the valid rows and list the bad ones")),
        ],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    save_mapping = forms.BooleanField(
        label=_("Remember this mapping for this client"), required=False, initial=True
    )

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —")), *[(h, h) for h in headers if h]]
        self.mapped_fields = []
        for field in FIELDS:
            name = f"map_{field.key}"
            self.fields[name] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=False,
                initial=mapping.get(field.key, ""),
                widget=forms.Select(attrs={"class": "input"}),
            )
            self.fields[name].required_field = field.required  # type: ignore[attr-defined]  # for the template
            self.mapped_fields.append((field, name))
        # put the mapping first, options after
        order = [name for _f, name in self.mapped_fields] + ["valid_only", "save_mapping"]
        self.order_fields(order)

    def mapping(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(name) or "" for f, name in self.mapped_fields}

    def mapping_rows(self):
        return [(field, self[name]) for field, name in self.mapped_fields]


class MineForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


class RecordFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Inquiry contains"), required=False, max_length=100)


class TopicLinkForm(forms.Form):
    article = forms.CharField(label=_("Article that answers this topic"), max_length=300)
