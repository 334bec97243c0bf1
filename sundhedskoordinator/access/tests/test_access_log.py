"""Every read of health data is logged once; refused attempts too; the citizen sees their log."""

import pytest

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _case(world, state=Status.SENT):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        state,
        cast=world.cast,
        meeting=world.meeting,
    )


def _entries(case, **filters):
    return list(AccessLog.objects.filter(case=case, **filters).order_by("id"))


@pytest.mark.parametrize("username", ["sagsbehandler", "koordinator", "borger"])
def test_each_read_of_a_case_with_health_data_writes_exactly_one_entry(world, api, username):
    case = _case(world)
    client = api(username)
    for expected in (1, 2):
        body = client.get(f"/cases/{case.pk}").json()
        assert body["health_data_included"] is True
        assert body["health_concern"]["text"]
        entries = _entries(case, action="view")
        assert len(entries) == expected
    entry = entries[-1]
    assert entry.user == world.users[username]
    assert entry.object_type == "case"
    assert entry.role in {"caseworker", "coordinator", "citizen"}
    assert "løfte" not in str(entry.__dict__)  # never the health content itself


def test_an_action_that_answers_with_health_data_logs_the_read(world, api):
    case = _case(world, Status.HELD)
    api("koordinator").post(
        f"/cases/{case.pk}/advice", {"text": "Vurdering."}, headers={"Idempotency-Key": "advice-1"}
    )
    assert len(_entries(case, action="view")) == 1
    api("koordinator").post(
        f"/cases/{case.pk}/advice", {"text": "Vurdering."}, headers={"Idempotency-Key": "advice-1"}
    )
    assert len(_entries(case, action="view")) == 2  # the repeated answer is a read too


def test_roles_without_health_access_see_metadata_and_nothing_is_logged(world, api):
    case = _case(world)
    for username in ("leder", "klinisk", "jobformidler", "sekretariat"):
        body = api(username).get(f"/cases/{case.pk}").json()
        assert body["health_data_included"] is False, username
        assert body["health_concern"] is None
        assert body["advice"] is None
    assert _entries(case, action="view") == []


def test_the_secretariat_reads_health_data_when_it_states_why(world, api):
    case = _case(world)
    body = (
        api("sekretariat")
        .get(f"/cases/{case.pk}", purpose="meeting_preparation:Mødet med borgeren")
        .json()
    )
    assert body["health_data_included"] is True
    (entry,) = _entries(case, action="view")
    assert entry.role == "secretariat"
    assert entry.purpose == "Forberedelse af møde: Mødet med borgeren"


def test_a_refused_read_is_logged_and_the_citizen_sees_it(world, api):
    case = _case(world)
    assert api("sagsbehandler2").get(f"/cases/{case.pk}").status_code == 404
    assert api("koordinator2").get(f"/cases/{case.pk}").status_code == 404
    denied = _entries(case, action="denied")
    assert [e.user_name for e in denied] == ["Søren Vestergaard", "Katrine Munk"]
    api("koordinator").get(f"/cases/{case.pk}")
    log = api("borger").get("/me/access-log").json()
    assert log["count"] == 3
    assert [e["action"] for e in log["items"]] == ["view", "denied", "denied"]
    assert log["items"][0]["user"] == "Karen Lund"
    assert log["items"][0]["organisation"] == "Region Syddanmark"
    assert log["items"][0]["case"] == case.reference
    assert api("borger2").get("/me/access-log").json()["count"] == 0


def test_downloads_are_logged_and_refused_for_roles_without_health_access(world, api):
    case = _case(world)
    document = case.documents.get(kind="health_information")
    for username, status in (
        ("sagsbehandler", 200),
        ("koordinator", 200),
        ("borger", 200),
        ("leder", 404),
        ("jobformidler", 404),
        ("sagsbehandler2", 404),
    ):
        client = api(username)
        response = client.client.get(
            f"/api/v1/documents/{document.pk}/content",
            headers={"Authorization": f"Bearer {client.token}"},
        )
        assert response.status_code == status, username
    assert len(_entries(case, action="download")) == 3
    assert len(_entries(case, action="denied", object_type="document")) == 3


def test_the_case_log_is_for_the_responsible_caseworker_and_klinisk_funktion(world, api):
    case = _case(world)
    api("borger").get(f"/cases/{case.pk}")
    assert api("sagsbehandler").get(f"/cases/{case.pk}/access-log").json()["count"] == 1
    assert api("klinisk").get(f"/cases/{case.pk}/access-log").json()["count"] == 1
    assert api("jobformidler").get(f"/cases/{case.pk}/access-log").status_code == 404
    assert api("sekretariat").get(f"/cases/{case.pk}/access-log").status_code == 404
    bundle = api("klinisk").get(f"/cases/{case.pk}/access-log/fhir").json()
    assert bundle["resourceType"] == "Bundle"
    (event,) = [e["resource"] for e in bundle["entry"]]
    assert event["resourceType"] == "AuditEvent"
    assert event["action"] == "R"
    assert event["outcome"] == "0"
    assert event["agent"][0]["who"]["display"] == "Bente Nielsen"
