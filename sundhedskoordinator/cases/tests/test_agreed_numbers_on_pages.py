"""Pages that quote a number of the procedure read it from the region's collaboration agreement
(or the agenda item that stored it), never from a number written into a template."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings.selectors import agreement_for
from sundhedskoordinator.organisations.models import Region

pytestmark = pytest.mark.django_db


def _agree(region, **numbers):
    agreement = agreement_for(region)
    for name, value in numbers.items():
        setattr(agreement, name, value)
    agreement.save()


def _region(world):
    return world.meeting.team.municipality.region


def test_the_secretariats_task_names_the_agreed_dispatch_deadline(client, world):
    client.force_login(world.users["sekretariat"])
    assert "senest 10 hverdage før mødet" in client.get(reverse("web:start")).content.decode()
    _agree(_region(world), dispatch_working_days=8)
    page = client.get(reverse("web:start")).content.decode()
    assert "senest 8 hverdage før mødet" in page and "10 hverdage" not in page


def test_the_advice_hint_names_the_items_advice_block(client, world):
    _agree(_region(world), advice_block_minutes=20)
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.HELD,
        cast=world.cast,
        meeting=world.meeting,
    )
    ended = case.conversations.get().ended_at
    with clock.frozen(ended + dt.timedelta(minutes=3)):
        client.force_login(world.users["koordinator"])
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Skriv rådgivningen inden for 20 minutter." in page


def test_deadlines_at_risk_follow_the_regions_warning_days(client, world):
    """Monday 23 November to the deadline Tuesday 1 December: 24, 25, 26, 27, 30 November and
    1 December are 6 working days. With a warning of 6 the case is at risk today; the other
    region's longer warning does not pull it in when this region keeps 2."""
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["leder"])
    other = Region.objects.exclude(pk=_region(world).pk).get()
    _agree(other, deadline_warning_working_days=6)
    page = client.get(reverse("cases:overview")).content.decode()
    assert case.reference not in page
    assert "det antal hverdage, regionens samarbejdsaftale fastsætter" in page
    _agree(_region(world), deadline_warning_working_days=5)
    assert case.reference not in client.get(reverse("cases:overview")).content.decode()
    _agree(_region(world), deadline_warning_working_days=6)
    page = client.get(reverse("cases:overview")).content.decode()
    assert case.reference in page and "udløber inden for 6 hverdage." in page


def test_the_agenda_warns_by_the_regions_warning_days(client, world):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["sekretariat"])
    url = reverse("meetings:agenda", args=[world.meeting.pk])
    assert "Fristen er nær." not in client.get(url).content.decode()
    _agree(_region(world), deadline_warning_working_days=6)
    assert "Fristen er nær." in client.get(url).content.decode()
