"""The forms of the case pages. They only parse input; the rules are in services.py."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.crypto import salted_hmac
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core.forms import NumberField
from sundhedskoordinator.meetings.choices import CITIZEN_CAUSED, CancelCode
from sundhedskoordinator.meetings.forms import MeetingChoiceField
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import User

from . import limits
from .choices import UPLOAD_KINDS, DocumentKind, OfferKind, Outcome, RejectionReason, RequestChannel
from .models import OFFER_FIELDS

TEXT = {"class": "form-input"}
#: What a field left empty stops, said next to its label instead of "(valgfrit)".
NEEDED_FOR_REQUEST = _("skal udfyldes, før anmodningen sendes")
NEEDED_FOR_NEW_OFFER = _("skal udfyldes ved tilpasning eller andet tilbud")
NEEDED_IF_LATE = _("skal udfyldes, hvis mødets frist for afsendelse er overskredet")
NEEDED_IF_OTHER = _("skal udfyldes ved “Anden årsag”")
AREA = {"class": "form-input", "rows": 5}


def _date_time_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"class": "form-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )


class OfferPart(forms.Form):
    """The fields that describe an offer."""

    kind = forms.ChoiceField(
        label=_("Type af tilbud"),
        choices=OfferKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    provider = forms.CharField(
        label=_("Sted/udbyder"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    start_date = forms.DateField(
        label=_("Startdato"),
        required=False,
        # A browser's date input reads only YYYY-MM-DD: a date in the page's own format would
        # show as empty and be sent back as no date.
        widget=forms.DateInput(attrs={"class": "form-input", "type": "date"}, format="%Y-%m-%d"),
    )
    hours_per_week = NumberField(
        label=_("Timer pr. uge"),
        required=False,
        min_value=0,
        max_value=80,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "form-input", "step": "0.5"}),
    )
    content = forms.CharField(
        max_length=limits.OFFER_TEXT,
        label=_("Tilbuddets indhold"),
        required=False,
        help_text=_("Hvad går tilbuddet ud på?"),
        widget=forms.Textarea(attrs=AREA),
    )
    demands = forms.CharField(
        max_length=limits.OFFER_TEXT,
        label=_("Krav til borgerens deltagelse"),
        required=False,
        help_text=_("Fx fremmøde, arbejdstider, fysiske krav."),
        widget=forms.Textarea(attrs=AREA),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Not required to save a draft, but a request (or an adjusted or other offer) cannot be
        # made without them: the page says so instead of calling them optional.
        for name in ("content", "demands"):
            self.fields[name].needed_later = NEEDED_FOR_REQUEST  # type: ignore[attr-defined]

    def offer(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in OFFER_FIELDS}


class OfferFields(OfferPart):
    """The offer and the citizen's description, as a case is prepared."""

    health_concern = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Borgerens beskrivelse af helbredshensyn"),
        required=False,
        help_text=_("Hvor tager tilbuddet ikke nok hensyn til borgerens helbred?"),
        widget=forms.Textarea(attrs=AREA),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["health_concern"].needed_later = NEEDED_FOR_REQUEST  # type: ignore[attr-defined]

    def concern(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("health_concern") or ""
        return {"text": text, "channel": RequestChannel.MEETING} if text.strip() else None


class CaseCreateForm(OfferFields):
    citizen = forms.ModelChoiceField(
        label=_("Borger"),
        queryset=Citizen.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field_order = ["citizen"]

    def __init__(self, *args: Any, citizens: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizen"].queryset = citizens  # type: ignore[attr-defined]


class ConcernForm(forms.Form):
    """The citizen's own description (the request form)."""

    health_concern = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Hvor tager tilbuddet ikke hensyn til dit helbred?"),
        help_text=_(
            "Beskriv med dine egne ord, hvad i tilbuddet der er svært for dig på grund "
            "af dit helbred, fx arbejdstider, fysiske krav eller fremmøde."
        ),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Skriv din beskrivelse.")},
    )


class SubmitForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Hvordan anmodede borgeren?"),
        required=False,
        choices=[("", "—"), *RequestChannel.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


class ConfirmedReasonForm(ReasonForm):
    """A reason, and a tick that confirms an action that cannot be undone: its label names what
    the action does (``CONFIRMATIONS``), so nobody ends a case by a stray click."""

    confirm = forms.BooleanField(
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        error_messages={"required": _("Sæt flueben for at bekræfte.")},
    )

    #: What the tick confirms, per action: set by ``confirmed``.
    confirmation: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = self.confirmation


def confirmed(base: type[ReasonForm], confirmation: Any) -> type[ReasonForm]:
    """``base`` with the confirming tick, labelled with the consequence."""
    bases = (base, ConfirmedReasonForm) if base is not ReasonForm else (ConfirmedReasonForm,)
    return type(f"Confirmed{base.__name__}", bases, {"confirmation": confirmation})


class RejectForm(ReasonForm):
    reason_code = forms.ChoiceField(
        label=_("Årsag"),
        choices=RejectionReason.choices,
        initial=RejectionReason.OTHER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field_order = ["reason_code", "reason"]


class CancelForm(ReasonForm):
    """A cancellation with its fixed reason; "other" is written out in the reason."""

    reason_code = forms.ChoiceField(
        label=_("Årsag"),
        # A whole meeting's cancellation is the meeting page's, not one conversation's. No
        # reason is chosen in advance: a hurried click must not record the wrong one.
        choices=[
            ("", _("Vælg årsagen")),
            *(c for c in CancelCode.choices if c[0] != CancelCode.MEETING_CANCELLED),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Vælg årsagen.")},
    )
    field_order = ["reason_code", "reason"]
    #: Whether "other" needs the reason written (a conversation cancelled after dispatch may be
    #: billed; a case taken off the agenda before it is sent never is).
    other_needs_text = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Uddybning")
        if self.other_needs_text:
            self.fields["reason"].needed_later = NEEDED_IF_OTHER  # type: ignore[attr-defined]


class UnscheduleForm(CancelForm):
    other_needs_text = False


class MoveForm(forms.Form):
    """Move a case on an agenda to another meeting of the team."""

    meeting = MeetingChoiceField(
        label=_("Nyt møde"),
        queryset=Meeting.objects.none(),
        empty_label=_("Vælg mødet"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Vælg mødet, sagen skal flyttes til.")},
    )
    late_reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Begrundelse for sen planlægning"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["late_reason"].needed_later = NEEDED_IF_LATE  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class ReassignForm(forms.Form):
    """Hand the case to a colleague of the municipality."""

    responsible = forms.ModelChoiceField(
        label=_("Ny ansvarlig"),
        queryset=User.objects.none(),
        empty_label=_("Vælg en kollega"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, colleagues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            self.fields["responsible"].queryset = colleagues  # type: ignore[attr-defined]


class NoHealthInformationForm(forms.Form):
    no_health_information_note = forms.CharField(
        max_length=limits.NOTE,
        label=_("Notat om, at der ikke er relevante helbredsoplysninger"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


class ScheduleForm(forms.Form):
    meeting = MeetingChoiceField(
        label=_("Møde"),
        queryset=Meeting.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    coordinator = forms.ModelChoiceField(
        label=_("Sundhedskoordinator"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    companion = forms.CharField(
        label=_("Bisidder"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
    )
    late_reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Begrundelse for sen planlægning"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args: Any, meetings: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Needed exactly when the meeting's dispatch deadline has passed: said, not "optional".
        self.fields["late_reason"].needed_later = NEEDED_IF_LATE  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]


class ConversationForm(forms.Form):
    started_at = forms.DateTimeField(label=_("Samtalen begyndte"), widget=_date_time_widget())
    ended_at = forms.DateTimeField(label=_("Samtalen sluttede"), widget=_date_time_widget())
    present = forms.MultipleChoiceField(
        label=_("Hvem deltog? (sundhedskoordinatoren deltager altid)"),
        required=False,
        choices=[
            ("citizen", _("Borgeren")),
            ("companion", _("Bisidderen")),
            ("municipality", _("Sagsbehandleren eller jobformidleren")),
        ],
        initial=["citizen", "companion", "municipality"],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
    )

    def __init__(self, *args: Any, item: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item is not None:
            # The participants by name, and no companion to tick when none was named.
            names = {
                "citizen": item.case.citizen.name,
                "companion": item.companion_name,
                "municipality": str(item.attendee),
            }
            field = self.fields["present"]
            field.choices = [  # type: ignore[attr-defined]
                (value, f"{label}: {names[value]}")
                for value, label in field.choices  # type: ignore[attr-defined]
                if names[value]
            ]


class AdviceForm(forms.Form):
    text = forms.CharField(
        max_length=limits.ADVICE,
        label=_("Vurdering og anbefalede tilpasninger"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Skriv vurderingen.")},
    )
    accommodations = forms.CharField(
        max_length=limits.ADVICE,
        label=_("Skånehensyn"),
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )
    correction_reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Begrundelse for ny version"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )


class AdviceDraftForm(AdviceForm):
    """The advice kept as a draft: it may be unfinished, so nothing is required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False


class CompanionForm(forms.Form):
    """Who comes with the citizen to the conversation (bisidder), and how they know her."""

    name = forms.CharField(
        label=_("Bisidderens navn"),
        required=False,
        max_length=limits.COMPANION_NAME,
        help_text=_("Lad feltet stå tomt, hvis du ikke tager en bisidder med."),
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
    )
    relation = forms.CharField(
        label=_("Bisidderens forhold til dig"),
        required=False,
        max_length=limits.COMPANION_RELATION,
        help_text=_("Fx ægtefælle, ven eller fagperson."),
        widget=forms.TextInput(attrs=TEXT),
    )


class FileNoteForm(forms.Form):
    text = forms.CharField(
        max_length=limits.NOTE,
        label=_("Notat om, hvad der blev aftalt"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Skriv notatet.")},
    )


class DecisionForm(OfferPart):
    """The decision, the offer as it will be after it, and the reasons. The offer's fields start
    as the offer stands: changed for "tilpas", written anew for "andet tilbud", left as they are
    when the offer is kept."""

    outcome = forms.ChoiceField(
        label=_("Stillingtagen"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg en stillingtagen.")},
    )
    field_order = ["outcome", *OFFER_FIELDS, "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("content", "demands"):
            self.fields[name].needed_later = NEEDED_FOR_NEW_OFFER  # type: ignore[attr-defined]
        # The offer is read by everyone who works with the case: health details belong in the
        # coordinator's advice, not in the offer's demands.
        self.fields["demands"].help_text = _(
            "Fx fremmøde, arbejdstider, fysiske krav. Skriv ikke helbredsoplysninger her: "
            "tilbuddet ses af alle, der arbejder med sagen."
        )

    @staticmethod
    def inputs_of(data: dict[str, Any]) -> dict[str, Any]:
        """The decision's inputs from the form's data: the offer only when it is adjusted or
        replaced."""
        return {
            "outcome": data["outcome"],
            "text": data["text"],
            # Sent whatever the outcome: a kept offer whose fields were changed is refused
            # rather than the changes silently dropped.
            "offer": {k: data.get(k) for k in OFFER_FIELDS},
        }

    def digest(self, case_id: int, version: str) -> str:
        """A keyed fingerprint of what the letter is made from, for this case at this version,
        so that the letter sent is the one the caseworker read: a change after the preview asks
        for a new preview, and nobody can make a fingerprint without having been shown one."""
        inputs = json.dumps(self.inputs_of(self.cleaned_data), sort_keys=True, default=str)
        return salted_hmac(
            "decision-letter-preview", f"{case_id}:{version}:{inputs}", algorithm="sha256"
        ).hexdigest()

    text = forms.CharField(
        max_length=limits.DECISION,
        label=_("Begrundelse"),
        help_text=_(
            "Begrundelsen står ordret i afgørelsesbrevet til borgeren: skriv den til hende."
        ),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Skriv begrundelsen.")},
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Dokumentets art"),
        choices=[(k, label) for k, label in DocumentKind.choices if k in UPLOAD_KINDS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Fil (PDF, DOCX, ODT, PNG eller JPEG)"),
        error_messages={"required": _("Vælg en fil.")},
    )


#: The actions that end or undo something, the form each uses, and what its tick confirms.
CONFIRMED_FORMS: dict[str, type[ReasonForm]] = {
    "withdraw": confirmed(
        ReasonForm,
        _(
            "Jeg vil trække sagen tilbage. Den lukkes og kan ikke åbnes igen; er der planlagt "
            "en samtale, aflyses den. Er sagen sendt til sundhedskoordinatoren, kan regionen "
            "fakturere kommunen for den."
        ),
    ),
    "reject": confirmed(
        RejectForm,
        _("Jeg vil afvise anmodningen. Sagen lukkes, og borgeren får begrundelsen."),
    ),
    "cancel": confirmed(
        CancelForm,
        format_lazy(
            _(
                "Jeg vil aflyse samtalen. Deltagerne får besked, og sagen skal planlægges på et "
                "nyt møde. Regionen kan fakturere kommunen for sagen, når årsagen er: {billed}."
            ),
            billed=lazy(
                lambda: ", ".join(
                    str(label).lower()
                    for code, label in CancelCode.choices
                    if code in CITIZEN_CAUSED
                ),
                str,
            )(),
        ),
    ),
    "unschedule": confirmed(
        UnscheduleForm,
        _("Jeg vil tage sagen af dagsordenen. Tiden frigives, og sagen skal planlægges igen."),
    ),
}
