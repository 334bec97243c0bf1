"""Acting on a case and reading its health content go by assignment, not by role alone (DESIGN
section 2). Each test reproduces one finding of the security review (H1, H2, M2, M4, M5, M6, L1,
L8) on the API, with its expected answer written from DESIGN, not from the policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.cases.workflow import NOT_ON_CASE
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.notifications.models import Notification
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

CPR = "1203851234"  # the world's citizen


def _case(world, target):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        target,
        cast=world.cast,
        meeting=world.meeting,
    )


@pytest.fixture
def substitute(world):
    """A second coordinator of Region Syddanmark: in scope of every sent case, on none."""
    user = User.objects.create_user(username="vikar", first_name="Vera", last_name="Vikar")
    grant_role(user=user, role=Role.COORDINATOR, region=Region.objects.get(code="1083"))
    return user


def _api_for(user):
    """An API client for a user outside the demo world (the conftest ``api`` covers those)."""
    import json

    from django.test import Client

    from sundhedskoordinator.api.tokens import issue_token

    token = issue_token(user=user)
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    class _Api:
        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, headers=headers)

        def post(self, path, body=None):
            return client.post(
                f"/api/v1{path}",
                json.dumps(body or {}),
                content_type="application/json",
                headers=headers,
            )

    return _Api()


def _refused(response, status=403, code=NOT_ON_CASE):
    assert response.status_code == status, response.content
    if code:
        assert response.json()["error"]["code"] == code


# --- H1: taking a case over ------------------------------------------------------------------
def test_a_colleague_cannot_make_himself_responsible_through_patch(world, api):
    case = _case(world, Status.REQUESTED)
    jonas = world.users["jobformidler"]
    response = api("jobformidler").patch(f"/cases/{case.pk}", {"responsible": jonas.pk})
    assert response.status_code == 422
    assert response.json()["error"]["fields"].keys() == {"responsible"}
    case.refresh_from_db()
    assert case.responsible == world.users["sagsbehandler"]


def test_only_the_responsible_or_the_teams_manager_hands_the_case_on(world, api):
    case = _case(world, Status.REQUESTED)
    jonas = world.users["jobformidler"]
    _refused(api("jobformidler").post(f"/cases/{case.pk}/reassign", {"responsible": jonas.pk}))
    _refused(
        api("sekretariat").post(f"/cases/{case.pk}/reassign", {"responsible": jonas.pk}),
        code="role_not_allowed",
    )
    assert (
        api("sagsbehandler2").post(f"/cases/{case.pk}/reassign", {"responsible": 1}).status_code
        == 404
    )
    done = api("sagsbehandler").post(f"/cases/{case.pk}/reassign", {"responsible": jonas.pk})
    assert done.status_code == 200
    assert done.json()["responsible"]["id"] == jonas.pk
    assert done.json()["health_data_included"] is False  # the old responsible lost access
    told = set(
        Notification.objects.filter(kind="reassigned").values_list("user__username", flat=True)
    )
    assert told == {"sagsbehandler", "jobformidler"}
    event = case.events.get(kind="case_reassigned")
    assert event.actor == world.users["sagsbehandler"]
    # The manager of Odense hands it back.
    back = api("leder").post(
        f"/cases/{case.pk}/reassign", {"responsible": world.users["sagsbehandler"].pk}
    )
    assert back.status_code == 200
    assert api("sagsbehandler").get(f"/cases/{case.pk}").json()["health_data_included"] is True


def test_a_case_is_handed_only_to_a_caseworker_of_its_municipality(world, api):
    case = _case(world, Status.REQUESTED)
    for other in ("sagsbehandler2", "sekretariat", "koordinator"):
        response = api("sagsbehandler").post(
            f"/cases/{case.pk}/reassign", {"responsible": world.users[other].pk}
        )
        assert response.status_code == 422, other
        assert response.json()["error"]["code"] == "invalid_participant"


# --- H2: unassigned users writing health records --------------------------------------------
def test_an_unassigned_coordinator_of_the_region_cannot_correct_the_advice(world, api, substitute):
    case = _case(world, Status.ADVISED)
    vikar = _api_for(substitute)
    body = {"text": "Anden vurdering.", "correction_reason": "Rettelse"}
    _refused(vikar.post(f"/cases/{case.pk}/advice", body))
    assert case.advice_versions.count() == 1


def test_a_job_broker_who_is_not_on_the_case_cannot_decide_or_rewrite_the_description(world, api):
    advised = _case(world, Status.ADVISED)
    body = {"outcome": "unchanged", "text": "Fastholdt."}
    _refused(api("jobformidler").post(f"/cases/{advised.pk}/decision", body))
    assert not hasattr(Case.objects.get(pk=advised.pk), "decision")
    draft = _case(world, Status.DRAFT)
    response = api("jobformidler").patch(
        f"/cases/{draft.pk}", {"health_concern": {"text": "Overskrevet."}}
    )
    _refused(response)
    draft.health_concern.refresh_from_db()
    assert draft.health_concern.text != "Overskrevet."


def test_a_file_note_is_written_only_by_the_responsible_and_never_lost(world, api):
    case = _case(world, Status.HELD)
    _refused(api("jobformidler").post(f"/cases/{case.pk}/file-note", {"text": "Skjult."}))
    caseworker = api("sagsbehandler")
    first = caseworker.post(f"/cases/{case.pk}/file-note", {"text": "Aftalt: start kl. 10."})
    assert first.status_code == 200
    body = caseworker.post(f"/cases/{case.pk}/file-note", {"text": "Aftalt: start kl. 9."}).json()
    assert body["conversation"]["file_note"] == "Aftalt: start kl. 9."
    assert [h["text"] for h in body["conversation"]["file_note_history"]] == [
        "Aftalt: start kl. 10."
    ]


def test_a_substitute_takes_the_item_over_openly_and_then_acts(world, api, substitute):
    case = _case(world, Status.SENT)
    vikar = _api_for(substitute)
    assert vikar.get(f"/cases/{case.pk}").json()["health_data_included"] is False
    taken = vikar.post(f"/cases/{case.pk}/take-over")
    assert taken.status_code == 200
    assert taken.json()["agenda_item"]["coordinator"]["id"] == substitute.pk
    assert taken.json()["health_data_included"] is True
    assert Notification.objects.filter(kind="taken_over", user=world.users["koordinator"]).exists()
    assert case.events.filter(kind="item_taken_over", actor=substitute).count() == 1
    # The one planned is no longer on the case.
    assert api("koordinator").get(f"/cases/{case.pk}").json()["health_data_included"] is False
    _refused(api("sagsbehandler").post(f"/cases/{case.pk}/take-over"), code="role_not_allowed")


# --- M2 and M4: CPR and field-level health content ------------------------------------------
def test_fhir_carries_the_cpr_only_for_readers_of_health_data(world, api):
    case = _case(world, Status.SENT)

    def identifiers(username, **params):
        bundle = api(username).get(f"/cases/{case.pk}/fhir", **params).json()
        patient = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        )
        return patient.get("identifier", [])

    assert identifiers("sagsbehandler")[0]["value"] == CPR
    before = AccessLog.objects.filter(case=case, action="view").count()
    for username in ("jobformidler", "sekretariat", "leder", "klinisk"):
        assert identifiers(username) == [], username
    assert AccessLog.objects.filter(case=case, action="view").count() == before
    assert identifiers("sekretariat", purpose="meeting_preparation")[0]["value"] == CPR
    assert AccessLog.objects.filter(case=case, action="view").count() == before + 1


def test_the_decisions_reasons_and_the_companion_are_health_content(world, api):
    case = _case(world, Status.SCHEDULED)
    from sundhedskoordinator.cases.models import AgendaItem

    AgendaItem.objects.filter(case=case).update(companion_name="Hanne Hansen")
    case = walk_case_to(case, Status.DECIDED, cast=world.cast, meeting=world.meeting)
    for username in ("jobformidler", "sekretariat", "leder", "klinisk"):
        body = api(username).get(f"/cases/{case.pk}").json()
        assert body["decision"]["outcome"] == "adjust", username
        assert body["decision"]["text"] == "", username
        assert body["agenda_item"]["companion"] == "", username
        assert "Hanne Hansen" not in str(body["conversation"]), username
        docs = api(username).get(f"/cases/{case.pk}/documents").json()
        assert docs and all(d["filename"] == "" for d in docs), username
    body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert "5 kg" in body["decision"]["text"]
    assert body["agenda_item"]["companion"] == "Hanne Hansen"
    docs = api("sagsbehandler").get(f"/cases/{case.pk}/documents").json()
    assert "laegeattest.pdf" in {d["filename"] for d in docs}


# --- M5: a purpose that means something ------------------------------------------------------
@pytest.mark.parametrize("purpose", [".", "\u200b", "hvad som helst", "klage"])
def test_a_purpose_outside_the_list_is_refused(world, api, purpose):
    case = _case(world, Status.SCHEDULED)
    response = api("sekretariat").get(f"/cases/{case.pk}", purpose=purpose)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_purpose"
    assert not AccessLog.objects.filter(case=case, action="view").exists()


def test_a_closed_case_opens_only_for_a_complaint_or_supervision(world, api):
    case = _case(world, Status.WITHDRAWN)
    secretariat = api("sekretariat")
    prepare = secretariat.get(f"/cases/{case.pk}", purpose="meeting_preparation").json()
    assert prepare["health_data_included"] is False
    complaint = secretariat.get(f"/cases/{case.pk}", purpose="complaint:Klage af 20/11").json()
    assert complaint["health_data_included"] is True
    entry = AccessLog.objects.get(case=case, action="view")
    assert entry.purpose == "Behandling af klage: Klage af 20/11"


# --- M6 and L8: what exists elsewhere is not given away --------------------------------------
def test_a_cpr_known_in_another_municipality_answers_as_a_new_citizen_and_is_logged(world, api):
    copenhagen = api("sagsbehandler2")
    known = copenhagen.post("/citizens", {"cpr": CPR, "name": "Mette Sørensen"})
    unknown = copenhagen.post("/citizens", {"cpr": "0101901234", "name": "Ny Borger"})
    assert known.status_code == unknown.status_code == 201
    assert known.json().keys() == unknown.json().keys()
    assert Citizen.objects.filter(name="Mette Sørensen").count() == 2
    denied = AccessLog.objects.get(action="denied", object_type="citizen")
    assert denied.user == world.users["sagsbehandler2"]
    assert denied.object_id == str(world.citizen.pk)
    # Her own log-in sees the new record's cases too.
    assert Citizen.objects.get(pk=known.json()["id"]).user == world.users["borger"]


def test_another_municipalitys_meeting_and_team_answer_as_if_none_existed(world, api):
    case = _case(world, Status.READY)
    secretariat = api("sekretariat2")
    copenhagen_meeting = secretariat.post(
        "/meetings",
        {
            "team": world.team.pk,
            "starts_at": "2026-12-16T09:00:00+01:00",
            "ends_at": "2026-12-16T12:00:00+01:00",
        },
    )
    missing_team = secretariat.post(
        "/meetings",
        {
            "team": 999999,
            "starts_at": "2026-12-16T09:00:00+01:00",
            "ends_at": "2026-12-16T12:00:00+01:00",
        },
    )
    assert copenhagen_meeting.status_code == missing_team.status_code == 404
    from sundhedskoordinator.meetings.models import Meeting

    other = Meeting.objects.exclude(team=world.team).first() or _copenhagen_meeting(world)
    odense = api("sekretariat")
    coordinator = world.users["koordinator"].pk
    foreign = odense.post(
        f"/cases/{case.pk}/schedule", {"meeting": other.pk, "coordinator": coordinator}
    )
    missing = odense.post(
        f"/cases/{case.pk}/schedule", {"meeting": 999999, "coordinator": coordinator}
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["code"] == missing.json()["error"]["code"]


def _copenhagen_meeting(world):
    from zoneinfo import ZoneInfo

    from sundhedskoordinator.meetings import services
    from sundhedskoordinator.organisations.models import RehabTeam

    return services.create_meeting(
        actor=world.users["sekretariat2"],
        team=RehabTeam.objects.get(municipality__code="101"),
        starts_at=dt.datetime(2026, 12, 16, 9, tzinfo=ZoneInfo("Europe/Copenhagen")),
        ends_at=dt.datetime(2026, 12, 16, 12, tzinfo=ZoneInfo("Europe/Copenhagen")),
    )


# --- L1: nothing named to the coordinator before dispatch ------------------------------------
def test_the_coordinator_hears_of_a_case_only_when_it_is_sent(world, api):
    case = _case(world, Status.SCHEDULED)
    coordinator = world.users["koordinator"]
    assert not Notification.objects.filter(user=coordinator).exists()
    # "Send alle" by anyone but the team's secretariat is refused without naming a case.
    from sundhedskoordinator.cases import services
    from sundhedskoordinator.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.dispatch_meeting(actor=coordinator, meeting_id=world.meeting.pk)
    assert refused.value.status == 403
    assert case.reference not in refused.value.message
    walk_case_to(case, Status.SENT, cast=world.cast, meeting=world.meeting)
    assert list(Notification.objects.filter(user=coordinator).values_list("kind", flat=True)) == [
        "case_sent"
    ]


# --- The same rules on the pages -------------------------------------------------------------
def _browser(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="sundhedskoordinator.web.auth.PasswordBackend")
    return client


def test_the_case_page_offers_the_listed_purposes_and_opens_health_data_for_one(world):
    case = _case(world, Status.SCHEDULED)
    secretariat = _browser(world.users["sekretariat"])
    page = secretariat.get(f"/sager/{case.pk}/").content.decode()
    assert 'name="formaal"' in page and "Forberedelse af møde" in page and "Tilsyn" in page
    assert "kroniske smerter" not in page
    opened = secretariat.get(
        f"/sager/{case.pk}/", {"formaal": "meeting_preparation", "formaal_tekst": "Dagsorden"}
    )
    assert AccessLog.objects.get(case=case, action="view").purpose == (
        "Forberedelse af møde: Dagsorden"
    )
    assert "kroniske smerter" in opened.content.decode()
    assert 'name="formaal"' not in opened.content.decode()
    refused = secretariat.get(f"/sager/{case.pk}/", {"formaal": "."})
    assert refused.status_code == 302
    assert AccessLog.objects.filter(case=case, action="view").count() == 1


def _options(response):
    """The users a hand-on form offers, by id, in the order shown."""
    return [int(pk) for pk in re.findall(r'<option value="(\d+)"', response.content.decode())]


def test_the_responsible_hands_the_case_on_from_its_own_page_and_a_colleague_cannot(world):
    case = _case(world, Status.REQUESTED)
    jonas, sara = world.users["jobformidler"], world.users["sagsbehandler"]
    odense = Municipality.objects.get(code="461")
    # Two more of Odense's caseworkers: one who can take the case, one who has left.
    ida = User.objects.create_user(username="ida", first_name="Ida", last_name="Bruun")
    grant_role(user=ida, role=Role.CASEWORKER, municipality=odense)
    gone = User.objects.create_user(username="gone", first_name="Gert", last_name="Gammel")
    grant_role(user=gone, role=Role.CASEWORKER, municipality=odense)
    gone.is_active = False
    gone.save()
    form_path = f"/sager/{case.pk}/giv-videre/"
    assert "Giv sagen videre" not in _browser(jonas).get(f"/sager/{case.pk}/").content.decode()
    caseworker = _browser(sara)
    assert f'href="{form_path}"' in caseworker.get(f"/sager/{case.pk}/").content.decode()
    # The form, on its own page, offers Odense's other active caseworkers and job brokers by
    # first name: Ida and Jonas; not Sara herself, not Gert, not another municipality's Søren.
    shown = caseworker.get(form_path)
    assert shown.status_code == 200
    assert _options(shown) == [ida.pk, jonas.pk]
    html = shown.content.decode()
    assert '<option value="" selected>Vælg en kollega</option>' in html
    assert "Ansvarlig nu: Sara Holm" in html and "du mister adgangen" in html
    # The team's manager never had the health data: she is told who is told.
    managing = _browser(world.users["leder"]).get(form_path)
    assert _options(managing) == [ida.pk, jonas.pk]
    assert "du mister adgangen" not in managing.content.decode()
    assert "Den nye og den hidtidige ansvarlige får besked" in managing.content.decode()
    # A colleague who may not hand the case on is told so on the case page, with no form.
    turned = _browser(jonas).get(form_path, follow=True)
    assert turned.redirect_chain == [(f"/sager/{case.pk}/", 302)]
    assert "Du kan ikke give sagen videre" in turned.content.decode()
    # Whoever is chosen, a colleague of the municipality or not, the answer is the same: it
    # tells nothing of who the municipality's caseworkers are.
    for chosen in (ida, world.users["sagsbehandler2"], gone):
        refused = _browser(jonas).post(
            form_path, {"reassign-responsible": chosen.pk, "version": case.version}, follow=True
        )
        assert refused.redirect_chain == [(f"/sager/{case.pk}/", 302)]
        assert "Du kan ikke give sagen videre" in refused.content.decode()
        assert "ikke tilknyttet sagen" not in refused.content.decode()
    # A choice from outside the list, or a stale page, is shown again on the form's page with
    # the error; the choices are still Odense's, and nothing changes.
    other = world.users["sagsbehandler2"]
    outside = caseworker.post(
        form_path, {"reassign-responsible": other.pk, "version": case.version}
    )
    assert outside.status_code == 200 and _options(outside) == [ida.pk, jonas.pk]
    assert "Der er fejl i formularen" in outside.content.decode()
    assert other.last_name not in outside.content.decode()
    for version in ({"version": 0}, {"version": "abc"}, {}):
        # A stale page, or one whose version cannot be read, is refused as out of date.
        stale = caseworker.post(form_path, {"reassign-responsible": jonas.pk, **version})
        assert stale.status_code == 200, version
        assert "Sagen er ændret af en anden" in stale.content.decode(), version
    assert Case.objects.get(pk=case.pk).responsible == sara
    done = caseworker.post(
        form_path,
        {"reassign-responsible": jonas.pk, "version": Case.objects.get(pk=case.pk).version},
    )
    assert done.status_code == 302 and done["Location"] == f"/sager/{case.pk}/"
    assert Case.objects.get(pk=case.pk).responsible == jonas


def test_a_case_with_no_colleague_to_take_it_says_so_and_leads_back(world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    jonas = world.users["jobformidler"]
    jonas.is_active = False
    jonas.save()
    page = _browser(world.users["sagsbehandler"]).get(f"/sager/{case.pk}/giv-videre/")
    html = page.content.decode()
    assert page.status_code == 200 and _options(page) == []
    assert "ingen anden aktiv sagsbehandler eller jobformidler" in html
    assert f'href="/sager/{case.pk}/"' in html and "<form" not in html.split("<main")[-1]


def test_the_job_broker_who_attends_acts_on_the_case_but_does_not_hand_it_on(world, api):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    jonas = world.users["jobformidler"]
    scheduled = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "attendee": jonas.pk,
        },
    )
    assert scheduled.status_code == 200, scheduled.content
    # On the case as the one attending: reads its health data ...
    assert api("jobformidler").get(f"/cases/{case.pk}").json()["health_data_included"] is True
    # ... but only the responsible (or the manager) hands it on.
    _refused(api("jobformidler").post(f"/cases/{case.pk}/reassign", {"responsible": jonas.pk}))
    assert Case.objects.get(pk=case.pk).responsible == world.users["sagsbehandler"]
