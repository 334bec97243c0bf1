"""The case pages: thin views that read through the selectors and act through the services, as
the API does. A refused action is shown next to the fields of its form and loses no input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from sundhedskoordinator.access.policy import (
    action_roles,
    citizen_municipalities,
    figure_municipalities,
    handler_role,
    handles_case,
    live_items,
    purpose_for_log,
    purposes_for,
    sees_as_citizen,
    writes_as_citizen,
)
from sundhedskoordinator.citizens import search
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.forms import GuidanceForm
from sundhedskoordinator.citizens.selectors import scope_citizens
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error, post_only, whole_number
from sundhedskoordinator.documents import delivery
from sundhedskoordinator.documents.delivery import attachment, verified_content
from sundhedskoordinator.documents.letters import decision_letter_html
from sundhedskoordinator.meetings.selectors import (
    agreement_of_municipality,
    upcoming_meetings_for,
)
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.organisations.selectors import case_handlers_in, coordinators_in
from sundhedskoordinator.post import selectors as post_selectors

from . import selectors, services
from .appointments import item_invitation
from .choices import Action, RejectionReason, RequestChannel, Status
from .forms import (
    CONFIRMED_FORMS,
    AdviceDraftForm,
    AdviceForm,
    CaseCreateForm,
    CompanionForm,
    ConcernForm,
    ConversationForm,
    DecisionForm,
    DocumentForm,
    FileNoteForm,
    MoveForm,
    NoHealthInformationForm,
    OfferFields,
    ReasonForm,
    ReassignForm,
    ScheduleForm,
    SubmitForm,
)
from .models import OFFER_FIELDS, AdviceDraft, Case
from .texts import CITIZEN_STATUS
from .workflow import COURSE_ENDED

#: What each action did and what happens next, said after it succeeded (lazy: per request).
DONE: dict[Action, Any] = {
    Action.SUBMIT: gettext_lazy(
        "Anmodningen er sendt. Næste skridt er at gøre sagen fuldstændig med indstilling og "
        "helbredsoplysninger; så sætter sekretariatet den på et møde."
    ),
    Action.COMPLETE: gettext_lazy(
        "Sagen er godkendt som fuldstændig. Sekretariatet sætter den på et møde."
    ),
    Action.UPDATE: gettext_lazy("Notatet er gemt på sagen."),
    Action.ADD_DOCUMENT: gettext_lazy("Dokumentet er vedhæftet sagen."),
    Action.SCHEDULE: gettext_lazy(
        "Sagen er sat på dagsordenen. Send den til sundhedskoordinatoren senest på fristen."
    ),
    Action.UNSCHEDULE: gettext_lazy(
        "Sagen er taget af dagsordenen og kan sættes på et andet møde."
    ),
    Action.DISPATCH: gettext_lazy(
        "Sagen er sendt til sundhedskoordinatoren, som forbereder sig til samtalen."
    ),
    Action.HOLD_CONVERSATION: gettext_lazy(
        "Samtalen er registreret. Skriv rådgivningen nu, mens samtalen er frisk."
    ),
    Action.CANCEL: gettext_lazy("Samtalen er aflyst. Sagen er klar til at komme på et nyt møde."),
    Action.WRITE_ADVICE: gettext_lazy(
        "Rådgivningen er afgivet og ligger nu på sagen. Sagsbehandleren tager stilling til den."
    ),
    Action.RECORD_FILE_NOTE: gettext_lazy("Notatet om samtalen er gemt."),
    Action.DECIDE: gettext_lazy(
        "Stillingtagen er gemt, og afgørelsesbrevet er lavet. Afslut sagen, når tilbuddet er "
        "på plads."
    ),
    Action.CLOSE: gettext_lazy("Sagen er afsluttet."),
    Action.WITHDRAW: gettext_lazy("Anmodningen er trukket tilbage, og sagen er afsluttet."),
    Action.REJECT: gettext_lazy("Anmodningen er afvist, og sagen er afsluttet."),
    Action.REASSIGN: gettext_lazy("Sagen er givet videre. Den nye ansvarlige har fået besked."),
    Action.TAKE_OVER: gettext_lazy("Du har overtaget sagen som sundhedskoordinator."),
    Action.MOVE: gettext_lazy(
        "Sagen er flyttet til det nye møde. Deltagerne har fået besked; send den til "
        "sundhedskoordinatoren senest på mødets frist."
    ),
}
#: After the citizen's own request: what happens next, in her words.
CITIZEN_SUBMITTED = gettext_lazy(
    "Din anmodning er sendt. Kommunen sætter din sag på et møde, og du får besked om tid og sted."
)

#: Who acts next in each state, for the staff on the case (the citizen reads CITIZEN_STATUS).
NEXT_STEP = {
    Status.DRAFT: gettext_lazy(
        "Næste skridt: sagsbehandleren (eller borgeren) sender anmodningen, når tilbuddets "
        "indhold og krav og borgerens beskrivelse er skrevet."
    ),
    Status.REQUESTED: gettext_lazy(
        "Næste skridt: sagsbehandleren vedhæfter indstilling/indsatsplan og "
        "helbredsoplysninger (eller noterer, at der ingen er) og godkender sagen som fuldstændig."
    ),
    Status.READY: gettext_lazy("Næste skridt: sekretariatet sætter sagen på et møde."),
    Status.SCHEDULED: gettext_lazy(
        "Næste skridt: sekretariatet sender sagen til sundhedskoordinatoren senest %(deadline)s."
    ),
    Status.SENT: gettext_lazy(
        "Næste skridt: sundhedskoordinatoren holder samtalen med borger og sagsbehandler "
        "den %(date)s kl. %(time)s."
    ),
    Status.HELD: gettext_lazy(
        "Næste skridt: sundhedskoordinatoren skriver rådgivningen lige efter samtalen."
    ),
    Status.ADVISED: gettext_lazy(
        "Næste skridt: sagsbehandleren tager stilling til rådgivningen: tilpas tilbuddet, "
        "giv et andet tilbud, eller fasthold det med en begrundelse."
    ),
    Status.DECIDED: gettext_lazy(
        "Næste skridt: sagsbehandleren afslutter sagen, når tilbuddet er på plads."
    ),
    Status.CLOSED: gettext_lazy("Sagen er afsluttet. Der sker ikke mere i den."),
    Status.WITHDRAWN: gettext_lazy("Anmodningen er trukket tilbage. Der sker ikke mere i sagen."),
    Status.REJECTED: gettext_lazy("Anmodningen er afvist. Der sker ikke mere i sagen."),
}


#: A case whose meeting passed without the conversation: what gets it going again.
STUCK = gettext_lazy(
    "Mødet den %(date)s er holdt, men samtalen er ikke registreret. Blev den holdt, registrerer "
    "sundhedskoordinatoren den; ellers flytter sekretariatet sagen til et nyt møde eller "
    "aflyser samtalen med årsagen."
)


def next_step(case: Case) -> str:
    """The sentence of who acts next, with the deadline or the meeting time where it has one."""
    items = _items(case)
    item = items[0] if items else None
    text = str(NEXT_STEP[Status(case.status)])
    if item is not None and selectors.meeting_passed_without_conversation(
        case, item, clock.today()
    ):
        text = str(STUCK)
    if "%(" not in text:
        return text
    return text % {
        "deadline": date_format(item.dispatch_deadline, "DATE_FORMAT") if item else "",
        "date": date_format(timezone.localtime(item.starts_at), "DATE_FORMAT") if item else "",
        "time": date_format(timezone.localtime(item.starts_at), "TIME_FORMAT") if item else "",
    }


def _items(case: Case) -> list[Any]:
    """The case's live agenda item(s), as ``selectors.with_details`` read them."""
    return live_items(case)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


