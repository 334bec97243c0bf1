"""The backup and restore drill (issue 19, "Backup and restore"): a populated world is backed up
while a caseworker goes on creating cases, restored into an empty place, and compared with the
original table by table and file by file, read straight from both databases and folders (not
through the code under test). On the suite's own database vendor: SQLite files in the SQLite
run, two fresh PostgreSQL databases in the PostgreSQL run.

The same again with the files in S3-compatible object storage (moto's server mode): the world is
moved into a bucket, backed up from there, restored into a place whose storage is another, empty
bucket, and compared table by table and object by object, read straight from both databases and
buckets.

Every command runs as its own process with its own DATA_DIR, as an operator would run it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.places import Databases, ObjectStorage, Place

ROOT = Path(__file__).resolve().parent.parent

#: How many national cases the world holds on top of the demo world.
WORLD_CASES = 40

#: The writer: creates draft cases through the service until the file ``stop`` exists, and
#: prints each one's key with the moment (CLOCK_MONOTONIC, the same in every process) it was
#: acknowledged.
WRITER = """
import os
import time
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.organisations.models import User

caseworker = User.objects.get(username="sagsbehandler")
citizen = Citizen.objects.filter(municipality=caseworker.memberships.first().municipality).first()
while not os.path.exists({stop!r}):
    case = new_case(citizen=citizen, caseworker=caseworker)
    print("acknowledged", case.pk, time.monotonic(), flush=True)
