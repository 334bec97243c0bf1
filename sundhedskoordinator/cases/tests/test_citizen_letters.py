"""The citizen downloads her letters from her case (the guidance, the advice, the decision) and
takes her conversation into her calendar; nobody else's letters or meetings."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _decided(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.DECIDED,
        cast=world.cast,
        meeting=world.meeting,
    )


def test_the_citizen_finds_and_downloads_her_advice_and_decision_letter(client, world):
    case = _decided(world)
    client.force_login(world.users["borger"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Dine breve" in page
    letters = {d.kind: d for d in case.documents.filter(kind__in=["advice", "decision_letter"])}
    for document in letters.values():
        href = reverse("cases:download", args=[document.pk])
        assert href in page
        response = client.get(href)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    package = case.documents.get(kind="case_package")
    assert reverse("cases:download", args=[package.pk]) not in page  # internal, not her letter


def test_her_guidance_letter_is_there_when_it_was_written(client, world):
    from sundhedskoordinator.citizens import services as citizen_services

    citizen_services.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        given_on=world.citizen.guidance.first().given_on,
        channel="letter",
    )
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["borger"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    letter = world.citizen.guidance.get(channel="letter").letter
    assert reverse("documents:issued", args=[letter.pk]) in page


def test_the_conversation_goes_into_her_calendar_and_no_one_elses(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    url = reverse("cases:invitation", args=[case.pk])
    client.force_login(world.users["borger"])
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert case.reference in str(event["SUMMARY"])
    client.force_login(world.users["borger2"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["sagsbehandler2"])
    assert client.get(url).status_code == 404
