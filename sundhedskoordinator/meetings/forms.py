from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.organisations.models import Municipality, RehabTeam

from .choices import MEETING_CANCEL_CODES, MeetingKind
from .models import Meeting

#: When the reason for an extraordinary meeting is needed, said instead of "(valgfrit)".
EXTRAORDINARY_NEEDED = _(
    "skal udfyldes, hvis mødet ligger i fortiden eller på en dag, der ikke er en hverdag"
)


class MeetingForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        help_text=_("Bruges kun for en samtale uden team; ellers er det teamets kommune."),
        queryset=Municipality.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    team = forms.ModelChoiceField(
        label=_("Rehabiliteringsteam"),
        required=False,
        empty_label=_("Intet team: selvstændig samtale"),
        help_text=_(
            "Uden team kun, hvor samarbejdsaftalen på mødedagen ikke kræver et møde i "
            "rehabiliteringsteamet."
        ),
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
        help_text=_("Tomt: teamets faste mødested. En samtale uden team skal have sit sted."),
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

    def __init__(self, *args: Any, teams: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        first = municipalities.first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("municipality", first.pk)
        # The usual meeting is the team's: the form starts there, consistent with its kind.
        first_team = teams.first()
        if first_team is not None and not self.is_bound:
            self.initial.setdefault("team", first_team.pk)
        self.fields["extraordinary_reason"].needed_later = EXTRAORDINARY_NEEDED  # type: ignore[attr-defined]


class MeetingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A meeting named by its day and time first, then its team and place, so that a narrow
    select still shows which day it is."""

    def label_from_instance(self, obj: Any) -> str:
        start = timezone.localtime(obj.starts_at)
        label = f"{date_format(start, 'l j. F Y H:i')} · {obj.host_name} · {obj.location}"
        if obj.deadline_passed:
            label += " · " + str(_("fristen for afsendelse er overskredet"))
        return label


class MeetingChangeForm(forms.Form):
    """A new time or place for a meeting, with the reason the participants are told."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["extraordinary_reason"].needed_later = EXTRAORDINARY_NEEDED  # type: ignore[attr-defined]

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
        label=_("Sted"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    reason = forms.CharField(
        label=_("Årsag til ændringen"),
        max_length=1000,
        help_text=_("Deltagerne får den at vide sammen med den nye tid."),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    extraordinary_reason = MeetingForm.base_fields["extraordinary_reason"]


class MeetingCancelForm(forms.Form):
    """Cancel a meeting with a fixed reason, its cases back to ready or onto another meeting,
    confirmed by a tick that names the consequence."""

    reason_code = forms.ChoiceField(
        label=_("Årsag"),
        choices=[("", _("Vælg årsagen")), *((c.value, c.label) for c in MEETING_CANCEL_CODES)],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Vælg årsagen.")},
    )
    reason = forms.CharField(
        label=_("Uddybning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    move_to = MeetingChoiceField(
        label=_("Flyt sagerne til"),
        required=False,
        empty_label=_("Ingen: sagerne går tilbage til “klar til møde”"),
        queryset=Meeting.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    late_reason = forms.CharField(
        label=_("Begrundelse for sen planlægning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Jeg vil aflyse mødet. Sagerne på dagsordenen går tilbage til “klar til møde” eller "
            "flyttes til det valgte møde, og alle deltagere får besked. Aflysningen faktureres "
            "ikke, for årsagen ligger ikke hos borgerne."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        error_messages={"required": _("Sæt flueben for at bekræfte.")},
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].needed_later = _(  # type: ignore[attr-defined]
            "skal udfyldes ved “Anden årsag”"
        )
        self.fields["late_reason"].needed_later = _(  # type: ignore[attr-defined]
            "skal udfyldes, hvis det nye mødes frist for afsendelse er overskredet"
        )
        self.fields["move_to"].queryset = meetings  # type: ignore[attr-defined]
