"""Backup and restore of the whole system: the database and every stored file, online and
consistent (``manage.py backup`` and ``manage.py restore``; docs/reliability.md).

A backup is a folder:

- ``database.sqlite3`` (SQLite's online backup API, a copy of one moment while the system goes on
  writing) or ``database.dump`` (``pg_dump`` in its custom format, run inside a snapshot this
  module holds open, so that the dump, the row counts and the list of referenced files are one and
  the same moment);
- ``files/``: every file of the storage (the local folder or the S3-compatible bucket, listed and
  copied through Django's storage API, a chunk at a time whatever a file's size);
- ``manifest.json``: the format, the database's vendor, the applied migrations, every table's
  row count and every file's size and SHA-256, the database copy's SHA-256 among them.

The snapshot of the database is taken first and the files are listed after it: a file is saved
before the row that names it commits, so every file the snapshot names is already there. One
that is not (a file removed in between) fails the backup instead of giving a backup that cannot
be restored whole.

A restore goes only into an empty place (no table in the database, no file in the storage), of
the same database vendor. It checks every checksum of the backup before it writes anything, and
afterwards counts every table's rows and reads every file back against the manifest. Nothing here
knows the domain: tables and file columns come from Django's model registry."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField

from sundhedskoordinator.core import clock

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
SQLITE_COPY = "database.sqlite3"
POSTGRES_DUMP = "database.dump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words; nothing was written
    to the target (a restore) or the backup folder is not to be used (a backup)."""


@dataclass
class Summary:
    """What a backup or a restore did, and how long it took."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    database_bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        timing = ", ".join(f"{part} {value:.1f} s" for part, value in self.seconds.items())
        return (
            f"{self.tables} tables with {self.rows} rows, {self.database_bytes} bytes of database; "
            f"{self.files} files, {self.file_bytes} bytes ({timing})"
        )


# --- what is where ------------------------------------------------------------------------------


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every model."""
    return [
        (model._meta.db_table, str(f.column))
        for model in apps.get_models(include_auto_created=True)
        for f in model._meta.concrete_fields
        if isinstance(f, FileField)
    ]


def _storage() -> Storage:
    return storages["default"]


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, through its listing (a local folder or a bucket alike)."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


@contextmanager
def _reading(storage: Storage, name: str) -> Iterator[Iterator[bytes]]:
    """A stored file's bytes, ``CHUNK`` at a time, whatever its size. An object in a bucket is
    streamed from the bucket: django-storages' own file object downloads the whole object into
    memory before the first byte is read (its ``max_memory_size`` is 0: no limit)."""
    with storage.open(name, "rb") as handle:
        if not _in_a_bucket(storage):
            yield iter(lambda: handle.read(CHUNK), b"")
            return
        # The S3 file's boto3 object, with the storage's prefix in its key; opening it has
        # already asked the bucket for it (a missing one is FileNotFoundError, as on disk).
        s3_file: Any = handle
        body = s3_file.obj.get()["Body"]
        try:
            yield body.iter_chunks(CHUNK)
        finally:
            body.close()


def _in_a_bucket(storage: Storage) -> bool:
    """Whether the storage is django-storages' S3 backend (whose module is loaded if it is; it is
    not imported otherwise, boto3 being slow to import)."""
    s3 = sys.modules.get("storages.backends.s3")
    return s3 is not None and isinstance(storage, s3.S3Storage)


def _name(identifier: str) -> str:
    """A table's or column's name, quoted; only the plain names Django makes are taken."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", identifier):
        raise BackupError(f"An unexpected table or column name: {identifier!r}")
    return f'"{identifier}"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _postgres_params() -> dict[str, str]:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }
    return {key: value for key, value in params.items() if value}


def _postgres_env() -> dict[str, str]:
    """pg_dump's and pg_restore's connection, by the environment (no password on a command
    line)."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
    names |= {"host": "PGHOST", "port": "PGPORT"}
    return {**os.environ, **{names[k]: v for k, v in _postgres_params().items()}}


def _vendor() -> str:
    return connection.vendor


# --- backup -------------------------------------------------------------------------------------


