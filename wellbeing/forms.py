from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany, User

from .models import FlexibleKind

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OvertimeForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    end_time = forms.TimeField(
        label=_("Planned end"),
        widget=TimeInput(),
        help_text=_("Your PC stays on until this time once approved."),
    )
    start_time = forms.TimeField(label=_("Start (holiday work only)"), widget=TimeInput(), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. month-end settlement calls for 한빛카드")}
        ),
    )
    consent_night_holiday = forms.BooleanField(
        label=_("I agree to work at night (22:00–06:00) or on a holiday on this date"), required=False
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FlexibleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FlexibleKind.choices)
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class DeviceForm(forms.Form):
    name = forms.CharField(
        label=_("PC name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Home PC")}),
    )


class AbuseForm(forms.Form):
    # The querysets are set per person in __init__.
    client: forms.ModelChoiceField[ClientCompany] = forms.ModelChoiceField(
        label=_("Client"), queryset=None, empty_label=None
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients


class DayOffForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Company anniversary")}),
    )


class DelegationForm(forms.Form):
    delegate: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Delegate"), queryset=None, empty_label=_("Choose a colleague")
    )
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = candidates
