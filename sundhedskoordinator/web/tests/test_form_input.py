"""Property-based: every form of the pages, given any text in any of its fields (Danish letters,
emoji, right-to-left marks, NUL, very long text, HTML, numbers and dates written every way),
either takes each field with its documented meaning or refuses it with a message in Danish;
never an exception. The meanings are computed by the test: text as typed without the
surrounding spaces, a day written YYYY-MM-DD or DD.MM.YYYY, a time in Copenhagen (refused in
the hour that does not exist or happens twice), a tick box ticked when sent unless "false", a
choice among the offered ones.

Text that no UTF-8 can carry (lone surrogates) never reaches a form: the request's decoding
replaces it (``test_cpr_properties`` sends such bytes to the register)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import World
from sundhedskoordinator.billing.forms import ApproveForm, PeriodForm, RateForm
from sundhedskoordinator.cases import forms as case_forms
from sundhedskoordinator.citizens import forms as citizen_forms
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core.forms import MoneyField
from sundhedskoordinator.meetings import forms as meeting_forms
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam, User
from sundhedskoordinator.reports.forms import StatisticsForm
from sundhedskoordinator.reports.selectors import figure_places
from sundhedskoordinator.web.forms import SecondFactorForm

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

PIECES = [
    *"0123456789",
    " ",
    "-",
    ".",
    ",",
    ":",
    "T",
    "2026-12-15",
    "15.12.2026",
    "2026-12-15T09:30",
    "2026-03-29T02:30",  # the hour that does not exist in Copenhagen
    "2026-02-30",
    "7.5",
    "7,5",
    "1e1",
    "true",
    "false",
    "yes",
    "on",
    "other",
    "letter",
    "ready",
    "kept",
    "9" * 30,
    "١",  # an Arabic-Indic one
    "５",  # a full-width five
    "\x00",
    "\u200f",
    "\u202e",
    "שלום",
    "😀",
    "👩🏽‍⚕️",
    "Ærø ",
    "<script>alert(1)</script>",
    "&amp;",
    "{{ x }}",
    "\n",
    "x" * 2500,
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


def _without_arguments(
    form: type[forms.Form],
) -> Callable[[World], tuple[type[forms.Form], dict[str, Any]]]:
    return lambda world: (form, {})


#: Each page form as its view makes it, from the world the test runs in.
FORMS: dict[str, Callable[[World], tuple[type[forms.Form], dict[str, Any]]]] = {
    "guidance": lambda w: (citizen_forms.GuidanceForm, {}),
    "citizen": lambda w: (citizen_forms.CitizenForm, {}),
    "course": lambda w: (citizen_forms.CourseForm, {}),
    "course-end": lambda w: (citizen_forms.CourseEndForm, {}),
    "digital-post": lambda w: (citizen_forms.DigitalPostForm, {}),
    "case-create": lambda w: (
        case_forms.CaseCreateForm,
        {"citizens": Citizen.objects.filter(pk=w.citizen.pk)},
    ),
    "concern": lambda w: (case_forms.ConcernForm, {}),
    "submit": lambda w: (case_forms.SubmitForm, {}),
    "reason": lambda w: (case_forms.ReasonForm, {}),
    **{
        f"confirmed-{action}": _without_arguments(form)
        for action, form in case_forms.CONFIRMED_FORMS.items()
    },
    "move": lambda w: (case_forms.MoveForm, {"meetings": Meeting.objects.all()}),
    "reassign": lambda w: (case_forms.ReassignForm, {"colleagues": User.objects.all()}),
    "no-health-information": lambda w: (case_forms.NoHealthInformationForm, {}),
    "schedule": lambda w: (
        case_forms.ScheduleForm,
        {"meetings": Meeting.objects.all(), "coordinators": User.objects.all()},
    ),
    "conversation": lambda w: (case_forms.ConversationForm, {}),
    "advice": lambda w: (case_forms.AdviceForm, {}),
    "advice-draft": lambda w: (case_forms.AdviceDraftForm, {}),
    "companion": lambda w: (case_forms.CompanionForm, {}),
    "file-note": lambda w: (case_forms.FileNoteForm, {}),
    "decision": lambda w: (case_forms.DecisionForm, {}),
    "document": lambda w: (case_forms.DocumentForm, {}),
    "meeting": lambda w: (
        meeting_forms.MeetingForm,
        {"teams": RehabTeam.objects.all(), "municipalities": Municipality.objects.all()},
    ),
    "meeting-change": lambda w: (meeting_forms.MeetingChangeForm, {}),
    "meeting-cancel": lambda w: (
        meeting_forms.MeetingCancelForm,
        {"meetings": Meeting.objects.all()},
    ),
    "period": lambda w: (PeriodForm, {"municipalities": list(Municipality.objects.all())}),
    "approve": lambda w: (ApproveForm, {"municipalities": list(Municipality.objects.all())}),
    "rate": lambda w: (RateForm, {"regions": Region.objects.all()}),
    "statistics": lambda w: (StatisticsForm, {"places": figure_places(w.users["leder"])}),
    "second-factor": lambda w: (SecondFactorForm, {}),
}


def _digits(text: str) -> str:
    """``text`` with every decimal digit of any script as its ASCII digit."""
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in text
    )


def _day(text: str) -> dt.date | None:
    """The day ``text`` is written as (YYYY-MM-DD or D.M.YYYY), by the digits' values."""
    text = _digits(text.strip())
    for pattern, order in (
        (r"([0-9]{4})-([0-9]{1,2})- ?([0-9]{1,2})", (0, 1, 2)),
        (r" ?([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", (2, 1, 0)),
    ):
        found = re.fullmatch(pattern, text)
        if found:
            year, month, day = (int(found.group(i + 1)) for i in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _plain_day(text: str) -> dt.date | None:
    """A day written in ASCII digits exactly as the pages' date fields write it."""
    if not re.fullmatch(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}\.[0-9]{2}\.[0-9]{4})\s*", text):
        return None
    return _day(text)