def backup(destination: Path) -> Summary:
    """Write a backup of the database and every stored file to ``destination`` (a new or empty
    folder)."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"The backup folder is not empty: {destination}")
    destination.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    started = time.monotonic()
    if _vendor() == "sqlite":
        database_file = destination / SQLITE_COPY
        tables, referenced, migrations = _backup_sqlite(database_file)
    elif _vendor() == "postgresql":
        database_file = destination / POSTGRES_DUMP
        tables, referenced, migrations = _backup_postgres(database_file)
    else:
        raise BackupError(f"No backup for the database {_vendor()}.")
    summary.seconds["database"] = time.monotonic() - started

    started = time.monotonic()
    storage = _storage()
    files: dict[str, dict[str, Any]] = {}
    for name in _walk(storage):
        target = destination / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with _reading(storage, name) as chunks, target.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        files[name] = {"bytes": size, "sha256": digest.hexdigest()}
    missing = sorted(referenced - files.keys())
    if missing:
        raise BackupError(
            f"{len(missing)} files the database names are not in the storage, e.g. {missing[0]}"
        )
    summary.seconds["files"] = time.monotonic() - started

    manifest = {
        "format": FORMAT,
        "created": clock.now().isoformat(),
        "vendor": _vendor(),
        "database": {
            "file": database_file.name,
            "bytes": database_file.stat().st_size,
            "sha256": _sha256(database_file),
        },
        "migrations": migrations,
        "tables": tables,
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    summary.tables = len(tables)
    summary.rows = sum(tables.values())
    summary.files = len(files)
    summary.file_bytes = sum(f["bytes"] for f in files.values())
    summary.database_bytes = manifest["database"]["bytes"]  # type: ignore[index]
    return summary


def _read_state(
    execute: Any, tables: list[str]
) -> tuple[dict[str, int], set[str], list[list[str]]]:
    """Row counts, referenced file names and applied migrations, through ``execute(sql)`` (a
    function that returns all rows) in the moment being copied."""
    # The names are the database's own tables and the models' columns, never input.
    counts = {t: int(execute(f"SELECT COUNT(*) FROM {_name(t)}")[0][0]) for t in tables}  # noqa: S608
    referenced: set[str] = set()
    for table, column in _file_columns():
        if table in counts:
            select = f"SELECT {_name(column)} FROM {_name(table)} WHERE {_name(column)} <> ''"  # noqa: S608
            rows = execute(select)
            referenced.update(row[0] for row in rows)
    recorder = _name(MigrationRecorder.Migration._meta.db_table)
    migrations = [
        [app, name]
        for app, name in execute(f"SELECT app, name FROM {recorder} ORDER BY app, name")  # noqa: S608
    ]
    return counts, referenced, migrations


def _backup_sqlite(
    target: Path,
) -> tuple[dict[str, int], set[str], list[list[str]]]:
    """SQLite's online backup: a copy of one committed moment, taken while writers go on (in WAL
    they are not held up). The counts and file names are read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        tables = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts, referenced, migrations = _read_state(
            lambda sql: copy.execute(sql).fetchall(), tables
        )
    finally:
        copy.close()
    return counts, referenced, migrations


def _backup_postgres(
    target: Path,
) -> tuple[dict[str, int], set[str], list[list[str]]]:
    """pg_dump inside a snapshot held open here: the dump, the counts and the referenced files
    are of the same moment, and the system goes on writing meanwhile."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    with psycopg.connect(make_conninfo(**_postgres_params())) as held:
        held.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = held.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        tables = [
            row[0]
            for row in held.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            ).fetchall()
        ]
        counts, referenced, migrations = _read_state(
            lambda sql: held.execute(sql).fetchall(), tables
        )
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            "pg_dump",
        )
        held.execute("COMMIT")
    return counts, referenced, migrations


def _run(command: list[str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{what} is not installed (Debian: postgresql-client).")
    result = subprocess.run(  # noqa: S603 - fixed programs, arguments from settings
        command, env=_postgres_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-500:]}")


# --- restore ------------------------------------------------------------------------------------


def restore(source: Path) -> Summary:
    """Restore the backup in ``source`` into the configured database and storage, which must be
    empty; every checksum is checked before anything is written, every table and file after."""
    summary = Summary()
    started = time.monotonic()
    manifest = _checked_manifest(source)
    if manifest["vendor"] != _vendor():
        raise BackupError(
            f"The backup is of {manifest['vendor']}; this system runs on {_vendor()}."
        )
    if _existing_tables():
        raise BackupError("The database is not empty: a restore goes only into an empty database.")
    storage = _storage()
    present = next(_walk(storage), None)
    if present is not None:
        raise BackupError("The file storage is not empty: a restore goes only into an empty one.")
    summary.seconds["check"] = time.monotonic() - started

    started = time.monotonic()
    database_file = source / manifest["database"]["file"]
    if _vendor() == "sqlite":
        _restore_sqlite(database_file)
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(database_file),
            ],
            "pg_restore",
        )
    summary.seconds["database"] = time.monotonic() - started

    started = time.monotonic()
    for name in sorted(manifest["files"]):
        with (source / FILES / name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The storage kept {name} as {saved}.")
    summary.seconds["files"] = time.monotonic() - started

    started = time.monotonic()
    _verify(manifest, storage)
    summary.seconds["verify"] = time.monotonic() - started
    summary.tables = len(manifest["tables"])
    summary.rows = sum(manifest["tables"].values())
    summary.files = len(manifest["files"])
    summary.file_bytes = sum(f["bytes"] for f in manifest["files"].values())
    summary.database_bytes = manifest["database"]["bytes"]
    return summary


def _checked_manifest(source: Path) -> dict[str, Any]:
    """The manifest, once the database copy and every file match their checksums."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"No readable {MANIFEST} in {source}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    database = source / manifest["database"]["file"]
    if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError(f"The database copy {database.name} does not match its checksum.")
    for name, expected in manifest["files"].items():
        path = source / FILES / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"The file {name} does not match its checksum.")
    return manifest


def _existing_tables() -> list[str]:
    return connection.introspection.table_names()


def _restore_sqlite(database_file: Path) -> None:
    """Copy the backup into the configured database through SQLite's backup API (which writes
    the target whole, with its triggers and indexes)."""
    connection.ensure_connection()
    copy = sqlite3.connect(database_file)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def _verify(manifest: dict[str, Any], storage: Storage) -> None:
    """Every table has the manifest's rows and migrations, every file its bytes and checksum."""
    with connection.cursor() as cursor:

        def execute(sql: str) -> list[Any]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        counts, _referenced, migrations = _read_state(execute, sorted(manifest["tables"]))
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"Restored row counts differ from the backup: {wrong}")
    if migrations != manifest["migrations"]:
        raise BackupError("The restored database's migrations differ from the backup's.")
    for name, expected in manifest["files"].items():
        digest = hashlib.sha256()
        with _reading(storage, name) as chunks:
            for chunk in chunks:
                digest.update(chunk)
        if digest.hexdigest() != expected["sha256"]:
            raise BackupError(f"The restored file {name} does not match its checksum.")
