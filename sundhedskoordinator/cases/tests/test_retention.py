import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("anonymise_cases", *args, stdout=out)
    return out.getvalue()


def test_closed_cases_are_listed_in_a_dry_run_and_anonymised_with_apply(world):
    closed = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.CLOSED,
        cast=world.cast,
        meeting=world.meeting,
    )
    active = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    eleven_years_on = clock.now() + dt.timedelta(days=365 * 11)
    with clock.frozen(dt.datetime(2026, 12, 20, tzinfo=dt.UTC)):
        assert "0 case(s)" in _run()  # not yet ten years
    with clock.frozen(eleven_years_on):
        dry = _run()
        assert f"Would anonymise {closed.reference}" in dry
        assert "Mette" not in dry and "120385" not in dry
        assert Case.objects.get(pk=closed.pk).anonymised_at is None  # a dry run changes nothing
        applied = _run("--apply")
    assert "1 case(s) anonymised" in applied
    case = Case.objects.get(pk=closed.pk)
    assert case.anonymised_at is not None
    assert case.offer.content == case.offer.demands == ""
    assert case.health_concern.text == ""
    assert case.advice_versions.get().text == ""
    assert case.advice_versions.get().minutes_after_conversation > 0  # statistics stay
    assert case.decision.outcome == "adjust" and case.decision.text == ""
    assert not case.documents.exists()
    assert case.dispatches.get().snapshot == {}
    assert CaseEvent.objects.filter(case=case, kind="case_anonymised").count() == 1
    # The citizen still has an open case, so the citizen record stays.
    world.citizen.refresh_from_db()
    assert world.citizen.name == "Mette Sørensen"
    assert Case.objects.get(pk=active.pk).offer.content


def test_the_citizen_is_anonymised_when_no_case_remains(world):
    closed = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.WITHDRAWN,
        cast=world.cast,
    )
    with clock.frozen(clock.now() + dt.timedelta(days=365 * 11)):
        _run("--apply")
    world.citizen.refresh_from_db()
    assert world.citizen.name == "Anonymiseret borger"
    assert world.citizen.cpr_encrypted == ""
    assert world.citizen.cpr_masked == "XXXXXX-XXXX"
    assert world.citizen.user is None
    assert Case.objects.get(pk=closed.pk).anonymised_at is not None


def test_an_anonymised_cases_files_leave_storage_only_when_the_anonymisation_commits(
    world, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from sundhedskoordinator.cases.services import anonymise_case

    closed = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.CLOSED,
        cast=world.cast,
        meeting=world.meeting,
    )
    names = [document.file.name for document in closed.documents.all()]
    assert names and all(default_storage.exists(name) for name in names)
    with clock.frozen(clock.now() + dt.timedelta(days=365 * 11)):
        with django_capture_on_commit_callbacks() as pending:
            anonymise_case(case_id=closed.pk)
        # The rows are gone in the transaction; the files wait for its commit.
        assert all(default_storage.exists(name) for name in names)
        for callback in pending:
            callback()
    assert not any(default_storage.exists(name) for name in names)