def _moment(text: str) -> dt.datetime | None:
    """The local time ``text`` is written as (YYYY-MM-DDTHH:MM, as the page's field sends it), in
    Copenhagen; None where that time does not exist or happens twice, or for other text."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})", text.strip())
    if not found:
        return None
    try:
        naive = dt.datetime(*(int(part) for part in found.groups()))  # noqa: DTZ001
    except ValueError:
        return None
    first, second = naive.replace(tzinfo=COPENHAGEN), naive.replace(tzinfo=COPENHAGEN, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None  # the hour the clocks go back: it happens twice
    round_trip = first.astimezone(dt.UTC).astimezone(COPENHAGEN)
    if round_trip.replace(tzinfo=None) != naive:
        return None  # the hour the clocks go forward: it does not exist
    return first


def _html_number(text: str) -> Decimal | None:
    """The number ``text`` is as a browser's number input sends it (HTML's valid floating-point
    number; a point with nothing on one side too), else None."""
    text = text.strip()
    if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return None
    return Decimal(text)


def _is_danish(message: str, english: set[str]) -> bool:
    return message not in english


def _check_taken(name: str, field: forms.Field, typed: str, value: Any) -> None:
    """``value``, the form's reading of ``typed`` for the field ``name``, means what was typed."""
    where = (name, typed, value)
    if value is None:
        assert not typed.strip(), where  # an optional field left empty
        return
    if isinstance(field, forms.ModelChoiceField):
        assert value.pk == int(typed.strip()), where
    elif isinstance(field, forms.TypedChoiceField):
        assert str(value) in {str(k) for k, _ in field.choices}, where
    elif isinstance(field, forms.MultipleChoiceField):
        assert set(value) <= {str(k) for k, _ in field.choices}, where
    elif isinstance(field, forms.ChoiceField):
        assert value in {str(k) for k, _ in field.choices}, where
    elif isinstance(field, forms.BooleanField):
        # A tick box sent at all is ticked unless its value is "false" (Django's CheckboxInput);
        # a hidden true/false field also reads "0" as not ticked.
        unticked = (
            ("", "false") if isinstance(field.widget, forms.CheckboxInput) else ("", "false", "0")
        )
        assert value is (typed.lower() not in unticked), where
    elif isinstance(field, forms.DateTimeField):
        # The page's own format is read as that time in Copenhagen; other ways of writing a
        # time (Django's and ISO 8601's) are taken too, as long as they name a time.
        moment = _moment(typed)
        assert moment is None or value == moment, where
    elif isinstance(field, forms.DateField):
        assert value == _day(typed), where
    elif isinstance(field, MoneyField):
        assert isinstance(value, Decimal), where
    elif isinstance(field, forms.DecimalField):
        assert _html_number(typed) == value, where
    elif isinstance(field, forms.CharField):
        assert value == typed.strip(), where
        assert "\x00" not in value
        assert field.max_length is None or len(value) <= field.max_length
    elif isinstance(field, forms.FileField):
        pytest.fail(f"{where}: a file was taken from text")
    else:
        pytest.fail(f"{name}: a field of a kind the test does not know ({type(field).__name__})")


def _must_take(field: forms.Field, typed: str) -> bool:
    """Whether the field must take ``typed`` whatever else is in the form: a day or time
    written as the page writes it."""
    if isinstance(field, forms.DateTimeField):
        return _moment(typed) is not None
    if isinstance(field, forms.DateField):
        return _plain_day(typed) is not None
    return False