#: The case list's own query keys (filters, order, page size): the only ones a search keeps.
LIST_KEYS = ("status", "mine", "team", "ansvarlig", "moede_fra", "moede_til", "order", "antal")
#: The page sizes a user can choose on the case list; the first is the default.
PAGE_SIZES = (25, 50, 100)
#: The session key of the user's case search: a CPR number searched for never goes in a URL.
CASE_SEARCH = "case_search"
#: The columns a user can sort the case list by, with their headings.
SORTABLE = {
    "reference": gettext_lazy("Sag"),
    "citizen": gettext_lazy("Borger"),
    "status": gettext_lazy("Status"),
    "deadline": gettext_lazy("Frist for afsendelse"),
}


def _choice(value: str | None, choices: Any, default: Any) -> Any:
    return value if value in choices else default


@login_required
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, paged in the database: open cases by their next deadline
    first; filter by status or "mine", sort by a column, search by reference, name or CPR."""
    user = _user(request)
    if request.method == "POST":
        search.remember(request.session, CASE_SEARCH, request.POST)
        # Only the list's own keys travel on: nothing typed into the address is copied.
        known = {k: v for k, v in request.GET.items() if k in LIST_KEYS}
        return redirect(f"{request.path}?{urlencode(known)}")
    status = _choice(request.GET.get("status"), Status.values, None)
    mine = request.GET.get("mine") == "1"
    order = _choice(request.GET.get("order"), selectors.CASE_ORDERS, selectors.DEFAULT_CASE_ORDER)
    size = int(_choice(request.GET.get("antal"), [str(n) for n in PAGE_SIZES], PAGE_SIZES[0]))
    team = _number(request.GET.get("team"))
    responsible = _number(request.GET.get("ansvarlig"))
    meeting_from = _date(request.GET.get("moede_fra"))
    meeting_to = _date(request.GET.get("moede_til"))
    queryset = selectors.list_cases(
        user=user,
        status=status,
        responsible=user.pk if mine else responsible,
        team=team,
        meeting_from=meeting_from,
        meeting_to=meeting_to,
        search=search.recall(request.session, CASE_SEARCH),
        order=order,
        table=True,
    )
    page = Paginator(queryset, size).get_page(request.GET.get("side"))
    kept = {
        k: v
        for k, v in {
            "status": status,
            "mine": "1" if mine else None,
            "team": team,
            "ansvarlig": responsible,
            "moede_fra": meeting_from.isoformat() if meeting_from else None,
            "moede_til": meeting_to.isoformat() if meeting_to else None,
        }.items()
        if v
    }
    # htmx asks for the table only (the filter replaces it in place); otherwise the whole page.
    template = (
        "cases/partials/case_table.html"
        if request.headers.get("HX-Request")
        else "cases/case_list.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "cases": page.object_list,
            "status": status or "",
            "mine": mine,
            "order": order,
            "size": size,
            "sizes": PAGE_SIZES,
            "sortable": SORTABLE,
            "search_shown": search.recall(request.session, CASE_SEARCH).shown,
            # The query string that keeps the filters when sorting or paging.
            "keep": urlencode({**kept, "antal": size}),
            "keep_order": urlencode({**kept, "antal": size, "order": order}),
            "statuses": Status.choices,
            "team": team,
            "responsible": responsible,
            "meeting_from": meeting_from,
            "meeting_to": meeting_to,
            "choices": None if sees_as_citizen(user) else selectors.filter_choices(user),
            "today": clock.today(),
            "is_citizen": sees_as_citizen(user),
            "citizen_status": CITIZEN_STATUS,
            "can_create": handler_role(user) is not None,
        },
    )


#: The most citizens the new-case form lists to choose from; a user who sees more (a large
#: municipality's caseworker) finds the citizen in the register first.
LISTED_CITIZENS = 300


@login_required
@never_cache
def case_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if handler_role(user) is None:
        raise Http404  # only a municipality's caseworkers and job brokers open cases
    # From a citizen's page the citizen is chosen already (only one in the user's scope).
    chosen = request.GET.get("borger", "")
    number = _number(chosen)
    initial = {"citizen": number} if number else {}
    citizens = scope_citizens(user, history=False)
    if citizens[: LISTED_CITIZENS + 1].count() > LISTED_CITIZENS:
        # Too many to list in the form: the citizen is found in the register (searched by
        # name or CPR number, paged) and comes from her page, or with the form sent from it.
        picked = {n for n in (number, _number(request.POST.get("citizen", ""))) if n}
        citizens = citizens.filter(pk__in=picked)
        if not picked or not citizens.exists():
            return render(request, "cases/case_choose_citizen.html")
    form = CaseCreateForm(request.POST or None, citizens=citizens, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.create_case(
                actor=user,
                citizen=form.cleaned_data["citizen"],
                offer=form.offer(),
                health_concern=form.concern(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            for warning in result.warnings:
                messages.warning(request, warning.message)
            messages.success(
                request, _("Sagen %(ref)s er oprettet.") % {"ref": result.case.reference}
            )
            return redirect("cases:detail", case_id=result.case.pk)
    return render(request, "cases/case_form.html", {"form": form})


def _edit_initial(case: Case) -> dict[str, Any]:
    """The offer and the citizen's description as they stand, to edit in place."""
    offer = getattr(case, "offer", None)
    concern = getattr(case, "health_concern", None)
    initial = {key: getattr(offer, key) for key in OFFER_FIELDS} if offer else {}
    return {**initial, "health_concern": concern.text if concern else ""}


