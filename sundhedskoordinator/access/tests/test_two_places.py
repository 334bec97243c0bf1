"""Users with roles in two places, through every caller of the access policy.

DESIGN section 2: a user may hold several roles, each scoped to one organisation, and "a role
held in one organisation never counts in another". Two such users, made here:

- **Mads**: koordinerende sagsbehandler in Odense, sekretariat in København and
  sundhedskoordinator in Region Hovedstaden (København's region, not Odense's).
- **Frida**: leder in Svendborg, sekretariat in Odense and Klinisk Funktion in Region
  Hovedstaden.

Each of their roles must work where it is held and nowhere else: on pages and in the API (case
scope, actions, health data), in the services' own checks (meetings, citizens, participants,
rates and settlements), in the figures and in the meeting and citizen lists. Expected values come
from DESIGN section 2, not from the policy module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import ApiClient, World, local
from sundhedskoordinator.access import policy
from sundhedskoordinator.billing.services import NOT_ALLOWED, approve_settlement, set_rate
from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.cases.workflow import INVALID_PARTICIPANT, ROLE_NOT_ALLOWED
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2026, 12, 15)
PURPOSE = "meeting_preparation: dagsordenen"


@dataclass
class Places:
    world: World
    mads: User
    frida: User
    odense: Municipality
    copenhagen: Municipality
    svendborg: Municipality
    syddanmark: Region
    hovedstaden: Region
    copenhagen_meeting: Meeting
    svendborg_meeting: Meeting
    copenhagen_citizen: Citizen
    svendborg_citizen: Citizen
    #: Odense, Mads responsible, ready.
    own_case: Case
    #: Odense, Sara (sagsbehandler) responsible, ready.
    colleagues_case: Case
    #: København, Søren (sagsbehandler2) responsible, ready.
    copenhagen_case: Case
    #: Svendborg, a draft.
    svendborg_case: Case


def _user(username: str, grants: list[tuple[Role, Municipality | None, Region | None]]) -> User:
    user = User.objects.create_user(username=username, password="en-lang-adgangskode-2026")
    for role, municipality, region in grants:
        grant_role(user=user, role=role, municipality=municipality, region=region)
    return user


def _team(municipality: Municipality) -> RehabTeam:
    return RehabTeam.objects.get(municipality=municipality)


@pytest.fixture
def places(world: World, settings: Any) -> Places:
    settings.API_TOKEN_HOURS = 24 * 60
    odense = Municipality.objects.get(code="461")
    copenhagen = Municipality.objects.get(code="101")
    svendborg = Municipality.objects.get(code="479")
    syddanmark, hovedstaden = Region.objects.get(code="1083"), Region.objects.get(code="1084")
    mads = _user(
        "mads",
        [
            (Role.CASEWORKER, odense, None),
            (Role.SECRETARIAT, copenhagen, None),
            (Role.COORDINATOR, None, hovedstaden),
        ],
    )
    frida = _user(
        "frida",
        [
            (Role.MANAGER, svendborg, None),
            (Role.SECRETARIAT, odense, None),
            (Role.CLINICAL_ADMIN, None, hovedstaden),
        ],
    )
    svendborg_caseworker = _user("svendborg", [(Role.CASEWORKER, svendborg, None)])
    users = world.users
    copenhagen_meeting = meeting_services.create_meeting(
        actor=users["sekretariat2"],
        team=_team(copenhagen),
        starts_at=local(MEETING_DAY, 9),
        ends_at=local(MEETING_DAY, 12),
    )
    svendborg_meeting = meeting_services.plan_meeting(
        team=_team(svendborg), starts_at=local(MEETING_DAY, 9), ends_at=local(MEETING_DAY, 12)
    )
    copenhagen_citizen = citizen_services.create_citizen(
        actor=users["sagsbehandler2"],
        cpr="0202921234",
        name="Ole Hansen",
        municipality=copenhagen,
        course_start=dt.date(2026, 1, 1),
    )
    svendborg_citizen = citizen_services.create_citizen(
        actor=svendborg_caseworker,
        cpr="0101901234",
        name="Vibeke Lauridsen",
        municipality=svendborg,
        course_start=dt.date(2026, 1, 1),
    )
    odense_cast = Cast(mads, users["sekretariat"], users["koordinator"])
    own_case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=mads), Status.READY, cast=odense_cast
    )
    colleagues_case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    copenhagen_cast = Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"])
    copenhagen_case = walk_case_to(
        new_case(citizen=copenhagen_citizen, caseworker=users["sagsbehandler2"]),
        Status.READY,
        cast=copenhagen_cast,
    )
    svendborg_case = new_case(citizen=svendborg_citizen, caseworker=svendborg_caseworker)
    return Places(
        world,
        mads,
        frida,
        odense,
        copenhagen,
        svendborg,
        syddanmark,
        hovedstaden,
        copenhagen_meeting,
        svendborg_meeting,
        copenhagen_citizen,
        svendborg_citizen,
        own_case,
        colleagues_case,
        copenhagen_case,
        svendborg_case,
    )


def _refusal(call: Any) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value


def _schedule(places: Places, actor: User, case: Case, **kwargs: Any) -> Case:
    copenhagen = case.municipality_id == places.copenhagen.pk
    users = places.world.users
    meeting = places.copenhagen_meeting if copenhagen else places.world.meeting
    coordinator = users["koordinator2"] if copenhagen else users["koordinator"]
    return case_services.schedule_case(
        actor=actor,
        case_id=case.pk,
        meeting_id=meeting.pk,
        coordinator_id=kwargs.pop("coordinator_id", coordinator.pk),
        **kwargs,
    )


def _status(case: Case) -> str:
    case.refresh_from_db()
    return case.status


# --- holds_role: meetings, citizens, participants ---------------------------------------------
def test_a_secretariat_role_plans_meetings_only_for_its_own_municipalitys_team(
    places: Places,
) -> None:
    def plan(actor: User, municipality: Municipality) -> Meeting:
        return meeting_services.create_meeting(
            actor=actor,
            team=_team(municipality),
            starts_at=local(dt.date(2026, 12, 17), 9),
            ends_at=local(dt.date(2026, 12, 17), 12),
        )

    assert plan(places.mads, places.copenhagen).team.municipality == places.copenhagen
    assert plan(places.frida, places.odense).team.municipality == places.odense
    # Mads is only a caseworker in Odense; Frida only leads Svendborg.
    assert _refusal(lambda: plan(places.mads, places.odense)).status == 403
    assert _refusal(lambda: plan(places.frida, places.svendborg)).status == 403
    assert not Meeting.objects.filter(starts_at__date=dt.date(2026, 12, 17)).exclude(
        team__municipality__in=[places.copenhagen, places.odense]
    )


def test_a_caseworker_role_registers_citizens_only_in_its_own_municipality(
    places: Places, api: Any
) -> None:
    def register(actor: User, municipality: Municipality) -> Citizen:
        return citizen_services.create_citizen(
            actor=actor, cpr="1203851234", name="Ny Borger", municipality=municipality
        )

    assert _refusal(lambda: register(places.mads, places.copenhagen)).status == 403
    assert _refusal(lambda: register(places.frida, places.odense)).status == 403
    answer = ApiClient(places.mads).post(
        "/citizens",
        {"cpr": "1203851234", "name": "Ny Borger", "municipality": places.copenhagen.pk},
    )
    assert answer.status_code == 403
    assert not Citizen.objects.filter(name="Ny Borger").exists()


def test_a_coordinator_of_another_region_cannot_be_put_on_the_item(places: Places) -> None:
    refused = _refusal(
        lambda: _schedule(
            places,
            places.world.users["sekretariat"],
            places.colleagues_case,
            coordinator_id=places.mads.pk,  # coordinator in Hovedstaden; Odense is Syddanmark's
        )
    )
    assert refused.code == INVALID_PARTICIPANT
    assert set(refused.fields) == {"coordinator"}
    assert _status(places.colleagues_case) == Status.READY


def test_a_caseworker_of_another_municipality_cannot_attend(places: Places) -> None:
    refused = _refusal(
        lambda: _schedule(
            places,
            places.world.users["sekretariat2"],
            places.copenhagen_case,
            attendee_id=places.mads.pk,  # a caseworker, but Odense's; in København a secretary
        )
    )
    assert refused.code == INVALID_PARTICIPANT
    assert set(refused.fields) == {"attendee"}
    assert _status(places.copenhagen_case) == Status.READY


# --- roles_in_case and action_roles: acting on a case -----------------------------------------
def test_his_copenhagen_secretariat_role_does_not_let_him_schedule_his_own_odense_case(
    places: Places,
) -> None:
    refused = _refusal(lambda: _schedule(places, places.mads, places.own_case))
    assert (refused.code, refused.status) == (ROLE_NOT_ALLOWED, 403)
    answer = ApiClient(places.mads).post(
        f"/cases/{places.own_case.pk}/schedule",
        {"meeting": places.world.meeting.pk, "coordinator": places.world.users["koordinator"].pk},
    )
    assert answer.status_code == 403
    assert _status(places.own_case) == Status.READY


def test_his_odense_caseworker_role_does_not_let_him_withdraw_a_copenhagen_case(
    places: Places,
) -> None:
    refused = _refusal(
        lambda: case_services.withdraw_case(
            actor=places.mads, case_id=places.copenhagen_case.pk, reason="x"
        )
    )
    assert (refused.code, refused.status) == (ROLE_NOT_ALLOWED, 403)
    assert _status(places.copenhagen_case) == Status.READY


def test_each_role_acts_where_it_is_held(places: Places) -> None:
    scheduled = _schedule(places, places.mads, places.copenhagen_case)  # as København's secretary
    assert scheduled.status == Status.SCHEDULED
    withdrawn = case_services.withdraw_case(
        actor=places.mads, case_id=places.own_case.pk, reason="Borgeren trækker anmodningen."
    )  # as the Odense case's responsible caseworker
    assert withdrawn.status == Status.WITHDRAWN


def test_the_actions_offered_follow_the_role_held_in_the_cases_municipality(
    places: Places,
) -> None:
    client = ApiClient(places.mads)
    own = client.get(f"/cases/{places.own_case.pk}").json()["actions"]
    copenhagen = client.get(f"/cases/{places.copenhagen_case.pk}").json()["actions"]
    assert "withdraw" in own and "schedule" not in own
    assert "schedule" in copenhagen and "withdraw" not in copenhagen
    roles = policy.action_roles(places.mads, places.own_case)
    assert (roles.scoped, roles.on_case) == ([Role.CASEWORKER], [Role.CASEWORKER])
    roles = policy.action_roles(places.mads, places.copenhagen_case)
    assert (roles.scoped, roles.on_case) == ([Role.SECRETARIAT], [Role.SECRETARIAT])


def test_a_coordinator_takes_over_items_only_in_the_region_where_he_is_one(
    places: Places,
) -> None:
    users = places.world.users
    odense_cast = Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"])
    sent_in_odense = walk_case_to(
        places.colleagues_case, Status.SENT, cast=odense_cast, meeting=places.world.meeting
    )
    copenhagen_cast = Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"])
    sent_in_copenhagen = walk_case_to(
        places.copenhagen_case,
        Status.SENT,
        cast=copenhagen_cast,
        meeting=places.copenhagen_meeting,
    )
    client = ApiClient(places.mads)
    assert client.post(f"/cases/{sent_in_odense.pk}/take-over").status_code in (403, 404)
    assert sent_in_odense.agenda_items.get().coordinator == users["koordinator"]
    refused = _refusal(
        lambda: case_services.hold_conversation(
            actor=places.mads,
            case_id=sent_in_odense.pk,
            started_at=local(MEETING_DAY, 9),
            ended_at=local(MEETING_DAY, 9, 30),
        )
    )
    assert (refused.code, refused.status) == (ROLE_NOT_ALLOWED, 403)

    taken = client.post(f"/cases/{sent_in_copenhagen.pk}/take-over")
    assert taken.status_code == 200, taken.json()
    assert sent_in_copenhagen.agenda_items.get().coordinator == places.mads
    # Now on the case as its coordinator, he reads its health data without a purpose.
    assert client.get(f"/cases/{sent_in_copenhagen.pk}").json()["health_data_included"] is True


# --- may_read_health ---------------------------------------------------------------------------
def test_health_data_follow_the_role_he_holds_on_each_case(places: Places) -> None:
    client = ApiClient(places.mads)

    def health(case: Case, purpose: str = "") -> bool:
        answer = client.get(f"/cases/{case.pk}", purpose=purpose) if purpose else None
        answer = answer or client.get(f"/cases/{case.pk}")
        assert answer.status_code == 200
        return bool(answer.json()["health_data_included"])

    assert health(places.own_case) is True  # his own case, as its caseworker
    # An Odense colleague's case: in scope as a caseworker, but not on it, and his secretariat
    # role is København's, so no purpose opens it.
    assert health(places.colleagues_case) is False
    assert health(places.colleagues_case, PURPOSE) is False
    # A København case: as its team's secretary, only for a listed purpose.
    assert health(places.copenhagen_case) is False
    assert health(places.copenhagen_case, PURPOSE) is True


def test_may_read_health_asked_directly(places: Places) -> None:
    mads = places.mads
    for case, purpose, expected in [
        (places.own_case, "", Role.CASEWORKER),
        (places.colleagues_case, PURPOSE, None),
        (places.copenhagen_case, "", None),
        (places.copenhagen_case, PURPOSE, Role.SECRETARIAT),
    ]:
        roles = policy.roles_in_case(mads, case)
        assert policy.may_read_health(mads, case, roles, purpose=purpose) == expected, case


# --- Case scope --------------------------------------------------------------------------------
def _listed(user: User) -> set[int]:
    return {c["id"] for c in ApiClient(user).get("/cases", page_size=100).json()["items"]}


def test_each_of_their_roles_shows_the_cases_of_its_own_place(places: Places) -> None:
    odense = {places.own_case.pk, places.colleagues_case.pk}
    # Mads: Odense (caseworker) and København (secretary); his region's cases are København's.
    assert _listed(places.mads) == odense | {places.copenhagen_case.pk}
    # Frida: Odense (secretary) and Svendborg (its leader); Klinisk Funktion sees København's
    # cases only from their dispatch.
    assert _listed(places.frida) == odense | {places.svendborg_case.pk}
    client = ApiClient(places.frida)
    assert client.get(f"/cases/{places.copenhagen_case.pk}").status_code == 404
    assert ApiClient(places.mads).get(f"/cases/{places.svendborg_case.pk}").status_code == 404
    users = places.world.users
    walk_case_to(
        places.copenhagen_case,
        Status.SENT,
        cast=Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"]),
        meeting=places.copenhagen_meeting,
    )
    assert places.copenhagen_case.pk in _listed(places.frida)


# --- Figures and billing: figure_municipalities, billing_regions, may_manage_billing ---------
def test_figures_are_read_where_she_leads_or_keeps_the_accounts(places: Places) -> None:
    frida = places.frida
    assert {m.code for m in policy.figure_municipalities(frida)} == {"479", "101"}
    assert {r.code for r in policy.figure_regions(frida)} == {"1084"}
    assert {r.code for r in policy.billing_regions(frida)} == {"1084"}
    assert policy.may_manage_billing(frida, places.hovedstaden.pk) is True
    assert policy.may_manage_billing(frida, places.syddanmark.pk) is False
    assert not policy.figure_municipalities(places.mads).exists()
    assert not policy.billing_regions(places.mads).exists()

    client = ApiClient(frida)
    period = {"from": "2026-10-01", "to": "2026-10-31"}

    def settlement(municipality: Municipality) -> int:
        answer = client.get("/settlements", municipality=municipality.pk, **period)
        return int(answer.status_code)

    assert settlement(places.svendborg) == 200  # as its leader
    assert settlement(places.copenhagen) == 200  # as Klinisk Funktion of its region
    assert settlement(places.odense) == 404  # a secretary there reads no figures
    assert (
        ApiClient(places.mads)
        .get("/settlements", municipality=places.copenhagen.pk, **period)
        .status_code
        == 404
    )


def test_she_keeps_rates_and_settlements_only_in_her_own_region(places: Places) -> None:
    from decimal import Decimal

    frida = places.frida

    def rate(region: Region) -> Any:
        return set_rate(
            actor=frida,
            region_id=region.pk,
            amount=Decimal("2000.00"),
            valid_from=dt.date(2027, 1, 1),
            bills_cancelled_after_dispatch=False,
        )

    assert rate(places.hovedstaden).region == places.hovedstaden
    # Syddanmark's rates are outside her figures (her Svendborg role is a municipality's
    # manager): as if the region did not exist (DESIGN section 2, 404).
    assert (_refusal(lambda: rate(places.syddanmark)).code) == "not_found"

    def approve(municipality: Municipality) -> Any:
        return approve_settlement(
            actor=frida,
            municipality_id=municipality.pk,
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 10, 31),
        )

    assert approve(places.copenhagen).municipality == places.copenhagen
    # Svendborg's settlement she reads as its manager but may not approve (403); Odense's is
    # outside her figures altogether (404).
    refused = _refusal(lambda: approve(places.svendborg))
    assert (refused.code, refused.status) == (NOT_ALLOWED, 403)
    refused = _refusal(lambda: approve(places.odense))
    assert (refused.code, refused.status) == ("not_found", 404)


# --- Meetings and citizens lists ---------------------------------------------------------------
def _meeting_municipalities(user: User) -> set[str]:
    items = ApiClient(user).get("/meetings", page_size=100).json()["items"]
    return {Meeting.objects.get(pk=m["id"]).team.municipality.code for m in items}


def test_meetings_are_listed_for_the_teams_of_each_place(places: Places) -> None:
    assert _meeting_municipalities(places.mads) == {"461", "101"}
    assert _meeting_municipalities(places.frida) == {"461", "479", "101"}
    client = ApiClient(places.mads)
    assert client.get(f"/meetings/{places.svendborg_meeting.pk}").status_code == 404
    assert client.get(f"/meetings/{places.copenhagen_meeting.pk}").status_code == 200


def test_citizens_are_listed_where_a_municipal_role_is_held(places: Places) -> None:
    def names(user: User, **params: Any) -> set[str]:
        answer = ApiClient(user).get("/citizens", page_size=100, **params)
        return {c["name"] for c in answer.json()["items"]}

    assert names(places.mads) == {"Mette Sørensen", "Ole Hansen"}
    # Frida's municipal role is Odense's secretariat; leading Svendborg and keeping Region
    # Hovedstaden's accounts list no citizens.
    assert names(places.frida) == {"Mette Sørensen"}
    # Without written guidance: Ole and Vibeke; Vibeke is Svendborg's, where Mads has no role.
    assert names(places.mads, without_guidance="true") == {"Ole Hansen"}
    client = ApiClient(places.mads)
    assert client.get(f"/citizens/{places.svendborg_citizen.pk}").status_code == 404
