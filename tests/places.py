"""Places the commands of a test run in: a database of the suite's vendor (an SQLite file, or a
fresh PostgreSQL database next to the test database, dropped at the end) with its own DATA_DIR,
and the environment a ``manage.py`` process there is started with."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
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

    def new(self, label: str) -> Place:
        data_dir = self.root / label
        data_dir.mkdir()
        if connection.vendor == "sqlite":
            return Place(data_dir, f"sqlite:///{data_dir / 'db.sqlite3'}")
        name = f"drill_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        with self._server() as server:
            server.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return Place(data_dir, self.url(name))

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