def _edit_inputs(data: dict[str, Any]) -> dict[str, Any]:
    """The edit form's data as the update's inputs; an emptied description is cleared (health
    data written by mistake can be taken out again)."""
    text = (data.get("health_concern") or "").strip()
    return {
        "offer": {key: data.get(key) for key in OFFER_FIELDS},
        "health_concern": {"text": text, "channel": RequestChannel.MEETING},
    }


def _fix_in_edit(forms: dict[str, Any], error: DomainError) -> bool:
    """Put a refusal's missing offer or description parts next to the edit form's fields, so
    that what is missing can be written where it is shown (no dead end); True if any was."""
    shown = forms.get("edit")
    if shown is None:
        return False
    values = {f"edit-{k}": v for k, v in shown.initial.items() if v is not None}
    edit = OfferFields(values, prefix="edit")
    edit.is_valid()  # bound to what is there, so the errors can be added to its fields
    moved = False
    for name, message in error.fields.items():
        field = name.rsplit(".", 1)[-1]
        if field in edit.fields:
            edit.add_error(field, message)
            moved = True
    if moved:
        forms["edit"] = edit
    return moved


def _advice_initial(case: Case, draft: AdviceDraft | None) -> dict[str, str]:
    """Where the coordinator's advice form starts: their own draft, or for a correction the
    advice as submitted (the newest of ``with_details``' versions), to correct rather than
    retype."""
    if draft is not None:
        return {
            "text": draft.text,
            "accommodations": draft.accommodations,
            "correction_reason": draft.correction_reason,
        }
    versions = getattr(case, "advice_list", None)
    latest = versions[0] if versions else None
    if latest is not None:
        return {"text": latest.text, "accommodations": latest.accommodations}
    return {}


