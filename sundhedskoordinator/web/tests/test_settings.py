"""Production settings are checked in a fresh process, as a deployment would load them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "sundhedskoordinator.example.dk",
    "CPR_ENCRYPTION_KEYS": "q8Ckz1dmGZ1wOq3l4nX5ytxh7bB8YjdWb1Y0tqS2lAs=",
    "CPR_HASH_KEY": "a-keyed-hash-secret-for-cpr-lookups-0123456789",
    "SITE_URL": "https://sundhedskoordinator.example.dk",
}


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_cpr_keys(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "CPR_ENCRYPTION_KEYS"}
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "CPR_ENCRYPTION_KEYS is required" in result.stderr
    assert not (tmp_path / "cpr_encryption_keys").exists()


def test_production_refuses_to_start_without_its_public_address(tmp_path):
    """E-mails link to SITE_URL; a production default would send people to 127.0.0.1."""
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SITE_URL is required" in result.stderr


def test_production_refuses_a_fixed_clock_without_the_second_switch(tmp_path):
    """A fixed clock in a live deployment would put every deadline wrong."""
    fixed = {**PRODUCTION, "CLOCK_FROZEN_AT": "2030-11-25T10:00:00+01:00"}
    result = _manage("check", env=fixed, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "CLOCK_FROZEN_AT is refused in production" in result.stderr
    allowed = _manage(
        "check", env={**fixed, "CLOCK_FROZEN_IN_PRODUCTION": "yes"}, tmp_path=tmp_path
    )
    assert allowed.returncode == 0, allowed.stderr


def test_production_refuses_demo_data(tmp_path):
    result = _manage("load_demo", env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "only loaded in demo mode" in result.stderr


def test_demo_mode_generates_a_secret_key_once_and_keeps_it(tmp_path):
    for _ in range(2):
        assert _manage("check", env={}, tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    _manage("check", env={}, tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


def test_passwords_are_hashed_with_argon2_first():
    from sundhedskoordinator import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_bench_baseline_puts_the_query_counter_first(tmp_path):
    show = "from django.conf import settings as s; print(s.BENCH_BASELINE, s.MIDDLEWARE[0])"
    result = _manage(
        "shell", "--no-imports", "-c", show, env={"BENCH_BASELINE": "1"}, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "sundhedskoordinator.web.middleware.QueryCountMiddleware",
    ]


#: Two requests through Django's WSGI handler in a fresh process, as gunicorn serves them (the
#: test client keeps connections open whatever the settings), with a connection open before
#: them: after each, the connection Django holds, or None when it was closed at the end of the
#: request.
TWO_REQUESTS = """
import json
from wsgiref.util import setup_testing_defaults
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

app = WSGIHandler()
connection.ensure_connection()
held = []
for _ in range(2):
    environ = {"PATH_INFO": "/health/live", "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()  # as a WSGI server does: Django's request_finished
    held.append([statuses[0], id(connection.connection) if connection.connection else None])
print("HELD " + json.dumps(held))
"""


@pytest.mark.django_db
def test_a_worker_keeps_its_database_connection_between_requests(tmp_path):
    """Opening a connection for every request cost PostgreSQL a new server process each time:
    with the connection kept, the same world served 45-80 % more requests a second
    (docs/performance.md). Served as `make serve` serves: a fresh process, default settings.
    ``/health/live`` reads nothing, so the connection opened before the requests is the one
    each request starts and ends with, unless Django closes it."""
    from django.db import connection

    # The default, whatever the shell running the suite has set.
    env = {"DJANGO_ENV": "demo", "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": ""}
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        env["DATABASE_URL"] = (
            f"postgres://{db.get('USER') or 'postgres'}{password}@{host}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = _manage("shell", "--no-imports", "-c", TWO_REQUESTS, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    held = json.loads(
        next(line for line in result.stdout.splitlines() if line.startswith("HELD "))[5:]
    )
    (first_status, first), (second_status, second) = held
    assert first_status.startswith("200") and second_status.startswith("200"), held
    assert first is not None, "the connection was closed at the end of the first request"
    assert second == first, "the connection was closed at the end of the second request"


def test_an_empty_data_dir_is_the_default_not_the_current_directory(tmp_path):
    """``DATA_DIR=`` (set, but to nothing) means the default ``var/`` as it does for the scripts
    (``${DATA_DIR:-…}``), never the directory the command runs in: demo mode writes its keys
    into DATA_DIR, and in a checkout they would sit beside the code, ready to be committed."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ENV"}}
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DATA_DIR)",
        ],
        cwd=tmp_path,
        # Keys given, so that nothing is written into the default directory either.
        env={
            **clean,
            **{k: v for k, v in PRODUCTION.items() if k.startswith(("SECRET", "CPR"))},
            "DATA_DIR": "",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]).resolve() == (ROOT / "var").resolve()
    assert list(tmp_path.iterdir()) == []
