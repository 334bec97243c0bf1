"""Reads go on while a large package is dispatched. The package's PDF is rendered before the
dispatch's write transaction, so the write lock is held only while its rows are written: the
coordinator's reads of another case (each writes an access-log row, a write of its own) succeed
during the dispatch and none waits for it.

The proof does not rest on wall-clock times, which a busy machine stretches: the real renderer is
watched as it runs. It must never run inside an open transaction, and it holds its own finish until
the readers have finished reads of their own while it renders; were the rendering inside the write
transaction, those reads would wait on SQLite's one write lock and never finish in time. The times
are printed as the figures of the run, and on SQLite a connection outside measures how long anyone
holds the write lock by trying to take it every few milliseconds.

On SQLite as production runs it: a WAL file with BEGIN IMMEDIATE and the busy timeout (the
in-memory test database lets a second writer fail at once instead of waiting). On PostgreSQL the
same threads run against the test database."""

from __future__ import annotations

import contextvars
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from django.db import connection, connections, transaction

from conftest import World
from sundhedskoordinator.cases import limits, services
from sundhedskoordinator.cases.choices import DocumentKind, Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import read_case
from sundhedskoordinator.cases.walk import (
    SAMPLE_CONCERN,
    SAMPLE_OFFER,
    SAMPLE_PDF,
    new_case,
    walk_case_to,
)
from tests.places import as_a_wal_file

pytestmark = pytest.mark.django_db(transaction=True)

#: Readers, each reading as the coordinator again and again during the dispatch.
READERS = 3
#: Documents on the large case beside those the walk attaches: each is a line of the package.
DOCUMENTS = 30
#: How long the rendering waits for the readers' reads before it gives up: far longer than a read
#: takes, far shorter than SQLite's busy timeout a read would wait for a held write lock.
READS_WAIT_SECONDS = 15.0