def _action_forms(read: selectors.CaseRead, user: User, *, course_ended: bool) -> dict[str, Any]:
    """The forms of the actions the user may take now; ``course_ended`` as
    ``selectors.course_ended_before_dispatch`` answered it for the page."""
    case = read.case
    actions = set(selectors.actions_for(user, case, read.acting))
    forms: dict[str, Any] = {}
    # The user's own advice draft (nobody else's is ever read), only where the form is shown.
    draft = None
    if "submit" in actions:
        forms["submit"] = ConcernForm() if writes_as_citizen(read.roles) else SubmitForm()
    if "update" in actions and not writes_as_citizen(read.roles):
        forms["no_health_information"] = NoHealthInformationForm(
            initial={"no_health_information_note": case.no_health_information_note}
        )
        if read.health_role:
            forms["edit"] = OfferFields(prefix="edit", initial=_edit_initial(case))
    if "add_document" in actions:
        forms["document"] = DocumentForm()
    if "schedule" in actions:
        forms["schedule"] = ScheduleForm(
            meetings=upcoming_meetings_for(
                municipality_id=case.municipality_id, today=clock.today()
            ),
            coordinators=coordinators_in(region_id=case.municipality.region_id),
        )
    if "move" in actions:
        forms["move"] = MoveForm(prefix="move", meetings=_other_meetings(case))
    if "hold_conversation" in actions:
        item = _items(case)[0] if _items(case) else None
        now = clock.now()
        # The agenda's time, as it usually goes; the end no later than now.
        start = item.starts_at if item else now
        end = start + dt.timedelta(minutes=item.slot_minutes) if item else now
        forms["hold_conversation"] = ConversationForm(
            item=item,
            initial={"started_at": min(start, now), "ended_at": min(end, now)},
        )
    for action in ("withdraw", "reject", "cancel", "unschedule"):
        if action in actions:
            # A ressourceforløb that ended is the likely reason to refuse: it is chosen already.
            ended = action == "reject" and course_ended
            initial = {"reason_code": RejectionReason.NOT_IN_RESOURCE_COURSE} if ended else {}
            forms[action] = CONFIRMED_FORMS[action](prefix=action, initial=initial)
    if "write_advice" in actions or "correct_advice" in actions:
        draft = AdviceDraft.objects.filter(case=case, author=user).first()
        forms["advice"] = AdviceForm(prefix="advice", initial=_advice_initial(case, draft))
    if "set_companion" in actions:
        item = _items(case)[0] if _items(case) else None
        forms["companion"] = CompanionForm(
            prefix="companion",
            initial={
                "name": item.companion_name if item else "",
                "relation": item.companion_relation if item else "",
            },
        )
    if "record_file_note" in actions:
        forms["file_note"] = FileNoteForm(prefix="note")
    if "decide" in actions:
        forms["decide"] = DecisionForm(prefix="decision", initial=_edit_initial(case))
    return {
        "forms": forms,
        "actions": actions,
        # When the user's own advice draft was saved, shown with the advice form.
        "advice_draft_saved": draft.saved_at if draft else None,
    }


