"""``scripts/serve.sh`` refuses a mode it does not know instead of starting production: a typo
of ``dev`` must not migrate a database and collect static files. (The crash and scale-out tests
start the script itself and stop it.)"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_an_unknown_mode_is_refused_before_anything_runs():
    result = subprocess.run(  # noqa: S603
        ["bash", "scripts/serve.sh", "devv"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SERVE_PYTHON": "/nonexistent/python"},
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr and "[production|dev]" in result.stderr
    assert result.stdout == ""