#: Forms filled in by hand: a CPR number, a day written the Danish way and a NUL; a tick box
#: sent as "0", which is ticked (only "false" is not).
EXAMPLES = {
    "citizen": {"cpr": "010190-1234", "name": "Ny\x00 Borger", "course_start": "01.03.2026"},
    "confirmed-withdraw": {"reason": "Borgeren er flyttet", "confirm": "0"},
}


@pytest.fixture
def english_messages() -> set[str]:
    """Every message the forms' fields give in English: a refusal must not be one of them."""
    with translation.override("en"):
        return {
            str(message)
            for field in (forms.CharField, forms.DateField, forms.DateTimeField, forms.DecimalField)
            for message in field.default_error_messages.values()
        } | {
            str(forms.Field.default_error_messages["required"]),
            str(forms.ChoiceField.default_error_messages["invalid_choice"]),
            str(forms.ModelChoiceField.default_error_messages["invalid_choice"]),
        }


@given(name=st.sampled_from(sorted(FORMS)), data=st.data())
@example(name="citizen", data=None)
@example(name="confirmed-withdraw", data=None)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_page_form_takes_a_field_as_meant_or_refuses_it_in_danish(
    world: World, english_messages: set[str], name: str, data: Any
) -> None:
    form_class, kwargs = FORMS[name](world)
    fields = form_class(**kwargs).fields
    if data is None:
        typed = EXAMPLES[name]
    else:
        typed = {field: data.draw(TEXT, label=field) for field in fields}
    form = form_class(typed, **kwargs)
    valid = form.is_valid()
    assert valid is not form.errors
    for field, messages in form.errors.items():
        assert messages
        for message in messages:
            assert message.strip() and _is_danish(message, english_messages), (field, message)
    for field, value in form.cleaned_data.items():
        _check_taken(field, fields[field], typed.get(field, ""), value)
    for field in fields:
        if _must_take(fields[field], typed.get(field, "")):
            assert field not in form.errors, (field, typed[field], form.errors[field])


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(day=DAYS, written=st.sampled_from(["iso", "danish", "short"]))
@example(day=dt.date(2024, 2, 29), written="danish")
@settings(max_examples=100, deadline=None)
def test_a_day_written_as_the_pages_write_it_is_read_as_that_day(
    day: dt.date, written: str
) -> None:
    text = {
        "iso": f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        "danish": f"{day.day:02d}.{day.month:02d}.{day.year:04d}",
        "short": f"{day.day}.{day.month}.{day.year}",
    }[written]
    form = citizen_forms.CourseForm({"start_date": text, "end_date": f" {text} "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"start_date": day, "end_date": day}


MOMENTS = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31))  # noqa: DTZ001


@given(moment=MOMENTS)
@example(moment=dt.datetime(2026, 3, 29, 2, 30))  # noqa: DTZ001  the clocks go forward
@example(moment=dt.datetime(2026, 10, 25, 2, 30))  # noqa: DTZ001  and back
@example(moment=dt.datetime(2026, 10, 25, 3, 0))  # noqa: DTZ001
@settings(max_examples=200, deadline=None)
def test_a_time_written_as_the_page_writes_it_is_that_time_in_copenhagen_or_refused(
    moment: dt.datetime,
) -> None:
    text = f"{moment:%Y-%m-%dT%H:%M}"
    form = meeting_forms.MeetingChangeForm(
        {"starts_at": text, "ends_at": text, "location": "Odense", "reason": "Ny tid"}
    )
    expected = _moment(text)
    if expected is None:
        assert not form.is_valid()
        for field in ("starts_at", "ends_at"):
            assert "kunne ikke fortolkes i tidszonen Europe/Copenhagen" in form.errors[field][0]
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["starts_at"] == expected
        assert form.cleaned_data["starts_at"].utcoffset() == expected.utcoffset()


@given(
    typed=st.lists(
        st.sampled_from([*"0123456789", ".", ",", "e", "-", "+", "_", " ", "١", "５"]), max_size=6
    ).map("".join)
)
@example("7.5")
@example("1e1")
@example("1_0")  # was read as 10: Python's syntax, no number a page sends
@example("١")  # was read as 1
@example("+5")
@example("7,5")
@settings(max_examples=200, deadline=None)
def test_hours_per_week_are_a_number_as_the_number_input_sends_it_or_refused(typed: str) -> None:
    form = case_forms.OfferPart({"kind": "company_internship", "hours_per_week": typed})
    form.is_valid()
    expected = _html_number(typed)
    # At most 80 hours, written with at most one decimal ("7.50" is written with two).
    places = 0 if expected is None else max(0, -int(expected.as_tuple().exponent))
    if expected is not None and Decimal(0) <= expected <= Decimal(80) and places <= 1:
        assert form.cleaned_data["hours_per_week"] == expected, form.errors
    elif typed.strip():
        assert "hours_per_week" in form.errors
        if expected is None:
            assert form.errors["hours_per_week"] == ["Indtast et tal."]
