"""The procedure under load (issue 19, "Load"): 50 simulated users of mixed roles doing the whole
procedure and browsing against the production server (`make serve`) for two minutes, with no
failed request, and afterwards every case they created in the database in the state they left
it, with its events and access-log rows (bench/procedure.py does the run and the check).

Slow (several minutes with the world and the server's start): deselected in `make test`, run by
`make test-slow`; `make soak` runs the same for ten minutes. On the PostgreSQL run of the suite
the load goes to a fresh database on the same server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_fifty_users_doing_the_procedure_for_two_minutes(tmp_path: Path) -> None:
    result = tmp_path / "load.json"
    env = {
        **os.environ,
        "LOAD_SECONDS": "120",
        "LOAD_USERS": "50",
        "LOAD_RESULT": str(result),
    }
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        env["BENCH_DATABASE_URL"] = database_url
    done = subprocess.run(  # noqa: S603
        [sys.executable, "bench/procedure.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert result.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(result.read_text(encoding="utf-8"))
    check = figures["check"]
    print(done.stdout[-6000:])
    assert figures["failures"] == 0, figures["failure_messages"]
    assert figures["server_errors"] == 0, figures["server_error_lines"]
    assert check["problems"] == []
    assert check["cases_created"] == check["cases_checked"] > 0
    # The whole procedure: some cases went all the way to closed.
    assert check["states"].get("closed", 0) > 0, check["states"]
    assert figures["requests"] > 0
    assert done.returncode == 0
