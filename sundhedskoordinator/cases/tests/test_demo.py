import pytest
from django.core.management import call_command

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_world_has_a_case_in_every_state_and_loads_once(now):
    _load()
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    counts = (Case.objects.count(), Citizen.objects.count(), Meeting.objects.count())
    _load()
    assert (Case.objects.count(), Citizen.objects.count(), Meeting.objects.count()) == counts
    # Every team has meetings over the next weeks.
    upcoming = Meeting.objects.filter(date__gt=now.date())
    assert set(upcoming.values_list("team__municipality__code", flat=True)) == {"461", "479", "101"}


def test_demo_citizens_see_their_own_cases(now):
    _load()
    borger = Citizen.objects.get(user__username="borger")
    assert {c.status for c in borger.cases.all()} == {Status.SENT, Status.CLOSED}
    sent = borger.cases.get(status=Status.SENT)
    assert sent.offer_on_hold  # the request came before the offer's start