def _detail_context(request: HttpRequest, read: selectors.CaseRead) -> dict[str, Any]:
    case = read.case
    conversations = selectors.held_conversations(case)
    advice = getattr(case, "advice_list", [])
    # The ressourceforløb is read once for the warning and the refusal's preset reason.
    course_ended = not writes_as_citizen(read.roles) and selectors.course_ended_before_dispatch(
        case, clock.today()
    )
    # Health data opened for a listed purpose: say which, and let the document links carry it.
    opened_for = purpose_for_log(_purpose(request)) if read.health_role == Role.SECRETARIAT else ""
    purpose_query = (
        "?"
        + urlencode({k: request.GET[k] for k in ("formaal", "formaal_tekst") if k in request.GET})
        if opened_for
        else ""
    )
    return {
        "case": case,
        "read": read,
        "health": bool(read.health_role),
        "opened_for": opened_for,
        "purpose_query": purpose_query,
        "is_citizen": writes_as_citizen(read.roles),
        "citizen_status": CITIZEN_STATUS.get(Status(case.status), ""),
        "next_step": next_step(case),
        "item": _items(case)[0] if _items(case) else None,
        "conversation": conversations[0] if conversations else None,
        "minutes_since_conversation": int(
            (clock.now() - conversations[0].ended_at).total_seconds() // 60
        )
        if conversations
        else None,
        "advice": advice[0] if read.health_role and advice else None,
        # The purposes the policy lets this user open the health data for, if any.
        "purposes": [] if read.health_role else purposes_for(case, read.acting.on_case),
        "advice_versions": advice if read.health_role else [],
        "events": selectors.case_events(case),
        "documents": selectors.case_documents(case),
        "letters": selectors.citizen_letters(case) if writes_as_citizen(read.roles) else [],
        "guidance_letters": [
            g.letter
            for g in case.citizen.guidance.select_related("letter")
            if getattr(g, "letter", None)
        ]
        if writes_as_citizen(read.roles)
        else [],
        "offer_on_hold": services.offer_is_on_hold(case),
        "course_ended": course_ended,
        "course_ended_text": COURSE_ENDED,
        "shows_citizen_page": case.municipality_id in citizen_municipalities(_user(request)),
        # BEK 2409/2021 § 2: the warning stays on the case until written guidance is recorded,
        # with the form to record it for those who register the municipality's citizens.
        "guidance_missing": not writes_as_citizen(read.roles) and selectors.guidance_missing(case),
        "guidance_form": GuidanceForm(prefix="guidance", initial={"given_on": clock.today()})
        if handles_case(_user(request), case)
        else None,
        "offer_versions": getattr(case, "offer_version_list", []),
        # How each letter to the citizen went out: for the caseworker on the case.
        "deliveries": list(post_selectors.of_case(case.pk))
        if handles_case(_user(request), case)
        else [],
        "today": clock.today(),
        **_action_forms(read, _user(request), course_ended=course_ended),
    }


