"""Forms of the reports app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds, parse_month


class BuildForm(forms.Form):
    """A calendar month (YYYY-MM) or any period (from/until, both inclusive)."""

    month = forms.CharField(label=_("Month"), required=False, max_length=20)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        month = (data.get("month") or "").strip()
        if month:
            first = parse_month(month)
            if first is None:
                self.add_error("month", _("Give the month as YYYY-MM, e.g. 2026-11."))
                return data
            data["since"], data["until"] = month_bounds(first)
            return data
        if not data.get("since") or not data.get("until"):
            if not self.errors:
                self.add_error(None, _("Choose a month, or both the start and the end date."))
            return data
        if data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


class RegenerateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why regenerate?"),
        max_length=500,
        required=True,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. November calls re-imported with corrected categories")}
        ),
    )
