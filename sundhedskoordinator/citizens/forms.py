from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import GuidanceChannel


class GuidanceForm(forms.Form):
    given_on = forms.DateField(
        label=_("Dato"),
        # A date input takes its value as YYYY-MM-DD whatever the page's language.
        widget=forms.DateInput(attrs={"class": "form-input", "type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=GuidanceChannel.choices,
        help_text=_(
            "Kun brev, Digital Post og e-mail er skriftlig vejledning (BEK 2409/2021 § 2)."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


DATE = {"class": "form-input", "type": "date"}


class CitizenForm(forms.Form):
    """Register a citizen of the caseworker's municipality, with their ressourceforløb."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=11,
        help_text=_("10 cifre, fx 010190-1234."),
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Navn"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-input"})
    )
    digital_post_exempt = forms.BooleanField(
        label=_("Borgeren er fritaget for Digital Post (breve sendes med posten)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    course_start = forms.DateField(
        label=_("Ressourceforløbet startede"),
        required=False,
        help_text=_("Kun borgere i et ressourceforløb har retten."),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
    course_end = forms.DateField(
        label=_("Ressourceforløbet slutter"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


class CourseForm(forms.Form):
    start_date = forms.DateField(
        label=_("Startdato"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("Slutdato"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class CourseEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Slutdato"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class DigitalPostForm(forms.Form):
    """Whether the citizen is exempt from Digital Post (her letters then go on paper)."""

    digital_post_exempt = forms.BooleanField(
        label=_("Borgeren er fritaget for Digital Post (breve sendes med posten)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
