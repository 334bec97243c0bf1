"""The guidance duty on the case (BEK 2409/2021 § 2): while the citizen has no written guidance
about the right, the case says so to the staff on it, and the caseworker records the guidance
and makes the letter there, through the same service as the citizen's page."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Guidance
from sundhedskoordinator.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db

WARNING = "Borgeren mangler skriftlig vejledning"


@pytest.fixture
def unguided(world):
    citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0102031234",
        name="Ole Olsen",
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    return new_case(citizen=citizen, caseworker=world.users["sagsbehandler"])


def _page(client, user, case):
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def _post(client, user, case, channel):
    client.force_login(user)
    return client.post(
        reverse("cases:guidance", args=[case.pk]),
        {"guidance-given_on": "2026-11-23", "guidance-channel": channel},
    )


def test_written_guidance_recorded_on_the_case_makes_the_letter_and_lifts_the_warning(
    client, world, unguided
):
    caseworker = world.users["sagsbehandler"]
    page = _page(client, caseworker, unguided)
    assert WARNING in page and reverse("cases:guidance", args=[unguided.pk]) in page
    response = _post(client, caseworker, unguided, "letter")
    assert response.status_code == 302
    guidance = Guidance.objects.get(citizen=unguided.citizen)
    assert (guidance.channel, guidance.given_on, guidance.given_by) == (
        "letter",
        dt.date(2026, 11, 23),
        caseworker,
    )
    assert IssuedDocument.objects.filter(guidance=guidance, kind="guidance_letter").count() == 1
    assert WARNING not in _page(client, caseworker, unguided)


def test_oral_guidance_is_recorded_but_the_warning_stays(client, world, unguided):
    caseworker = world.users["sagsbehandler"]
    _post(client, caseworker, unguided, "meeting")
    assert Guidance.objects.filter(citizen=unguided.citizen, channel="meeting").exists()
    assert not IssuedDocument.objects.filter(guidance__citizen=unguided.citizen).exists()
    assert WARNING in _page(client, caseworker, unguided)


def test_only_those_who_register_citizens_get_the_form_and_others_change_nothing(
    client, world, unguided
):
    secretariat = world.users["sekretariat"]
    page = _page(client, secretariat, unguided)
    assert WARNING in page
    assert reverse("cases:guidance", args=[unguided.pk]) not in page
    response = _post(client, secretariat, unguided, "letter")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Kun sagens sagsbehandler kan registrere vejledning her." in page
    assert not Guidance.objects.filter(citizen=unguided.citizen).exists()
    # Outside the municipality the case does not exist.
    assert _post(client, world.users["sagsbehandler2"], unguided, "letter").status_code == 404


def test_the_citizen_with_guidance_raises_no_warning(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    assert WARNING not in _page(client, world.users["sagsbehandler"], case)


def test_a_guidance_form_with_errors_is_shown_again_at_its_fields(client, world, unguided):
    client.force_login(world.users["sagsbehandler"])
    response = client.post(
        reverse("cases:guidance", args=[unguided.pk]),
        {"guidance-given_on": "", "guidance-channel": "letter"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_guidance-given_on_error"' in page
    assert not Guidance.objects.filter(citizen=unguided.citizen).exists()
