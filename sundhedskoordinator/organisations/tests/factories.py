"""Factories for organisations and users, with a trait per role."""

from __future__ import annotations

import factory

from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import (
    Municipality,
    Region,
    RehabTeam,
    RoleMembership,
    User,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"Region {n}")
    clinical_function_name = factory.LazyAttribute(lambda o: f"Klinisk Funktion, {o.name}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{900 + n % 100:03d}")
    name = factory.Sequence(lambda n: f"Testkommune {n}")
    region = factory.SubFactory(RegionFactory)


class RehabTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RehabTeam

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"Rehabiliteringsteamet i {o.municipality.name}")
    location = "Jobcentret, mødelokale 1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("en-lang-test-adgangskode")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleMembership

    user = factory.SubFactory(UserFactory)
    role = Role.CASEWORKER
    municipality = factory.SubFactory(MunicipalityFactory)
    region = None

    class Params:
        coordinator = factory.Trait(
            role=Role.COORDINATOR, municipality=None, region=factory.SubFactory(RegionFactory)
        )
        citizen = factory.Trait(role=Role.CITIZEN, municipality=None, region=None)
