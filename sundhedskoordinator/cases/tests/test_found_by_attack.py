"""What an independent attack on the new features found, each held by a test: a NUL in a kept
search, a partial offer in an API decision, the companion's length at scheduling, a forged
preview fingerprint, guidance recorded from a case by someone not on it, and a refusal logged
twice."""

import datetime as dt
import hashlib
import json

import pytest
from django.urls import reverse

from sundhedskoordinator.access.models import AccessAction, AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case, Decision
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Guidance
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _case(world, status, offer=None):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], offer=offer)
    return walk_case_to(case, status, cast=world.cast, meeting=world.meeting)


def test_a_nul_in_a_search_is_never_kept(client, world):
    client.force_login(world.users["sagsbehandler"])
    client.post(reverse("cases:list"), {"q": "Mette\x00"})
    assert client.session["case_search"]["text"] == "Mette"
    assert client.get(reverse("cases:list")).status_code == 200
    client.post(reverse("citizens:list"), {"q": "\x00"})
    assert "citizen_search" not in client.session


def test_an_api_adjustment_keeps_the_offer_fields_it_does_not_name(world, api):
    offer = {**SAMPLE_OFFER, "start_date": dt.date(2027, 1, 11)}
    case = _case(world, Status.ADVISED, offer=offer)
    response = api("sagsbehandler").post(
        f"/cases/{case.pk}/decision",
        {
            "outcome": "adjust",
            "text": "Færre timer.",
            "offer": {"kind": SAMPLE_OFFER["kind"], "hours_per_week": 8},
        },
    )
    assert response.status_code == 200, response.json()
    after = response.json()["offer"]
    assert (after["provider"], after["start_date"]) == (SAMPLE_OFFER["provider"], "2027-01-11")
    assert after["demands"] == SAMPLE_OFFER["demands"] and float(after["hours_per_week"]) == 8


def test_a_companion_named_at_scheduling_keeps_its_length_limit(world, api):
    case = _case(world, Status.READY)
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "companion": "S" * 201,
        },
    )
    assert response.status_code == 422 and "companion" in response.json()["error"]["fields"]
    assert Case.objects.get(pk=case.pk).status == Status.READY


def test_a_fingerprint_made_without_the_key_sends_nothing(client, world):
    case = _case(world, Status.ADVISED)
    client.force_login(world.users["sagsbehandler"])
    form = {
        "version": case.version,
        "decision-outcome": "unchanged",
        "decision-text": "Tilbuddet fortsætter.",
        **{f"decision-{k}": v for k, v in SAMPLE_OFFER.items() if v is not None},
    }
    inputs = {
        "outcome": "unchanged",
        "text": "Tilbuddet fortsætter.",
        "offer": {**SAMPLE_OFFER, "start_date": None, "hours_per_week": "12"},
    }
    forged = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    page = client.post(reverse("cases:decide", args=[case.pk]), {**form, "previewed": forged})
    assert "så den er ikke sendt" in page.content.decode()
    assert not Decision.objects.exists()


def test_guidance_from_a_case_is_for_those_who_work_it(client, world):
    citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0102031234",
        name="Ole Olsen",
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    case = new_case(citizen=citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["jobformidler"])  # same municipality, not on this case
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:guidance", args=[case.pk]) not in page
    response = client.post(
        reverse("cases:guidance", args=[case.pk]),
        {"guidance-given_on": "2026-11-23", "guidance-channel": "letter"},
        follow=True,
    )
    assert "Kun sagens sagsbehandler kan registrere vejledning her." in response.content.decode()
    assert not Guidance.objects.filter(citizen=citizen).exists()


def test_a_guidance_note_has_a_limit(world):
    with pytest.raises(DomainError) as refused:
        citizen_services.record_guidance(
            actor=world.users["sagsbehandler"],
            citizen=world.citizen,
            given_on=dt.date(2026, 11, 23),
            channel="letter",
            note="x" * 1001,
        )
    assert "note" in refused.value.fields


def test_a_refused_companion_is_logged_once(world, api):
    case = _case(world, Status.SCHEDULED)
    before = AccessLog.objects.filter(action=AccessAction.DENIED).count()
    assert api("jobformidler").post(f"/cases/{case.pk}/companion", {"name": "X"}).status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED).count() == before + 1
