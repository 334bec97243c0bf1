"""The ressourceforløb is checked again when the case is scheduled and when it is sent (LAB § 113,
stk. 3): a course that ended meanwhile stops the case with a message and a way forward, and the
case page says so until someone acts. A course is active through its end date. The clock stands
at Monday 23 November 2026 (the ``now`` fixture)."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import services, workflow
from sundhedskoordinator.cases.choices import RejectionReason, Status
from sundhedskoordinator.cases.models import Case, Dispatch
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import ResourceCourse
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
YESTERDAY = dt.date(2026, 11, 22)


def _case(world, status):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        status,
        cast=world.cast,
        meeting=world.meeting,
    )


def _end_course(world, on):
    assert ResourceCourse.objects.filter(citizen=world.citizen).update(end_date=on) == 1


def _schedule(world, case):
    return services.schedule_case(
        actor=world.users["sekretariat"],
        case_id=case.pk,
        meeting_id=world.meeting.pk,
        coordinator_id=world.users["koordinator"].pk,
    )


@pytest.mark.parametrize(
    ("end", "said"),
    [
        (YESTERDAY, "afviser sagsbehandleren anmodningen"),  # ended: not in a course today
        (TODAY, "slutter før mødet"),  # in it today, but not on the meeting day
    ],
)
def test_scheduling_checks_the_course_again(world, end, said):
    case = _case(world, Status.READY)
    _end_course(world, end)
    with pytest.raises(DomainError) as refused:
        _schedule(world, case)
    assert refused.value.code == workflow.NOT_IN_RESOURCE_COURSE
    assert said in refused.value.message
    assert Case.objects.get(pk=case.pk).status == Status.READY
    assert not case.agenda_items.exists()


@pytest.mark.parametrize(("end", "allowed"), [(YESTERDAY, False), (dt.date(2026, 12, 15), True)])
def test_sending_checks_the_course_again(world, end, allowed):
    case = _case(world, Status.SCHEDULED)
    _end_course(world, end)
    if allowed:
        services.dispatch_package(actor=world.users["sekretariat"], case_id=case.pk)
        assert Case.objects.get(pk=case.pk).status == Status.SENT
        return
    with pytest.raises(DomainError) as refused:
        services.dispatch_package(actor=world.users["sekretariat"], case_id=case.pk)
    assert refused.value.code == workflow.NOT_IN_RESOURCE_COURSE
    assert not Dispatch.objects.filter(case=case).exists()


def test_sending_the_meeting_sends_the_others_and_names_the_stopped_case(world):
    stopped = _case(world, Status.SCHEDULED)
    other_citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0102031234",
        name="Ole Olsen",
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    citizen_services.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=other_citizen,
        given_on=dt.date(2026, 3, 1),
        channel="digital_post",
    )
    other = walk_case_to(
        new_case(citizen=other_citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    _end_course(world, YESTERDAY)
    sent, refused = services.dispatch_meeting(
        actor=world.users["sekretariat"], meeting_id=world.meeting.pk
    )
    assert sent == 1 and Case.objects.get(pk=other.pk).status == Status.SENT
    assert len(refused) == 1 and refused[0].startswith(stopped.reference)
    assert "ressourceforløb" in refused[0]


def test_the_case_page_flags_the_ended_course_and_the_way_forward(client, world):
    case = _case(world, Status.READY)
    _end_course(world, YESTERDAY)
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ressourceforløbet er ikke aktivt" in page
    assert reverse("citizens:detail", args=[world.citizen.pk]) in page
    # The way forward is there: the request can be refused from "ready".
    assert 'name="reject-confirm"' in page
    services.reject_case(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        reason="Ressourceforløbet sluttede den 22. november.",
        reason_code=RejectionReason.NOT_IN_RESOURCE_COURSE,
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ressourceforløbet er ikke aktivt" not in page


def test_a_course_still_active_raises_no_flag(client, world):
    case = _case(world, Status.READY)
    _end_course(world, TODAY)  # active through its end date
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ressourceforløbet er ikke aktivt" not in page


@pytest.mark.parametrize(
    ("end", "allowed"), [(dt.date(2026, 12, 14), False), (dt.date(2026, 12, 15), True)]
)
def test_a_course_ending_before_the_meeting_day_stops_the_scheduling(world, end, allowed):
    """The world's meeting is on 15 December: a course that ends the day before would put the
    conversation after it; one that ends on the meeting day still holds it."""
    case = _case(world, Status.READY)
    _end_course(world, end)
    if allowed:
        assert _schedule(world, case).status == Status.SCHEDULED
        return
    with pytest.raises(DomainError) as refused:
        _schedule(world, case)
    assert refused.value.code == workflow.NOT_IN_RESOURCE_COURSE
    assert "slutter før mødet den 15. december 2026" in refused.value.message


def test_sending_checks_the_meeting_day_too(world):
    case = _case(world, Status.SCHEDULED)
    _end_course(world, dt.date(2026, 12, 14))
    with pytest.raises(DomainError) as refused:
        services.dispatch_package(actor=world.users["sekretariat"], case_id=case.pk)
    assert "slutter før mødet" in refused.value.message
