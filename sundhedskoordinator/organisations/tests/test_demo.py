"""The demo organisations and users. Loading the whole demo world builds cases relative to
today, so these tests live on the frozen day two weeks before Christmas."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.demo import USERS, load_demo_organisations
from sundhedskoordinator.organisations.models import (
    Municipality,
    Region,
    RehabTeam,
    RoleMembership,
    User,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_christmas")]


def _counts():
    return [m.objects.count() for m in (Region, Municipality, RehabTeam, User, RoleMembership)]


def test_demo_world_has_every_role_in_its_organisation(demo_users):
    assert _counts() == [2, 3, 3, len(USERS), len(USERS)]
    held = {m.user.username: m for m in RoleMembership.objects.select_related("user")}
    assert held["sagsbehandler"].role == Role.CASEWORKER
    assert held["sagsbehandler"].municipality.name == "Odense Kommune"
    assert held["sagsbehandler2"].municipality.name == "Københavns Kommune"
    assert held["koordinator"].region.name == "Region Syddanmark"
    assert held["koordinator2"].region.name == "Region Hovedstaden"
    assert held["borger"].organisation is None
    assert {m.role for m in held.values()} == set(Role)
    assert demo_users["admin"].is_superuser


def test_loading_the_demo_world_again_duplicates_nothing(demo_users):
    before = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before


def test_every_demo_user_has_the_demo_password_hashed_with_argon2(demo_users):
    for user in User.objects.all():
        assert user.password.startswith("argon2$")
        assert user.check_password("demo")


def test_demo_world_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        load_demo_organisations()
    assert _counts() == [0, 0, 0, 0, 0]
