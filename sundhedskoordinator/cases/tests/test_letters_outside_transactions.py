"""No letter is rendered while a write transaction is open, and no step leaves a file behind that
nothing names.

Every step that issues a PDF (the summons, the package, the advice, the decision, the notices of a
moved or cancelled conversation, the meeting's agenda) is run here with WeasyPrint's own
rendering watched: at each rendering the test counts the transactions open beyond the test's own
wrapping one, which must be none. The steps that write to several citizens at once (a meeting
moved or cancelled) run again after each new letter, so they also prove that the files their
rolled-back runs saved are gone: every file the storage gained during the test is named by a row
of the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import weasyprint
from django.apps import apps
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.models import FileField
from django.utils import timezone

from conftest import World
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import files
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.meetings.models import Meeting

pytestmark = pytest.mark.django_db

DEC_15, DEC_17 = dt.date(2026, 12, 15), dt.date(2026, 12, 17)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Renderings:
    """WeasyPrint's rendering, watched: how many transactions beyond the test's own were open
    at each rendering."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.outside = len(connection.atomic_blocks)  # the test's own wrapping transaction(s)
        self.open_at: list[int] = []
        write_pdf = weasyprint.HTML.write_pdf

        def watched(html: weasyprint.HTML, *args: Any, **kwargs: Any) -> Any:
            self.open_at.append(len(connection.atomic_blocks) - self.outside)
            return write_pdf(html, *args, **kwargs)

        monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)

    def taken(self) -> list[int]:
        seen, self.open_at = self.open_at, []
        return seen


@pytest.fixture
def renderings(monkeypatch: pytest.MonkeyPatch) -> Renderings:
    return Renderings(monkeypatch)


def _listing(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _listing(storage, f"{folder}/{sub}" if folder else sub)


def _named_by_rows() -> set[str]:
    named: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                names = model._default_manager.values_list(field.name, flat=True)
                named.update(name for name in names.iterator() if name)
    return named


@pytest.fixture
def no_stray_files() -> Iterator[None]:
    """Every file the storage gains during the test is named by a row."""
    storage = storages["default"]
    before = set(_listing(storage))
    yield
    gained = set(_listing(storage)) - before
    assert gained, "the steps stored no file at all"
    assert gained <= _named_by_rows(), sorted(gained - _named_by_rows())


def _case(world: World, state: Status, meeting: Meeting | None = None) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=meeting or world.meeting)


def test_the_whole_procedure_renders_every_letter_outside_its_transaction(
    world: World, renderings: Renderings, no_stray_files: None
) -> None:
    case = _case(world, Status.CLOSED)
    # The summons, the package, the advice and the decision letter at least.
    seen = renderings.taken()
    assert len(seen) >= 4, seen
    assert set(seen) == {0}, seen
    kinds = set(case.documents.values_list("kind", flat=True))
    assert {"case_package", "advice", "decision_letter"} <= kinds


def test_meeting_steps_render_every_letter_outside_their_transactions(
    world: World, renderings: Renderings, no_stray_files: None
) -> None:
    sekretariat, sagsbehandler = world.users["sekretariat"], world.users["sagsbehandler"]
    first, second = _case(world, Status.SCHEDULED), _case(world, Status.SENT)
    third, fourth = _case(world, Status.SCHEDULED), _case(world, Status.SCHEDULED)
    renderings.taken()
    # The meeting moves: a notice to each of its four citizens, and the agenda again.
    services.change_meeting(
        actor=sekretariat,
        meeting_id=world.meeting.pk,
        starts_at=local(DEC_15, 10),
        ends_at=local(DEC_15, 14),
        reason="Teamets leder er på kursus.",
    )
    moved = renderings.taken()
    assert len(moved) >= 5 and set(moved) == {0}, moved
    services.reorder_item(
        actor=sekretariat,
        meeting_id=world.meeting.pk,
        item_id=third.agenda_items.get().pk,
        direction=-1,
    )
    other = meeting_services.create_meeting(
        actor=sekretariat, team=world.team, starts_at=local(DEC_17, 9), ends_at=local(DEC_17, 12)
    )
    services.move_case(
        actor=sekretariat, case_id=first.pk, meeting_id=other.pk, reason="Borgeren er syg."
    )
    services.unschedule_case(
        actor=sekretariat, case_id=third.pk, reason_code=CancelCode.OTHER, reason="Fejl i planen."
    )
    services.cancel_conversation(
        actor=sekretariat,
        case_id=second.pk,
        reason_code=CancelCode.OTHER,
        reason="Koordinatoren er syg.",
    )
    services.dispatch_meeting(actor=sekretariat, meeting_id=world.meeting.pk)
    fourth.refresh_from_db()
    assert fourth.status == Status.SENT
    services.withdraw_case(
        actor=sagsbehandler, case_id=first.pk, reason="Borgeren ønsker ikke at gå videre."
    )
    services.cancel_meeting(actor=sekretariat, meeting_id=other.pk, reason_code="coordinator_ill")
    rest = renderings.taken()
    assert len(rest) >= 6 and set(rest) == {0}, rest


def test_files_of_a_failed_step_are_removed_and_those_of_a_kept_one_stay(world: World) -> None:
    case = _case(world, Status.READY)
    document = case.documents.first()
    assert document is not None
    storage = document.file.storage
    with pytest.raises(RuntimeError), files.removed_if_failed():
        files.save(document.file, "forsøg.pdf", b"%PDF-1.7 kladde")
        gone = str(document.file.name)
        assert storage.exists(gone)
        raise RuntimeError("the step failed after saving its file")
    assert not storage.exists(gone)
    with files.removed_if_failed():
        files.save(document.file, "beholdt.pdf", b"%PDF-1.7 beholdt")
    kept = str(document.file.name)
    assert storage.exists(kept)
    storage.delete(kept)
