"""Places the commands of a test run in: a database of the suite's vendor (an SQLite file, or a
fresh PostgreSQL database next to the test database, dropped at the end) with its own DATA_DIR,
and the environment a ``manage.py`` process there is started with; and an S3-compatible object
storage (moto's server mode) whose buckets a place can keep its files in."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Place:
    """A database and a DATA_DIR (with its file storage) that commands run against."""

    data_dir: Path
    database_url: str
    #: More of the environment every process started here gets.
    extra: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_ENV", "STORAGE_S3_BUCKET"}
        }
        return env | {
            "DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "CLAMAV_SOCKET": settings.CLAMAV_SOCKET,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **self.extra,
            **extra,
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows straight from the database, not through the code under test."""
        if self.database_url.startswith("sqlite"):
            import sqlite3

            db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(sql).fetchall()  # type: ignore[call-overload]

    @property
    def files(self) -> Path:
        return self.data_dir / "files"


class Databases:
    """Fresh databases of the suite's vendor, removed at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: list[str] = []

    def new(self, label: str, extra: dict[str, str] | None = None) -> Place:
        """An empty database and DATA_DIR; ``extra`` is more of their processes' environment
        (``ObjectStorage.bucket``'s, for a place that keeps its files in a bucket)."""
        data_dir = self.root / label
        data_dir.mkdir()
        if connection.vendor == "sqlite":
            return Place(data_dir, f"sqlite:///{data_dir / 'db.sqlite3'}", dict(extra or {}))
        name = f"drill_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        with self._server() as server:
            server.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return Place(data_dir, self.url(name), dict(extra or {}))

    def url(self, name: str) -> str:
        db = settings.DATABASES["default"]
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        return f"postgres://{user}{password}@{host}/{name}"

    def _server(self) -> Any:
        import psycopg

        db = settings.DATABASES["default"]
        return psycopg.connect(
            dbname="postgres",
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            autocommit=True,
        )

    def drop(self) -> None:
        for name in self.made:
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A TCP port of the loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop_group(popen: subprocess.Popen[bytes], *, grace: float = 15) -> None:
    """Stop a server started in its own session (``start_new_session``) with all its workers:
    SIGTERM to the group, a graceful shutdown of ``grace`` seconds, then SIGKILL."""
    if popen.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, signal.SIGTERM)
    try:
        popen.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=5)


class ObjectStorage:
    """An S3-compatible object storage: moto's server mode on a free port of the loopback, started
    in its own session and stopped when the ``with`` block ends. It takes any key."""

    REGION = "eu-north-1"
    KEY = "testing"

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.popen: subprocess.Popen[bytes] | None = None
        import boto3

        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.REGION,
            aws_access_key_id=self.KEY,
            aws_secret_access_key=self.KEY,
        )

    def __enter__(self) -> ObjectStorage:
        port = str(self.port)
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - the environment's own moto
                [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", port],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.popen.poll() is not None:
                self.__exit__()
                raise AssertionError(f"moto stopped:\n{self.tail()}")
            try:
                self.client.list_buckets()
                return self
            except Exception:  # noqa: BLE001 - the server is not listening yet
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise AssertionError(f"moto did not answer:\n{self.tail()}") from None
                time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        if self.popen is not None:
            stop_group(self.popen)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def bucket(self, name: str) -> dict[str, str]:
        """A new, empty bucket, and the environment that keeps a place's files in it (the
        settings' STORAGE_S3_* variables)."""
        self.client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.REGION}
        )
        return {
            "STORAGE_S3_BUCKET": name,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint,
            "STORAGE_S3_REGION": self.REGION,
            "STORAGE_S3_ACCESS_KEY_ID": self.KEY,
            "STORAGE_S3_SECRET_ACCESS_KEY": self.KEY,
            "STORAGE_S3_ADDRESSING_STYLE": "path",
        }

    def keys(self, bucket: str) -> Iterator[str]:
        """Every object's key in the bucket, through the listing's pages."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"]

    def objects(self, bucket: str) -> dict[str, str]:
        """Every object in the bucket by key, with its SHA-256, read straight from the bucket
        (not through the code under test)."""
        found = {}
        for key in self.keys(bucket):
            digest = hashlib.sha256()
            body = self.client.get_object(Bucket=bucket, Key=key)["Body"]
            for chunk in body.iter_chunks(1024 * 1024):
                digest.update(chunk)
            found[key] = digest.hexdigest()
        return found


def as_a_wal_file(path: Path) -> dict[str, Any]:
    """The suite's SQLite database copied into a file in WAL mode, and the settings that open it
    as production does (the journal mode, BEGIN IMMEDIATE and the busy timeout come from the same
    OPTIONS). The in-memory test database has a shared cache, where a second writer fails at once
    instead of waiting for the first, so threads that race each other run on such a copy. The copy
    is in WAL before anyone opens it: racers that all switched a fresh copy's journal at their first
    query would refuse each other ("database is locked")."""
    import sqlite3

    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
    return {**connection.settings_dict, "NAME": str(path)}
