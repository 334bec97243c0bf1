"""LAB § 113, stk. 3: the right belongs to citizens in a ressourceforløb on the day. The case page
and the API read it with the case (``selectors.with_details``, in the same query), the workflow
reads it from the citizen's courses; both must say the same on every day around a course's
first and last day, and in a gap between two courses. The expected answers are worked out by
hand from the courses' dates."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import local
from sundhedskoordinator.cases import workflow
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import with_details
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens.models import ResourceCourse
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db

#: The citizen's first course runs 1 March – 10 December 2026; the next from 5 January 2027, open.
EXPECTED = {
    dt.date(2026, 2, 28): False,
    dt.date(2026, 3, 1): True,
    dt.date(2026, 12, 10): True,
    dt.date(2026, 12, 11): False,
    dt.date(2027, 1, 4): False,
    dt.date(2027, 1, 5): True,
    dt.date(2036, 1, 5): True,
}


@pytest.fixture
def case(world):
    course = world.citizen.resource_courses.get()
    course.end_date = dt.date(2026, 12, 10)
    course.save()
    ResourceCourse.objects.create(citizen=world.citizen, start_date=dt.date(2027, 1, 5))
    return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])


@pytest.mark.parametrize("day", sorted(EXPECTED))
def test_the_course_read_with_the_case_agrees_with_the_courses(case, day):
    with clock.frozen(local(day, 12)):
        plain = Case.objects.select_related("citizen").get(pk=case.pk)
        assert workflow.in_resource_course(plain, day) is EXPECTED[day]
        detailed = with_details(Case.objects.filter(pk=case.pk)).get()
        with CaptureQueriesContext(connection) as read:
            assert workflow.in_resource_course(detailed, day) is EXPECTED[day]
        assert len(read) == 0, "read with the case, not again"
    courses = ResourceCourse.objects.filter(citizen=case.citizen_id)
    assert courses.filter(ResourceCourse.active_on(day)).exists() is EXPECTED[day]
    assert any(c.is_active_on(day) for c in courses) is EXPECTED[day]


def test_another_day_than_the_one_read_with_the_case_is_read_from_the_courses(case):
    with clock.frozen(local(dt.date(2026, 12, 10), 12)):
        detailed = with_details(Case.objects.filter(pk=case.pk)).get()
    # Read on the course's last day, asked of the day after.
    assert workflow.in_resource_course(detailed, dt.date(2026, 12, 11)) is False
    assert workflow.in_resource_course(detailed, dt.date(2026, 12, 10)) is True
