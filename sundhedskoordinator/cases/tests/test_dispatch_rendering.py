"""The dispatch renders its package outside its write transaction: a rendering that fails writes
nothing, and a case that changes while its package is rendered is rendered again, so the package
sent is the case as it stood when the dispatch was written."""

from __future__ import annotations

from typing import Any

import pytest
import weasyprint

from conftest import World
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import DocumentKind, Status
from sundhedskoordinator.cases.models import Case, Dispatch
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to
from sundhedskoordinator.cases.workflow import STALE_VERSION
from sundhedskoordinator.core.errors import ConflictError
from sundhedskoordinator.documents.letters import RENDERINGS_OF_A_LETTER
from sundhedskoordinator.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(world: World) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)


def test_a_rendering_that_fails_writes_nothing(
    world: World, scheduled: Case, monkeypatch: Any
) -> None:
    def broken(self: Any, *args: Any, **kwargs: Any) -> bytes:
        raise OSError("the PDF engine failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    events, notifications = CaseEvent.objects.count(), Notification.objects.count()
    with pytest.raises(OSError, match="PDF engine"):
        services.dispatch_package(actor=world.users["sekretariat"], case_id=scheduled.pk)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED
    assert not Dispatch.objects.filter(case=scheduled).exists()
    assert not scheduled.documents.filter(kind=DocumentKind.CASE_PACKAGE).exists()
    assert (CaseEvent.objects.count(), Notification.objects.count()) == (events, notifications)


def test_a_document_added_while_the_package_renders_is_in_the_package_sent(
    world: World, scheduled: Case, monkeypatch: Any
) -> None:
    render = weasyprint.HTML.write_pdf
    renderings: list[int] = []

    def meanwhile(self: Any, *args: Any, **kwargs: Any) -> bytes:
        renderings.append(1)
        if len(renderings) == 1:
            # The caseworker attaches one more document while the first rendering runs.
            services.add_document(
                actor=world.users["sagsbehandler"],
                case_id=scheduled.pk,
                kind=DocumentKind.HEALTH_INFORMATION,
                filename="sent-i-sidste-oejeblik.pdf",
                content=SAMPLE_PDF,
            )
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", meanwhile)
    services.dispatch_package(actor=world.users["sekretariat"], case_id=scheduled.pk)
    dispatch = Dispatch.objects.get(case=scheduled)
    names = [d["filename"] for d in dispatch.snapshot["documents"]]
    assert "sent-i-sidste-oejeblik.pdf" in names
    assert len(renderings) == 2
    assert scheduled.documents.filter(kind=DocumentKind.CASE_PACKAGE).count() == 1


def test_a_case_that_keeps_changing_while_it_renders_is_refused_as_changed(
    world: World, scheduled: Case, monkeypatch: Any
) -> None:
    render = weasyprint.HTML.write_pdf
    renderings: list[int] = []

    def always(self: Any, *args: Any, **kwargs: Any) -> bytes:
        renderings.append(1)
        services.add_document(
            actor=world.users["sagsbehandler"],
            case_id=scheduled.pk,
            kind=DocumentKind.HEALTH_INFORMATION,
            filename=f"bilag-{len(renderings)}.pdf",
            content=SAMPLE_PDF,
        )
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", always)
    with pytest.raises(ConflictError) as refused:
        services.dispatch_package(actor=world.users["sekretariat"], case_id=scheduled.pk)
    assert refused.value.code == STALE_VERSION
    assert len(renderings) == RENDERINGS_OF_A_LETTER == 3
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED
    assert not Dispatch.objects.filter(case=scheduled).exists()
