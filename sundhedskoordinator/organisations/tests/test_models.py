import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import RoleMembership
from sundhedskoordinator.organisations.services import grant_role

from .factories import MembershipFactory, MunicipalityFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.CASEWORKER, "region"),
        (Role.SECRETARIAT, "none"),
        (Role.COORDINATOR, "municipality"),
        (Role.CLINICAL_ADMIN, "none"),
        (Role.CITIZEN, "municipality"),
        (Role.ADMIN, "region"),
        (Role.MANAGER, "none"),
    ],
)
def test_database_refuses_role_held_in_the_wrong_kind_of_organisation(role, scope):
    municipality = MunicipalityFactory()
    organisation = {
        "municipality": {"municipality": municipality},
        "region": {"region": municipality.region},
        "none": {},
    }[scope]
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role=role, **organisation)
    assert not RoleMembership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.CASEWORKER, "municipality"),
        (Role.JOB_BROKER, "municipality"),
        (Role.SECRETARIAT, "municipality"),
        (Role.COORDINATOR, "region"),
        (Role.CLINICAL_ADMIN, "region"),
        (Role.MANAGER, "municipality"),
        (Role.MANAGER, "region"),
        (Role.CITIZEN, "none"),
        (Role.ADMIN, "none"),
    ],
)
def test_database_keeps_a_role_held_in_the_right_kind_of_organisation(role, scope):
    municipality = MunicipalityFactory()
    organisation = {
        "municipality": {"municipality": municipality},
        "region": {"region": municipality.region},
        "none": {},
    }[scope]
    user = UserFactory()
    RoleMembership.objects.create(user=user, role=role, **organisation)
    assert list(user.memberships.values_list("role", "municipality_id", "region_id")) == [
        (
            role,
            municipality.pk if scope == "municipality" else None,
            municipality.region_id if scope == "region" else None,
        )
    ]


def test_grant_role_explains_a_wrong_organisation_in_danish():
    with pytest.raises(ValidationError) as excinfo:
        grant_role(user=UserFactory(), role=Role.COORDINATOR, municipality=MunicipalityFactory())
    assert "regionale roller til en region" in str(excinfo.value)
    assert not RoleMembership.objects.exists()


def test_manager_may_lead_a_municipality_or_a_region():
    user = UserFactory()
    municipality = MunicipalityFactory()
    grant_role(user=user, role=Role.MANAGER, municipality=municipality)
    grant_role(user=user, role=Role.MANAGER, region=municipality.region)
    assert set(user.memberships.values_list("role", "municipality_id", "region_id")) == {
        (Role.MANAGER, municipality.pk, None),
        (Role.MANAGER, None, municipality.region_id),
    }


def test_a_user_may_hold_several_roles_each_in_one_organisation():
    membership = MembershipFactory()
    grant_role(user=membership.user, role=Role.SECRETARIAT, municipality=membership.municipality)
    grant_role(user=membership.user, role=Role.CITIZEN)
    assert sorted(membership.user.memberships.values_list("role", flat=True)) == [
        Role.CASEWORKER,
        Role.CITIZEN,
        Role.SECRETARIAT,
    ]


def test_granting_a_role_twice_keeps_one_membership():
    user = UserFactory()
    region = RegionFactory()
    first = grant_role(user=user, role=Role.COORDINATOR, region=region)
    second = grant_role(user=user, role=Role.COORDINATOR, region=region)
    assert first == second
    assert user.memberships.count() == 1


def test_database_refuses_a_duplicate_unscoped_role():
    user = UserFactory()
    RoleMembership.objects.create(user=user, role=Role.CITIZEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role=Role.CITIZEN)


def test_factory_traits_give_valid_memberships():
    plain = MembershipFactory()
    coordinator = MembershipFactory(coordinator=True)
    citizen = MembershipFactory(citizen=True)
    for membership in (plain, coordinator, citizen):
        membership.full_clean()  # raises if the organisation does not fit the role
    assert (plain.role, plain.region_id) == (Role.CASEWORKER, None)
    assert plain.municipality_id is not None
    assert (coordinator.role, coordinator.municipality_id) == (Role.COORDINATOR, None)
    assert coordinator.region_id is not None
    assert (citizen.role, citizen.municipality_id, citizen.region_id) == (Role.CITIZEN, None, None)
