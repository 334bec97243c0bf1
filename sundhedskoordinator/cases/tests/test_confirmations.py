"""Actions that end or undo something ask for a tick that names what will happen; without it
nothing happens and the page says why, at the tick (DESIGN section 3; "no stray clicks")."""

import pytest
from django.urls import reverse

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db

#: (action, who does it, the state it is done from, the state it leads to,
#: words its tick must name)
CASES = [
    ("withdraw", "sagsbehandler", Status.REQUESTED, Status.WITHDRAWN, "kan ikke åbnes igen"),
    ("reject", "sagsbehandler", Status.REQUESTED, Status.REJECTED, "Sagen lukkes"),
    ("unschedule", "sekretariat", Status.SCHEDULED, Status.READY, "Tiden frigives"),
    ("cancel", "koordinator", Status.SENT, Status.READY, "Deltagerne får besked"),
]


def _case(world, status):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        status,
        cast=world.cast,
        meeting=world.meeting,
    )


@pytest.mark.parametrize(("action", "username", "start", "end", "consequence"), CASES)
def test_nothing_happens_without_the_tick_and_the_tick_names_the_consequence(
    client, world, action, username, start, end, consequence
):
    case = _case(world, start)
    client.force_login(world.users[username])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'name="{action}-confirm"' in page and consequence in page
    form = {
        "version": case.version,
        f"{action}-reason": "Borgeren er syg.",
        f"{action}-reason_code": "other",
    }
    events = CaseEvent.objects.filter(case=case).count()
    response = client.post(reverse(f"cases:{action}", args=[case.pk]), form)
    assert response.status_code == 200
    assert "Sæt flueben for at bekræfte." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == start
    assert CaseEvent.objects.filter(case=case).count() == events
    response = client.post(
        reverse(f"cases:{action}", args=[case.pk]), {**form, f"{action}-confirm": "on"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == end