class WriteLockProbe(threading.Thread):
    """Tries to take SQLite's write lock every 2 ms on its own connection, with no busy timeout:
    each stretch of failed tries is one holding of the lock by someone else."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path, self.stop, self.held = path, threading.Event(), [0.0]

    def run(self) -> None:
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        since: float | None = None
        while not self.stop.is_set():
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                if since is not None:
                    self.held.append(time.monotonic() - since)
                    since = None
            except sqlite3.OperationalError:
                since = since if since is not None else time.monotonic()
            time.sleep(0.002)
        probe.close()


def _large_case(world: World) -> Case:
    """A case at the limits of its free texts (Danish letters, so more bytes than characters),
    with the documents the walk attaches and ``DOCUMENTS`` more, scheduled and ready to be
    sent."""
    text = "Smerter i lænden, træthed og søvnbesvær; fremmøde før kl. 10 er svært. "
    offer = {
        **SAMPLE_OFFER,
        "content": (text * 100)[: limits.OFFER_TEXT],
        "demands": (text * 100)[: limits.OFFER_TEXT],
    }
    concern = {**SAMPLE_CONCERN, "text": (text * 100)[: limits.DESCRIPTION]}
    case = new_case(
        citizen=world.citizen, caseworker=world.users["sagsbehandler"], offer=offer, concern=concern
    )
    for version in range(DOCUMENTS):
        services.add_document(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            kind=DocumentKind.HEALTH_INFORMATION,
            filename=f"epikrise-{version}.pdf",
            content=SAMPLE_PDF,
        )
    return walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)


def test_reads_go_on_while_a_large_package_is_dispatched(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator, secretariat = world.users["koordinator"], world.users["sekretariat"]
    sent = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    large = _large_case(world)
    on_file = as_a_wal_file(tmp_path / "db.sqlite3") if connection.vendor == "sqlite" else None
    probe = WriteLockProbe(on_file["NAME"]) if on_file is not None else None
    started, finished = threading.Event(), threading.Event()
    errors: list[str] = []
    timings: dict[str, float] = {}
    reads: list[tuple[float, float]] = []  # (when it ended, how long it took)
    renderings: list[dict[str, Any]] = []  # each real rendering of the dispatch: what it saw
    write_pdf = weasyprint.HTML.write_pdf

    def watched_write_pdf(html: weasyprint.HTML, *args: Any, **kwargs: Any) -> Any:
        """WeasyPrint's own rendering, watched: was a transaction open, and did the readers
        finish reads while it ran? It lets its caller go on only once they have (or after
        ``READS_WAIT_SECONDS``, which the assertions below then report)."""
        seen: dict[str, Any] = {
            "in_transaction": connection.in_atomic_block,
            "reads_before": len(reads),
        }
        renderings.append(seen)
        waited_until = time.monotonic() + READS_WAIT_SECONDS
        while len(reads) < seen["reads_before"] + READERS and time.monotonic() < waited_until:
            time.sleep(0.005)
        seen["reads_while_rendering"] = len(reads) - seen["reads_before"]
        rendering_began = time.monotonic()
        try:
            return write_pdf(html, *args, **kwargs)
        finally:
            seen["seconds"] = time.monotonic() - rendering_began

    def on_the_file() -> None:
        if on_file is not None:
            connections["default"].settings_dict = on_file

    begun: dict[int, tuple[Any, float, list[int]]] = {}  # each transaction: its block, start

    def timed_transaction(execute: Any, sql: str, *args: Any) -> Any:
        """The dispatch's committed write transaction, from its first statement to its commit
        (a run rolled back to render its letter outside is not it)."""
        if connection.in_atomic_block:
            block = connection.atomic_blocks[0]
            if id(block) not in begun:
                counted: list[int] = []
                begun[id(block)] = (block, time.monotonic(), counted)
                started_at = begun[id(block)][1]
                transaction.on_commit(
                    lambda: timings.update(
                        transaction=time.monotonic() - started_at, statements=len(counted)
                    )
                )
            begun[id(block)][2].append(1)
        return execute(sql, *args)

    def dispatch() -> None:
        on_the_file()
        try:
            started.set()
            begun = time.monotonic()
            with connection.execute_wrapper(timed_transaction), monkeypatch.context() as watch:
                watch.setattr(weasyprint.HTML, "write_pdf", watched_write_pdf)
                services.dispatch_package(actor=secretariat, case_id=large.pk)
            timings["dispatch"] = time.monotonic() - begun
        except Exception as error:  # noqa: BLE001 - the failure to report
            errors.append(repr(error))
        finally:
            timings["dispatch_ended"] = time.monotonic()
            finished.set()
            connection.close()

    def read() -> None:
        on_the_file()
        started.wait()
        try:
            while not finished.is_set():
                begun = time.monotonic()
                read_case(user=coordinator, case_id=sent.pk)
                reads.append((time.monotonic(), time.monotonic() - begun))
                time.sleep(0.01)  # a busy office, not a loop without breath
        except Exception as error:  # noqa: BLE001 - "database is locked" among them
            errors.append(repr(error))
        finally:
            connection.close()

    # Each thread runs in a copy of this one's context, so it sees the frozen clock too.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(work,))
        for work in (dispatch, *[read] * READERS)
    ]
    if probe is not None:
        probe.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if probe is not None:
        probe.stop.set()
        probe.join()

    assert not errors, errors
    during = [took for ended, took in reads if ended <= timings["dispatch_ended"]]
    assert len(during) >= READERS, f"only {len(during)} reads ended during the dispatch"
    slowest_read, longest_busy = max(during), max(probe.held) if probe is not None else 0.0
    if on_file is None:
        assert Case.objects.get(pk=large.pk).status == Status.SENT
        assert large.documents.filter(kind=DocumentKind.CASE_PACKAGE).count() == 1
    else:
        with sqlite3.connect(on_file["NAME"]) as stored:
            (status,) = stored.execute(
                'SELECT status FROM "cases_case" WHERE id = ?', (large.pk,)
            ).fetchone()
            (packages,) = stored.execute(
                'SELECT count(*) FROM "cases_document" WHERE case_id = ? AND kind = ?',
                (large.pk, DocumentKind.CASE_PACKAGE),
            ).fetchone()
        assert (status, packages) == (Status.SENT, 1)
    render = sum(seen["seconds"] for seen in renderings)
    print(  # noqa: T201 - the figures of the run
        f"dispatch {timings['dispatch']:.3f} s (rendering alone {render:.3f} s), its write "
        f"transaction {timings['transaction'] * 1000:.0f} ms ({timings['statements']:.0f} "
        f"statements); {len(during)} reads during it, "
        f"slowest {slowest_read:.3f} s; longest stretch the write lock was busy "
        f"{longest_busy:.3f} s"
    )
    # The package was rendered, and never inside a transaction: not the dispatch's, not any other.
    assert renderings, "the dispatch rendered no package"
    assert not [seen for seen in renderings if seen["in_transaction"]], renderings
    # While it rendered, the readers finished reads (as many as there are readers), each of them
    # writing its access-log row.
    assert all(seen["reads_while_rendering"] >= READERS for seen in renderings), renderings
    # The write transaction itself only writes the rows: a handful of statements, whatever the
    # package's size (its PDF is one of them, written as it was rendered).
    assert timings["statements"] <= 30, timings
