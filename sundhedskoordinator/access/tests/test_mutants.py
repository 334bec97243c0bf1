"""Policy rules found missing by mutation testing (docs/dev/testing.md).

DESIGN section 2: a region's manager reads figures but never hands a municipality's case on;
only the manager of the case's own municipality does. A role held in one organisation never
counts in another, so a user who is a region's manager *and* a caseworker in one of its
municipalities still acts on that municipality's cases as a caseworker only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sundhedskoordinator.access import policy
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

SENT_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _sent_case(municipality: Municipality) -> Case:
    """A case of ``municipality`` already sent to the coordinator, with no agenda item and no
    one responsible: who reaches it follows from the roles alone."""
    case = Case(municipality=municipality, first_sent_at=SENT_AT)
    case.active_items = []  # type: ignore[attr-defined]
    return case


def _user(name: str, grants: list[tuple[Role, Municipality | None, bool]]) -> User:
    user = User.objects.create_user(username=name, password="en-lang-adgangskode-2026")
    for role, municipality, regional in grants:
        region = municipality.region if regional and municipality else None
        grant_role(
            user=user, role=role, municipality=None if regional else municipality, region=region
        )
    return user


def test_a_regions_manager_who_is_also_a_caseworker_there_is_no_manager_of_its_cases(
    demo_users: dict[str, User],
) -> None:
    odense = Municipality.objects.get(code="461")
    user = _user("regionsleder", [(Role.MANAGER, odense, True), (Role.CASEWORKER, odense, False)])
    case = _sent_case(odense)

    assert sorted(policy.roles_in_case(user, case)) == sorted([Role.MANAGER, Role.CASEWORKER])
    assert policy.action_roles(user, case).scoped == [Role.CASEWORKER]
    assert not policy.manages_case_team(user, case)


def test_the_manager_of_the_cases_municipality_manages_it_and_no_other(
    demo_users: dict[str, User],
) -> None:
    odense = Municipality.objects.get(code="461")
    svendborg = Municipality.objects.get(code="479")
    user = _user("leder-odense", [(Role.MANAGER, odense, False)])

    assert policy.manages_case_team(user, _sent_case(odense))
    assert policy.action_roles(user, _sent_case(odense)).scoped == [Role.MANAGER]
    assert not policy.manages_case_team(user, _sent_case(svendborg))
    assert policy.action_roles(user, _sent_case(svendborg)).scoped == []


def test_the_case_scope_reads_the_users_grants_when_none_are_given(world: Any) -> None:
    """Asked without grants, the scope reads the user's own: the same cases as with them (the
    caseworker of Odense sees the world's case, the caseworker of Copenhagen does not)."""
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    for name, sees in (("sagsbehandler", True), ("sagsbehandler2", False)):
        user = world.users[name]
        without = policy.in_case_scope(Case.objects.all(), user)
        given = policy.in_case_scope(Case.objects.all(), user, policy.grants_for(user))
        assert list(without) == list(given) == ([case] if sees else [])


def test_a_caseworker_who_is_also_a_citizen_sees_both_kinds_of_case(world: Any) -> None:
    """Each role adds to what the user sees: the citizen role adds her own cases to the
    municipality's, never replaces them."""
    mine = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    odense = world.team.municipality
    both = _user("ansat-og-borger", [(Role.CASEWORKER, odense, False)])
    grant_role(user=both, role=Role.CITIZEN)
    world.citizen.user = both
    world.citizen.save()
    other_citizen_case = new_case(
        citizen=citizen_services.create_citizen(
            actor=world.users["sagsbehandler"],
            cpr="0101901234",
            name="Anden Borger",
            municipality=odense,
            course_start=dt.date(2026, 3, 1),
        ),
        caseworker=world.users["sagsbehandler"],
    )
    seen = set(policy.in_case_scope(Case.objects.all(), both))
    assert seen == {mine, other_citizen_case}
    only_citizen = _user("kun-borger", [])
    grant_role(user=only_citizen, role=Role.CITIZEN)
    world.citizen.user = only_citizen
    world.citizen.save()
    assert set(policy.in_case_scope(Case.objects.all(), only_citizen)) == {mine}


def test_only_the_citizen_role_makes_a_case_the_users_own(world: Any) -> None:
    """An account tied to the citizen reaches her case as the citizen only through the citizen
    role: an administrator's account, were it ever tied to a citizen, gets no role on the case."""
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    administrator = world.users["admin"]
    world.citizen.user = administrator
    world.citizen.save()
    case.refresh_from_db()
    assert policy.roles_in_case(administrator, case) == []
