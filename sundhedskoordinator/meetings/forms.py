from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.organisations.models import RehabTeam

from .choices import MeetingKind


class MeetingForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Rehabiliteringsteam"),
        queryset=RehabTeam.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Mødeform"),
        choices=MeetingKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_at = forms.DateTimeField(
        label=_("Starter"),
        widget=forms.DateTimeInput(
            attrs={"class": "form-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    ends_at = forms.DateTimeField(
        label=_("Slutter"),
        widget=forms.DateTimeInput(
            attrs={"class": "form-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    location = forms.CharField(
        label=_("Sted"),
        required=False,
        max_length=200,
        help_text=_("Tomt: teamets faste mødested."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    extraordinary_reason = forms.CharField(
        label=_("Begrundelse for et ekstraordinært møde"),
        required=False,
        max_length=500,
        help_text=_(
            "Kun hvis mødet ligger i fortiden eller på en weekend, helligdag eller lukkedag."
        ),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
