"""Meeting pages for the secretariat and the coordinator: calendar list, new meeting, and the
agenda with its dispatch deadlines. Thin: every change goes through a service. They live with the
cases because an agenda shows and sends cases (the layers, docs/dev/architecture.md); the meeting
app itself knows nothing of cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sundhedskoordinator.access.policy import plans_meetings_of, secretariat_municipalities
from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.forms import CONFIRMED_FORMS
from sundhedskoordinator.cases.letter_data import agenda_letter
from sundhedskoordinator.cases.selectors import (
    active_items,
    agenda_items,
    case_in_scope,
    listed_meetings,
    meeting_passed_without_conversation,
    scope_cases,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error, post_only, whole_number
from sundhedskoordinator.core.workingdays import (
    deadline_near,
    deadline_passed,
)
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.delivery import download
from sundhedskoordinator.documents.models import IssuedDocument
from sundhedskoordinator.meetings import services
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.meetings.forms import (
    MeetingCancelForm,
    MeetingChangeForm,
    MeetingForm,
)
from sundhedskoordinator.meetings.models import Meeting, MeetingChange
from sundhedskoordinator.meetings.selectors import (
    agreement_of_meeting,
    meeting_in_scope,
    upcoming_meetings_for,
)
from sundhedskoordinator.organisations.models import Municipality, RehabTeam, User
from sundhedskoordinator.organisations.selectors import coordinators_in


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own_teams(user: User) -> QuerySet[RehabTeam]:
    return RehabTeam.objects.filter(municipality_id__in=secretariat_municipalities(user))


@login_required
@never_cache
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = clock.today()
    show_past = request.GET.get("tidligere") == "1"
    shown = listed_meetings(user, today=today, past=show_past)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": shown,
            "today": today,
            "show_past": show_past,
            "can_create": _own_teams(user).exists(),
        },
    )


@login_required
@never_cache
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = MeetingForm(
        request.POST or None,
        teams=_own_teams(user),
        municipalities=Municipality.objects.filter(
            pk__in=secretariat_municipalities(user)
        ).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                actor=user,
                team=data["team"],
                municipality=data["municipality"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                kind=data["kind"],
                extraordinary_reason=data["extraordinary_reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Mødet er oprettet."))
            return redirect("meetings:agenda", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


def _agenda_context(
    request: HttpRequest, meeting: Meeting, bound: dict[int, Any] | None = None
) -> dict[str, Any]:
    """What the agenda page and its work area show: each item's slot, case and dispatch state
    (with the planner's actions on it), the deadline in a warning colour when it is near or
    passed, and the cases ready to be put on it. ``bound`` holds a refused item form by item."""
    user = _user(request)
    today = clock.today()
    visible = scope_cases(user).values("pk")
    items = list(
        active_items(meeting)
        .filter(case__in=visible)
        .select_related("case__citizen", "coordinator", "attendee", "dispatch")
    )
    for item in items:
        item.sent = hasattr(item, "dispatch")  # type: ignore[attr-defined]
        item.stuck = meeting_passed_without_conversation(item.case, item, today)  # type: ignore[attr-defined]
        item.unschedule_form = (bound or {}).get(item.pk) or CONFIRMED_FORMS["unschedule"](  # type: ignore[attr-defined]
            prefix=f"item{item.pk}"
        )
    due = [i for i in items if not i.sent]  # type: ignore[attr-defined]
    plans_it = plans_meetings_of(user, meeting.municipality_id)
    open_ = meeting.cancelled_at is None and meeting.date >= today
    can_schedule = plans_it and open_
    passed = deadline_passed(meeting.dispatch_deadline, today)
    ready = (
        scope_cases(user)
        .filter(status="ready", municipality_id=meeting.municipality_id)
        .select_related("citizen")
        .order_by("submitted_at", "id")
        if can_schedule
        else []
    )
    return {
        "ready_cases": ready,
        "coordinators": coordinators_in(region_id=meeting.municipality.region_id)
        if can_schedule
        else [],
        "now": clock.now(),
        "meeting": meeting,
        "items": items,
        "today": today,
        # Once every case on the agenda is sent, the deadline no longer warns of anything.
        "all_sent": bool(items) and not due,
        "deadline_passed": bool(due) and passed,
        # Scheduling after the deadline asks for the reason, whether or not cases are on it.
        "late_scheduling": passed,
        "deadline_near": bool(due)
        and deadline_near(
            meeting.dispatch_deadline,
            today,
            agreement_of_meeting(meeting).deadline_warning_working_days,
        ),
        "can_dispatch": plans_it and open_ and bool(due),
        "can_change": plans_it and open_,
        "changes": _change_lines(meeting),
        "stuck": any(item.stuck for item in items),  # type: ignore[attr-defined]
        "issued": IssuedDocument.objects.filter(meeting=meeting).order_by("-version"),
        "late_items": [i for i in items if i.sent and i.dispatch.is_late],  # type: ignore[attr-defined]
    }


def _moment(iso: str | None) -> str:
    return (
        date_format(timezone.localtime(dt.datetime.fromisoformat(iso)), "DATETIME_FORMAT")
        if iso
        else ""
    )


def _change_lines(meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting's history in words: what it was and became, and why; a cancellation's
    reason, and the meeting its cases went to."""
    lines = []
    for change in meeting.changes.select_related("by"):
        if change.kind == MeetingChange.Kind.CANCELLED:
            code = change.after.get("code", "")
            what = str(CancelCode(code).label) if code in CancelCode.values else ""
            target = change.after.get("move_to")
        else:
            what = _("fra %(before)s, %(place)s, til %(after)s, %(new_place)s") % {
                "before": _moment(change.before.get("starts_at")),
                "place": change.before.get("location", ""),
                "after": _moment(change.after.get("starts_at")),
                "new_place": change.after.get("location", ""),
            }
            target = None
        lines.append(
            {
                "at": change.at,
                "by": change.by,
                "kind": change.get_kind_display(),
                "what": what,
                "reason": change.reason,
                "moved_to": target,
            }
        )
    return lines


def _meeting_or_404(request: HttpRequest, meeting_id: int) -> Meeting:
    try:
        return meeting_in_scope(_user(request), meeting_id)
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
@never_cache
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda, the secretariat's workbench: schedule, reorder, send and take off cases here."""
    meeting = _meeting_or_404(request, meeting_id)
    return render(request, "meetings/agenda.html", _agenda_context(request, meeting))


def _work_answer(
    request: HttpRequest, meeting: Meeting, bound: dict[int, Any] | None = None
) -> HttpResponse:
    """After an action on the agenda: htmx gets the work area again, with the outcome said in
    it (a refusal in place); without scripts, the agenda page again (a refused form shown with
    its errors, otherwise by redirect)."""
    if request.headers.get("HX-Request"):
        context = {**_agenda_context(request, meeting, bound), "fragment": True}
        return render(request, "meetings/partials/agenda_work.html", context)
    if bound:
        return render(request, "meetings/agenda.html", _agenda_context(request, meeting, bound))
    return redirect("meetings:agenda", meeting_id=meeting.pk)


@login_required
@post_only("meetings:agenda", "meeting_id")
def agenda_schedule(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Put a ready case on this meeting from its agenda (``schedule_case``)."""
    meeting = _meeting_or_404(request, meeting_id)
    case_id = whole_number(request.POST.get("case"))
    coordinator_id = whole_number(request.POST.get("coordinator"))
    if case_id is None:
        messages.error(request, _("Vælg sagen."))
        return _work_answer(request, meeting)
    try:
        case_in_scope(user=_user(request), case_id=case_id)
        case = case_services.schedule_case(
            actor=_user(request),
            case_id=case_id,
            meeting_id=meeting.pk,
            coordinator_id=coordinator_id,
            expected_version=whole_number(request.POST.get("version")),
            late_reason=request.POST.get("late_reason", "")[:1000],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(ref)s er sat på dagsordenen.") % {"ref": case.reference},
        )
    return _work_answer(request, meeting)


@login_required
@post_only("meetings:agenda", "meeting_id")
def agenda_item(request: HttpRequest, meeting_id: int, item_id: int, action: str) -> HttpResponse:
    """One item's action from the agenda: move it up or down, send it, or take it off."""
    meeting = _meeting_or_404(request, meeting_id)
    user = _user(request)
    if not plans_meetings_of(user, meeting.municipality_id):
        # Refused before any item is looked up, so no case is named to those who may not see it.
        messages.error(request, _("Kun teamets sekretariat kan ændre dagsordenen."))
        return _work_answer(request, meeting)
    item = (
        active_items(meeting)
        .filter(pk=item_id, case__in=scope_cases(user).values("pk"))
        .select_related("case")
        .first()
    )
    if item is None:
        messages.error(request, _("Punktet findes ikke længere på dagsordenen."))
        return _work_answer(request, meeting)
    reference = item.case.reference
    try:
        if action in ("op", "ned"):
            case_services.reorder_item(
                actor=user,
                meeting_id=meeting.pk,
                item_id=item.pk,
                direction=-1 if action == "op" else 1,
            )
            messages.success(request, _("Rækkefølgen er ændret, og deltagerne har fået besked."))
        elif action == "send":
            case_services.dispatch_package(actor=user, case_id=item.case_id)
            messages.success(
                request, _("%(ref)s er sendt til sundhedskoordinatoren.") % {"ref": reference}
            )
        elif action == "tag-af":
            form = CONFIRMED_FORMS["unschedule"](request.POST, prefix=f"item{item.pk}")
            if not form.is_valid():
                return _work_answer(request, meeting, {item.pk: form})
            case_services.unschedule_case(
                actor=user,
                case_id=item.case_id,
                reason=form.cleaned_data["reason"],
                reason_code=form.cleaned_data["reason_code"],
            )
            messages.success(
                request,
                _("%(ref)s er taget af dagsordenen og kan sættes på et andet møde.")
                % {"ref": reference},
            )
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, f"{reference}: {error.message}")
    return _work_answer(request, meeting)


@login_required
def agenda_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda as it stands now, with the items the user may see, as PDF."""
    user = _user(request)
    try:
        meeting = meeting_in_scope(user, meeting_id)
    except NotFoundError as exc:
        raise Http404 from exc
    return download(
        letters.agenda(
            agenda_letter(meeting, agenda_items(meeting, visible=scope_cases(user).values("pk")))
        ),
        "application/pdf",
        f"dagsorden-{meeting.pk}.pdf",
    )


@login_required
@require_POST
def dispatch_all(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Send every item on the agenda not yet sent, and issue the agenda (``dispatch_meeting``)."""
    user = _user(request)
    try:
        meeting = meeting_in_scope(user, meeting_id)
    except NotFoundError as exc:
        raise Http404 from exc
    try:
        sent, refused = case_services.dispatch_meeting(actor=user, meeting_id=meeting.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return _work_answer(request, meeting)
    if sent:
        messages.success(
            request,
            ngettext(
                "%(n)d sag er sendt til sundhedskoordinatoren.",
                "%(n)d sager er sendt til sundhedskoordinatoren.",
                sent,
            )
            % {"n": sent},
        )
    for message in refused:
        messages.error(request, message)
    return _work_answer(request, meeting)


def _meeting_to_plan(request: HttpRequest, meeting_id: int) -> Meeting | None:
    """The meeting, for its team's secretariat while it can still change (404 outside the
    user's scope); None, with the reason said, otherwise."""
    try:
        meeting = meeting_in_scope(_user(request), meeting_id)
    except NotFoundError as exc:
        raise Http404 from exc
    if not plans_meetings_of(_user(request), meeting.municipality_id):
        messages.error(request, _("Kun teamets sekretariat kan ændre eller aflyse mødet."))
        return None
    if meeting.cancelled_at is not None:
        messages.error(request, _("Mødet er aflyst og kan ikke ændres."))
        return None
    if meeting.date < clock.today():
        messages.error(request, _("Mødet har været holdt og kan ikke ændres."))
        return None
    return meeting


def _local_input(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@login_required
@never_cache
def meeting_change(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A new time or place for the meeting (``change_meeting``): the agenda moves with it."""
    user = _user(request)
    meeting = _meeting_to_plan(request, meeting_id)
    if meeting is None:
        return redirect("meetings:agenda", meeting_id=meeting_id)
    initial = {
        "starts_at": _local_input(meeting.starts_at),
        "ends_at": _local_input(meeting.ends_at),
        "location": meeting.location,
    }
    form = MeetingChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.change_meeting(actor=user, meeting_id=meeting.pk, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Mødet er ændret. Deltagerne har fået besked og en opdateret "
                    "kalenderinvitation, og dagsordenen er udsendt i en ny version."
                ),
            )
            return redirect("meetings:agenda", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_change.html",
        {"form": form, "meeting": meeting, "items": active_items(meeting).count()},
    )


@login_required
@never_cache
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Cancel the meeting (``cancel_meeting``), its cases back to ready or onto another
    meeting of the team."""
    user = _user(request)
    meeting = _meeting_to_plan(request, meeting_id)
    if meeting is None:
        return redirect("meetings:agenda", meeting_id=meeting_id)
    others = upcoming_meetings_for(
        municipality_id=meeting.municipality_id, today=clock.today()
    ).exclude(pk=meeting.pk)
    form = MeetingCancelForm(request.POST or None, meetings=others)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_services.cancel_meeting(
                actor=user,
                meeting_id=meeting.pk,
                reason_code=data["reason_code"],
                reason=data["reason"],
                move_to_id=data["move_to"].pk if data["move_to"] else None,
                late_reason=data["late_reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Mødet er aflyst, og deltagerne har fået besked.")
                + " "
                + (
                    _("Sagerne er flyttet til det valgte møde og skal sendes derfra.")
                    if data["move_to"]
                    else _("Sagerne er klar til at komme på et nyt møde.")
                ),
            )
            return redirect("meetings:agenda", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"form": form, "meeting": meeting, "items": active_items(meeting).count()},
    )