@login_required
@never_cache
def meeting_invitation(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's coming conversation as a calendar file, for those on the case."""
    try:
        case = selectors.case_in_scope(user=_user(request), case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    item = selectors.active_items_of(case).first()
    if item is None:
        raise Http404
    return delivery.download(
        item_invitation(item), "text/calendar", f"samtale-{case.reference}.ics"
    )


@login_required
@never_cache
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        read = selectors.read_case(user=_user(request), case_id=case_id, purpose=_purpose(request))
    except NotFoundError as exc:
        raise Http404 from exc
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cases:detail", case_id=case_id)
    return render(request, "cases/case_detail.html", _detail_context(request, read))


def _purpose(request: HttpRequest) -> str:
    """The purpose chosen on the page (``formaal``, a listed purpose) and its optional text."""
    code = request.GET.get("formaal", "").strip()
    text = request.GET.get("formaal_tekst", "").strip()[:250]
    return f"{code}:{text}" if code and text else code


def _date(value: str | None) -> dt.date | None:
    """A date as a date input sends it (YYYY-MM-DD), else None."""
    try:
        return dt.date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


_number = whole_number

#: The version of a page whose version cannot be read: no case has it, so the service refuses
#: the page as out of date, as it refuses a stale one, instead of skipping the check.
UNREADABLE_VERSION = -1


def _posted_version(request: HttpRequest) -> int:
    """The case's version the page was made from (its hidden ``version`` field)."""
    version = _number(request.POST.get("version"))
    return UNREADABLE_VERSION if version is None else version


def _form_view(
    key: str,
    form_class: type,
    action: Action,
    inputs: Callable[[dict[str, Any]], dict[str, Any]] = lambda data: {},
    *,
    versioned: bool = True,
    done: Any = None,
    then: str = "cases:detail",
    **form_kwargs: Any,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST view for one action: validate the form, carry out the action through the same
    ``services.run_action`` the API calls (``inputs`` maps the form's data to the service's
    inputs), and on a refusal show the page again with the errors next to the fields and the
    input kept. ``versioned``: the page's version is checked (If-Match on the API)."""

    @login_required
    def view(request: HttpRequest, case_id: int) -> HttpResponse:
        user = _user(request)
        try:
            selectors.case_in_scope(user=user, case_id=case_id)
        except NotFoundError as exc:
            raise Http404 from exc
        # A refused action is shown at its own address; reloading it (or switching language)
        # asks for it again with GET, which leads back to the case.
        if request.method != "POST":
            return redirect("cases:detail", case_id=case_id)
        form = form_class(request.POST, request.FILES, **form_kwargs)
        refusal: DomainError | None = None
        expected = _posted_version(request) if versioned else None
        if form.is_valid():
            try:
                services.run_action(
                    action,
                    actor=user,
                    case_id=case_id,
                    expected_version=expected,
                    **inputs(form.cleaned_data),
                )
            except DomainError as error:
                add_domain_error(form, error)
                refusal = error
            else:
                messages.success(request, str(done or DONE[action]))
                return redirect(then, case_id=case_id)
        return _show_again(request, case_id, key, form, refusal)

    return view


@login_required
@post_only("cases:detail", "case_id")
def record_guidance(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record the citizen's guidance about the right from the case (the same service as the
    citizen's page); written guidance makes the guidance letter."""
    user = _user(request)
    try:
        case = selectors.case_in_scope(user=user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    if not handles_case(user, case):
        # From the case, only those who work it; the register's page serves the rest.
        messages.error(request, _("Kun sagens sagsbehandler kan registrere vejledning her."))
        return redirect("cases:detail", case_id=case_id)
    form = GuidanceForm(request.POST, prefix="guidance")
    if form.is_valid():
        try:
            guidance = citizen_services.record_guidance(
                actor=user, citizen=case.citizen, **form.cleaned_data
            )
        except DomainError as error:
            # Not theirs to record (the form is not shown to them): said at the top.
            messages.error(request, error.message)
            return redirect("cases:detail", case_id=case_id)
        else:
            messages.success(
                request,
                _("Vejledningen er registreret, og vejledningsbrevet er lavet.")
                if guidance.is_written
                else _(
                    "Vejledningen er registreret. Mundtlig vejledning opfylder ikke kravet om "
                    "skriftlig vejledning."
                ),
            )
            return redirect("cases:detail", case_id=case_id)
    read = selectors.read_case(user=user, case_id=case_id)
    context = _detail_context(request, read)
    context["guidance_form"] = form
    return render(request, "cases/case_detail.html", context)


def _show_again(
    request: HttpRequest,
    case_id: int,
    key: str,
    form: Any,
    refusal: DomainError | None,
    **extra: Any,
) -> HttpResponse:
    """The case page again with this action's form as it was sent, its errors at the fields."""
    read = selectors.read_case(user=_user(request), case_id=case_id)
    context = _detail_context(request, read)
    if key not in context["forms"] and key not in context["actions"]:
        # Not this user's action here (now): say why, and show no form they cannot use.
        messages.error(request, refusal.message if refusal else _("Handlingen er ikke mulig."))
        return redirect("cases:detail", case_id=case_id)
    context["forms"][key] = form
    context["failed"] = key
    # A request refused for a missing offer part or description opens the edit form with
    # the errors at its fields.
    if refusal and key != "edit" and _fix_in_edit(context["forms"], refusal):
        context["failed"] = "edit"
    context.update(extra)
    # 200, not 422: browsers log any 4xx page as a console error.
    return render(request, "cases/case_detail.html", context)


def _fields(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The form's fields of these names, as the service's inputs of the same names."""
    return lambda data: {name: data[name] for name in names}


A = Action
submit_for_citizen = _form_view(
    "submit",
    ConcernForm,
    A.SUBMIT,
    lambda d: {"health_concern": {"text": d["health_concern"]}},
    done=CITIZEN_SUBMITTED,
    then="cases:receipt",
)


@login_required
@never_cache
def receipt(request: HttpRequest, case_id: int) -> HttpResponse:
    """The citizen's receipt for her request: when it was received, what happens next and when
    the next possible meeting is. Anyone else, or a case not yet requested, goes to the case."""
    user = _user(request)
    try:
        case = selectors.case_in_scope(user=user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    if not writes_as_citizen(action_roles(user, case).on_case) or case.submitted_at is None:
        return redirect("cases:detail", case_id=case_id)
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "next_meeting": selectors.next_reachable_meeting(case, clock.today()),
            # After the 2026 reform the agreement may hold no rehab-team meeting: say so.
            "rehab_team": agreement_of_municipality(case.municipality_id).rehab_team_required,
            "offer_on_hold": services.offer_is_on_hold(case),
        },
    )


submit = _form_view("submit", SubmitForm, A.SUBMIT, lambda d: {"channel": d["channel"] or ""})
complete = _form_view("complete", ReasonForm, A.COMPLETE)
note_no_health_information = _form_view(
    "no_health_information",
    NoHealthInformationForm,
    A.UPDATE,
    _fields("no_health_information_note"),
)
withdraw = _form_view(
    "withdraw", CONFIRMED_FORMS["withdraw"], A.WITHDRAW, _fields("reason"), prefix="withdraw"
)
reject = _form_view(
    "reject",
    CONFIRMED_FORMS["reject"],
    A.REJECT,
    _fields("reason", "reason_code"),
    prefix="reject",
)
cancel = _form_view(
    "cancel",
    CONFIRMED_FORMS["cancel"],
    A.CANCEL,
    _fields("reason", "reason_code"),
    prefix="cancel",
)
unschedule = _form_view(
    "unschedule",
    CONFIRMED_FORMS["unschedule"],
    A.UNSCHEDULE,
    _fields("reason", "reason_code"),
    prefix="unschedule",
)
dispatch = _form_view("dispatch", ReasonForm, A.DISPATCH)
hold_conversation = _form_view(
    "hold_conversation",
    ConversationForm,
    A.HOLD_CONVERSATION,
    _fields("started_at", "ended_at", "present"),
)
_advice = _form_view("advice", AdviceForm, A.WRITE_ADVICE, dict, prefix="advice")


@login_required
@post_only("cases:detail", "case_id")
def advice(request: HttpRequest, case_id: int) -> HttpResponse:
    """The advice: submitted ("Afgiv rådgivning"), or kept as the coordinator's own draft
    ("Gem kladde"), which nobody else sees and which the form starts from next time."""
    if "draft" not in request.POST:
        return _advice(request, case_id)
    user = _user(request)
    try:
        selectors.case_in_scope(user=user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = AdviceDraftForm(request.POST, prefix="advice")
    if form.is_valid():
        try:
            services.save_advice_draft(actor=user, case_id=case_id, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Kladden er gemt. Kun du kan se den, indtil du afgiver rådgivningen."),
            )
            return redirect(reverse("cases:detail", args=[case_id]) + "#advice-form")
    return _show_again(request, case_id, "advice", form, None)


file_note = _form_view(
    "file_note", FileNoteForm, A.RECORD_FILE_NOTE, _fields("text"), prefix="note"
)
_decide = _form_view(
    "decide", DecisionForm, A.DECIDE, lambda d: DecisionForm.inputs_of(d), prefix="decision"
)


@login_required
def decide(request: HttpRequest, case_id: int) -> HttpResponse:
    """The decision: first the letter it will send, shown on the case page for the caseworker to
    read ("Se brevet"), then the decision itself with the same values ("Send"). A send whose
    values differ from the letter last shown (or with no letter shown) shows the new letter
    instead of sending it."""
    user = _user(request)
    try:
        selectors.case_in_scope(user=user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    if request.method != "POST":
        return redirect("cases:detail", case_id=case_id)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _show_again(request, case_id, "decide", form, None)
    read_first = "preview" in request.POST
    digest = form.digest(case_id, request.POST.get("version", ""))
    if not read_first and request.POST.get("previewed") == digest:
        return _decide(request, case_id)
    try:
        letter = services.preview_decision_letter(
            actor=user, case_id=case_id, **DecisionForm.inputs_of(form.cleaned_data)
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _show_again(request, case_id, "decide", form, error)
    return _show_again(
        request,
        case_id,
        "decide",
        form,
        None,
        failed="",
        decision_preview=decision_letter_html(letter),
        decision_digest=digest,
        preview_changed=not read_first,
    )


edit = _form_view(
    "edit",
    OfferFields,
    A.UPDATE,
    _edit_inputs,
    prefix="edit",
    done=gettext_lazy("Tilbuddet og borgerens beskrivelse er gemt."),
)
close = _form_view("close", ReasonForm, A.CLOSE)
#: Said to a user who opens the hand-on form but may not hand the case on now.
NOT_YOURS_TO_HAND_ON = gettext_lazy(
    "Du kan ikke give sagen videre. Det kan sagens ansvarlige og teamets leder, mens sagen er åben."
)


@login_required
def reassign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Hand the case to a colleague of the municipality, on its own page: the case page only
    links here, so that it does not read the municipality's caseworkers for a form few open.
    The same ``services.run_action`` as the API; the choices are the colleagues the service
    accepts (``case_handlers_in``), and a refusal keeps the choice with the error beside it."""
    user = _user(request)
    try:
        case = selectors.case_in_scope(user=user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    allowed = A.REASSIGN in selectors.actions_for(user, case, action_roles(user, case))
    colleagues = case_handlers_in(municipality_id=case.municipality_id).exclude(
        pk=case.responsible_id
    )
    posted = request.method == "POST"
    form = ReassignForm(request.POST if posted else None, prefix="reassign", colleagues=colleagues)
    if posted and form.is_valid():
        try:
            services.run_action(
                A.REASSIGN,
                actor=user,
                case_id=case_id,
                expected_version=_posted_version(request),
                responsible_id=form.cleaned_data["responsible"].pk,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, str(DONE[A.REASSIGN]))
            return redirect("cases:detail", case_id=case_id)
    if not allowed:
        # Not this user's to hand on (now), whoever was chosen: said in the same words on the
        # case page, with no form to fill in, so that the answer tells nothing of who the
        # municipality's caseworkers are. The service has refused and logged a valid try.
        messages.error(request, str(NOT_YOURS_TO_HAND_ON))
        return redirect("cases:detail", case_id=case_id)
    return render(request, "cases/reassign.html", {"case": case, "form": form})


take_over = _form_view("take_over", ReasonForm, A.TAKE_OVER)
companion = _form_view(
    "companion",
    CompanionForm,
    A.SET_COMPANION,
    _fields("name", "relation"),
    prefix="companion",
    done=gettext_lazy("Bisidderen er gemt."),
)
add_document = _form_view(
    "document",
    DocumentForm,
    A.ADD_DOCUMENT,
    lambda d: {"kind": d["kind"], "filename": d["file"].name, "content": d["file"].read()},
    versioned=False,
)


def _schedule(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_in_scope(user=_user(request), case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    view = _form_view(
        "schedule",
        ScheduleForm,
        A.SCHEDULE,
        lambda d: {
            "meeting_id": d["meeting"].pk,
            "coordinator_id": d["coordinator"].pk,
            "companion_name": d["companion"],
            "late_reason": d["late_reason"],
        },
        meetings=upcoming_meetings_for(municipality_id=case.municipality_id, today=clock.today()),
        coordinators=coordinators_in(region_id=case.municipality.region_id),
    )
    return view(request, case_id)


schedule = login_required(post_only("cases:detail", "case_id")(_schedule))


def _other_meetings(case: Case) -> Any:
    """The team's coming meetings a case on an agenda can move to: not its own."""
    current = case.agenda_items.filter(cancelled_at__isnull=True).values("meeting_id")
    return upcoming_meetings_for(municipality_id=case.municipality_id, today=clock.today()).exclude(
        pk__in=current
    )


def _move(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_in_scope(user=_user(request), case_id=case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    view = _form_view(
        "move",
        MoveForm,
        A.MOVE,
        lambda d: {"meeting_id": d["meeting"].pk, "late_reason": d["late_reason"]},
        prefix="move",
        meetings=_other_meetings(case),
    )
    return view(request, case_id)


move = login_required(post_only("cases:detail", "case_id")(_move))


@login_required
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    """A document, only for those who may read the case's health data, checksum verified; the
    download is logged."""
    try:
        document = selectors.read_document(
            user=_user(request),
            document_id=document_id,
            purpose=_purpose(request),
        )
        return attachment(document, verified_content(document))
    except NotFoundError as exc:
        raise Http404 from exc
    except DomainError as error:
        # A purpose that is not on the list: nothing is shown, and no case is named.
        messages.error(request, error.message)
        return redirect("cases:list")


@login_required
@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    """Klinisk Funktion's and managers' overview: cases per state and deadlines at risk."""
    user = _user(request)
    counts = selectors.state_counts(user=user)
    today = clock.today()
    return render(
        request,
        "cases/overview.html",
        {
            "rows": [(label, counts.get(value, 0), value) for value, label in Status.choices],
            "total": sum(counts.values()),
            "at_risk": selectors.deadlines_at_risk(user=user, today=today),
            "today": today,
            "shows_figures": figure_municipalities(user).exists(),
        },
    )