"""

#: The tables a new case writes to; the counter of the year's case numbers is updated in place.
WRITTEN_BY_THE_WRITER = {
    "cases_case",
    "cases_offer",
    "cases_offerversion",
    "cases_healthconcern",
    "audit_caseevent",
    "cases_casesequence",
    "(sequences)",
}
UPDATED_IN_PLACE = {"cases_casesequence", "(sequences)"}

#: The restored world's cases checked against the invariants the services keep.
CHECK = """
from sundhedskoordinator.web.national import check_sample
print(len(check_sample(10**6)))
"""


@dataclass
class Drill:
    source: Place
    backup: Path
    databases: Databases
    acknowledged: list[tuple[int, float]]
    backup_started: float
    backup_ended: float


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    databases = Databases(tmp_path_factory.mktemp("drill"))
    try:
        source = databases.new("source")
        source.manage("migrate", "--no-input", "-v0")
        source.manage("generate_world", f"--cases={WORLD_CASES}", f"--check={WORLD_CASES}", "-v0")
        stop = databases.root / "stop"
        writer = source.spawn("shell", "--no-imports", "-c", WRITER.format(stop=str(stop)))
        acknowledged: list[tuple[int, float]] = []

        def read() -> None:
            assert writer.stdout
            for line in writer.stdout:
                if line.startswith("acknowledged "):
                    _, key, moment = line.split()
                    acknowledged.append((int(key), float(moment)))

        reader = threading.Thread(target=read)
        reader.start()
        _wait_for(lambda: len(acknowledged) >= 3)
        backup = databases.root / "backup"
        started = time.monotonic()
        source.manage("backup", str(backup))
        ended = time.monotonic()
        _wait_for(lambda: any(moment > ended for _, moment in acknowledged[-3:]))
        stop.touch()
        # The reader has the writer's output to itself until its end: communicate() reading it
        # at the same time took part of a line now and then, and the reader's split failed.
        reader.join(timeout=120)
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-3000:]
        yield Drill(source, backup, databases, acknowledged, started, ended)
    finally:
        databases.drop()


def _wait_for(condition: Any, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the writer did not get on"
        time.sleep(0.1)


# --- reading both sides straight from their databases and folders --------------------------------


def _rows(place: Place) -> dict[str, list[str]]:
    """Every table's rows (sorted, as text), and the schema's triggers, indexes and sequences."""
    if place.database_url.startswith("sqlite"):
        db = sqlite3.connect(place.database_url.removeprefix("sqlite:///"))
        try:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            # The catalogue's own table names.
            select = {t: f'SELECT * FROM "{t}"' for t in tables}  # noqa: S608
            found = {t: sorted(map(repr, db.execute(select[t]))) for t in tables}
            found["(schema)"] = sorted(
                map(repr, db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
            )
            if "sqlite_sequence" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}:
                found["(sequences)"] = sorted(
                    map(repr, db.execute("SELECT * FROM sqlite_sequence"))
                )
        finally:
            db.close()
        return found
    import psycopg

    with psycopg.connect(place.database_url) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        select = {t: f'SELECT * FROM "{t}"' for t in tables}  # noqa: S608
        found = {t: sorted(map(repr, db.execute(select[t]).fetchall())) for t in tables}
        found["(schema)"] = sorted(
            map(
                repr,
                db.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "UNION ALL SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                    "WHERE NOT tgisinternal"
                ).fetchall(),
            )
        )
        found["(sequences)"] = sorted(
            map(
                repr,
                db.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                ).fetchall(),
            )
        )
    return found


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _damaged_copy(backup: Path, damaged: Path, which: int) -> str:
    """A copy of the backup with one bit flipped in the middle of one file (``which``: its index
    in the manifest's sorted names); the file's name."""
    shutil.copytree(backup, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text())
    name: str = sorted(manifest["files"])[which]
    path = damaged / "files" / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return name


def _no_tables(place: Place) -> bool:
    return _rows(place).keys() <= {"(schema)", "(sequences)"}


# --- the drill ----------------------------------------------------------------------------------


def test_a_backup_taken_while_writing_restores_whole_into_an_empty_place(drill: Drill) -> None:
    target = drill.databases.new("restored")
    started = time.monotonic()
    result = target.manage("restore", str(drill.backup), "--json")
    restore_seconds = time.monotonic() - started
    summary = json.loads(result.stdout)

    # The backup is one moment of the source, taken while the writer went on: the restore holds
    # the source's rows, less what was written after that moment.
    restored = _rows(target)
    source = _rows(drill.source)
    assert set(restored) == set(source)
    restored_cases = {row[0] for row in target.query("SELECT id FROM cases_case")}
    written = {pk for pk, _ in drill.acknowledged}
    before = {pk for pk, moment in drill.acknowledged if moment < drill.backup_started}
    after = {pk for pk, moment in drill.acknowledged if moment > drill.backup_ended}
    assert before, "the writer acknowledged no case before the backup began"
    assert after, "the writer acknowledged no case after the backup ended"
    # Every case acknowledged before the backup began is in it; none made after it ended is.
    assert before <= restored_cases
    assert not (after & restored_cases)
    # Every other table holds exactly the source's rows; the writer's tables hold the source's
    # rows less those written after the backup's moment.
    changed = {t for t in source if restored[t] != source[t]}
    assert changed <= WRITTEN_BY_THE_WRITER
    for table in changed - UPDATED_IN_PLACE:
        assert set(restored[table]) <= set(source[table]), table
    assert restored["(schema)"] == source["(schema)"]

    # Every file, byte for byte.
    source_files = _files(drill.source.files)
    assert len(source_files) > WORLD_CASES
    assert _files(target.files) == source_files

    # The restored cases keep the rules the services enforce.
    check = target.manage("shell", "--no-imports", "-c", CHECK)
    assert check.stdout.strip() == "0"
    print(
        f"\nrestore drill ({connection.vendor}): {summary['tables']} tables, {summary['rows']} "
        f"rows, {summary['files']} files compared; restore took {restore_seconds:.1f} s "
        f"({summary['seconds']}); {len(before)} cases written before the backup, "
        f"{len(written)} in all."
    )


def test_a_damaged_backup_is_refused_before_anything_is_written(drill: Drill) -> None:
    damaged = drill.databases.root / "damaged"
    name = _damaged_copy(drill.backup, damaged, 0)
    target = drill.databases.new("damaged_target")

    result = target.manage("restore", str(damaged), check=False)

    assert result.returncode != 0
    assert f"The file {name} does not match its checksum" in result.stderr
    assert _no_tables(target)
    assert not _files(target.files) if target.files.exists() else True


def test_a_restore_goes_only_into_an_empty_place(drill: Drill) -> None:
    target = drill.databases.new("occupied")
    target.manage("migrate", "--no-input", "-v0")
    before = _rows(target)

    result = target.manage("restore", str(drill.backup), check=False)

    assert result.returncode != 0
    assert "The database is not empty" in result.stderr
    assert _rows(target) == before


def test_a_backup_goes_only_into_a_new_or_empty_folder(drill: Drill) -> None:
    result = drill.source.manage("backup", str(drill.backup), check=False)

    assert result.returncode != 0
    assert "The backup folder is not empty" in result.stderr


# --- the drill with the files in object storage --------------------------------------------------

#: An object of many of the backup's chunks and the upload's parts, beside the documents in
#: "folders" of its own: it is copied in pieces, never held in memory whole.
LARGE_OBJECT = "archive/2026/12/large-scan.pdf"
LARGE_BYTES = 24 * 1024 * 1024

#: ``manage.py backup`` in a process that then prints the most memory the backup held at once
#: (Python's own allocations, bytes); the storage's client is made before it starts.
MEASURED_BACKUP = """
import tracemalloc
from django.core.files.storage import storages
from django.core.management import call_command

storages["default"].listdir("")
tracemalloc.start()
call_command("backup", {folder!r})
print("peak", tracemalloc.get_traced_memory()[1])
"""


@dataclass
class BucketDrill:
    s3: ObjectStorage
    source: Place
    backup: Path
    #: The most memory the backup held at once while it copied the bucket.
    peak_bytes: int


@pytest.fixture(scope="module")
def bucket_drill(drill: Drill) -> Iterator[BucketDrill]:
    """The drill's world moved into a bucket (its backup restored into a place whose storage is a
    bucket, as an operator moves from a local folder to object storage), with a large object
    beside its documents, and backed up from there."""
    with ObjectStorage(drill.databases.root / "moto.log") as s3:
        source = drill.databases.new("bucket_source", s3.bucket("source"))
        source.manage("restore", str(drill.backup))
        s3.client.upload_fileobj(io.BytesIO(os.urandom(LARGE_BYTES)), "source", LARGE_OBJECT)
        backup = drill.databases.root / "bucket_backup"
        measured = MEASURED_BACKUP.format(folder=str(backup))
        result = source.manage("shell", "--no-imports", "-c", measured)
        peak = int(result.stdout.rsplit("peak ", 1)[1])
        yield BucketDrill(s3, source, backup, peak)


def test_a_world_in_a_bucket_restores_whole_into_another_empty_bucket(
    drill: Drill, bucket_drill: BucketDrill
) -> None:
    s3 = bucket_drill.s3
    # The world arrived in the bucket whole: every file of the backup, byte for byte.
    source_objects = s3.objects("source")
    documents = {key: sha for key, sha in source_objects.items() if key != LARGE_OBJECT}
    assert LARGE_OBJECT in source_objects
    assert documents == _files(drill.backup / "files")

    target = drill.databases.new("bucket_restored", s3.bucket("restored"))
    started = time.monotonic()
    result = target.manage("restore", str(bucket_drill.backup), "--json")
    restore_seconds = time.monotonic() - started
    summary = json.loads(result.stdout)

    # Every table's rows, the schema and the sequences are the source's.
    source_rows = _rows(bucket_drill.source)
    assert _rows(target) == source_rows
    # Every object, by its SHA-256, in the other bucket, and none on the place's own disk.
    restored_objects = s3.objects("restored")
    assert restored_objects == source_objects
    assert _files(target.files) == {}
    # The large object went through the backup in chunks, never into its memory whole.
    assert bucket_drill.peak_bytes < LARGE_BYTES // 2, bucket_drill.peak_bytes

    tables = [t for t in source_rows if not t.startswith("(")]
    rows = sum(len(source_rows[t]) for t in tables)
    print(
        f"\nrestore drill, files in a bucket ({connection.vendor}): {len(restored_objects)} "
        f"objects ({summary['file_bytes']} bytes) compared by SHA-256, {rows} rows in "
        f"{len(tables)} tables compared; restore took {restore_seconds:.1f} s "
        f"({summary['seconds']}); the backup held at most {bucket_drill.peak_bytes / 2**20:.1f} "
        f"MiB at once while it copied a {LARGE_BYTES / 2**20:.0f} MiB object."
    )


def test_a_restore_goes_only_into_an_empty_bucket(drill: Drill, bucket_drill: BucketDrill) -> None:
    s3 = bucket_drill.s3
    target = drill.databases.new("bucket_occupied", s3.bucket("occupied"))
    # One object, two "folders" down: the storage is not empty though its top is.
    s3.client.put_object(Bucket="occupied", Key="cases/17/left-behind-v1", Body=b"%PDF-1.7")
    before = s3.objects("occupied")

    result = target.manage("restore", str(bucket_drill.backup), check=False)

    assert result.returncode != 0
    assert "The file storage is not empty" in result.stderr
    assert s3.objects("occupied") == before
    assert _no_tables(target)


def test_a_damaged_backup_is_refused_before_anything_is_written_to_a_bucket(
    drill: Drill, bucket_drill: BucketDrill
) -> None:
    s3 = bucket_drill.s3
    damaged = drill.databases.root / "bucket_damaged"
    # The last file a restore would copy: one that wrote as it checked would have written all
    # the others.
    name = _damaged_copy(bucket_drill.backup, damaged, -1)
    target = drill.databases.new("bucket_damaged_target", s3.bucket("damaged-target"))

    result = target.manage("restore", str(damaged), check=False)

    assert result.returncode != 0
    assert f"The file {name} does not match its checksum" in result.stderr
    assert _no_tables(target)
    assert s3.objects("damaged-target") == {}
