"""The procedure under load: mixed roles doing the whole procedure and browsing against the
production server, and afterwards every case they created checked in the database.

Like bench/load.py (whose setup it uses) it builds a world in a temporary DATA_DIR (SQLite
there, or a fresh database on ``BENCH_DATABASE_URL``'s server, dropped afterwards) and starts
`make serve` on a free port; the application's clock is frozen at 21:30 on the next working day
(``CLOCK_FROZEN_AT``, with ``CLOCK_FROZEN_IN_PRODUCTION=yes``), so the meetings the
secretariat plans for that day, 07:00–21:00, have been held when the coordinators record the
conversations, and every step of the procedure can be done in one run. locust then runs
bench/procedure_locustfile.py headless: ``LOAD_USERS`` simulated users (50) for
``LOAD_SECONDS`` (120), each allowed to finish the task it is in when the time is up. The server
stops, and bench/procedure_check.py reads the database.

It passes when no request failed (an answer the scenario did not expect, a server error, a lost
connection) and every created case is there in the state its last action left it, with its
events and access-log rows. The figures are printed and written to
``bench/results/procedure/<date>-<database>-<seconds>s.json`` (or ``LOAD_RESULT``); the exit
status is 1 when it did not pass.

    make soak                                  # 10 minutes
    LOAD_SECONDS=120 python bench/procedure.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/procedure.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))  # noqa: PTH120
from load import (  # noqa: E402
    PYTHON,
    ROOT,
    WORKERS,
    build,
    database,
    environment,
    locust_command,
    run,
    serving,
)

RESULTS = ROOT / "bench" / "results" / "procedure"
#: The moment the application's clock stands still at: 21:30 in Copenhagen on today or the next
#: working day.
FROZEN_AT = """
import datetime as dt
from zoneinfo import ZoneInfo
from sundhedskoordinator.core.workingdays import is_working_day
day = dt.date.today()
while not is_working_day(day):
    day += dt.timedelta(days=1)
print(dt.datetime(day.year, day.month, day.day, 21, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
      .isoformat())
"""


def main() -> None:
    seconds = int(os.environ.get("LOAD_SECONDS", "120"))
    users = int(os.environ.get("LOAD_USERS", "50"))
    cases = int(os.environ.get("BENCH_CASES", "200"))
    data_dir = Path(tempfile.mkdtemp(prefix="bench-procedure-"))
    try:
        with database(data_dir) as (vendor, database_url):
            env = environment(data_dir, database_url)
            demo = {**env, "DJANGO_ENV": "demo"}
            moment = run([PYTHON, "manage.py", "shell", "-v0", "-c", FROZEN_AT], demo, capture=True)
            env["CLOCK_FROZEN_AT"] = moment.strip()
            run(["bash", "scripts/clamd.sh", "start"], env)
            try:
                build(env, cases)
                result = drive(env, seconds, users)
            finally:
                run(["bash", "scripts/clamd.sh", "stop"], env, check=False)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    result["database"] = vendor
    check = result["check"]
    # Something was done, all the way to a closed case, and nothing went wrong.
    passed = (
        result["failures"] == 0
        and result["server_errors"] == 0
        and check["problem_count"] == 0
        and check["cases_created"] > 0
        and check["states"].get("closed", 0) > 0
    )
    result["passed"] = passed
    path = Path(
        os.environ.get("LOAD_RESULT") or RESULTS / f"{result['date']}-{vendor}-{seconds}s.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(result))
    print(f"\nwritten to {path}")
    sys.exit(0 if passed else 1)


def drive(env: dict[str, str], seconds: int, users: int) -> dict[str, Any]:
    work = Path(env["DATA_DIR"])
    records = work / "records"
    records.mkdir()
    summary = work / "summary.json"
    with serving(env, CLOCK_FROZEN_IN_PRODUCTION="yes") as server:
        served = {**server["env"], "DJANGO_ENV": "production"}
        world = json.loads(
            run([PYTHON, "bench/world.py"], {**served, "BENCH_CLIENTS": str(users)}, capture=True)
        )
        plan = work / "plan.json"
        plan.write_text(
            json.dumps(
                {
                    "world": world,
                    "today": env["CLOCK_FROZEN_AT"][:10],
                    "records": str(records),
                    "summary": str(summary),
                }
            )
        )
        print(
            f"{world['cases']} cases; {users} users for {seconds} s; "
            f"the clock at {env['CLOCK_FROZEN_AT']}",
            flush=True,
        )
        started = time.perf_counter()
        with (work / "locust.log").open("w") as locust_log:
            subprocess.run(  # noqa: S603
                locust_command(
                    "bench/procedure_locustfile.py",
                    server["url"],
                    users=users,
                    spawn_rate=10,
                    # Each user finishes the task it is in, so that nothing is left half-told.
                    options=("--run-time", f"{seconds}s", "--stop-timeout", "300"),
                ),
                cwd=ROOT,
                env={**os.environ, "BENCH_PLAN": str(plan)},
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        ran = time.perf_counter() - started
        if not summary.exists():
            raise SystemExit(
                "locust wrote no summary:\n" + (work / "locust.log").read_text()[-3000:]
            )
    # The server has stopped: what is in the database now is what it acknowledged.
    check = json.loads(
        run([PYTHON, "bench/procedure_check.py", str(records)], served, capture=True)
    )
    figures = json.loads(summary.read_text())
    log_tail = (work / "locust.log").read_text()[-3000:]
    # The server's own account of what went wrong, if anything (its log is one JSON per line).
    server_errors = [
        line[:3000]
        for line in (work / "serve.log").read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line
    ]
    return {
        "date": time.strftime("%Y-%m-%d"),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": run(["git", "rev-parse", "--short", "HEAD"], env, capture=True).strip(),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "server": {"workers": WORKERS, "make": "serve", "clock": env["CLOCK_FROZEN_AT"]},
        "world": {"cases": world["cases"]},
        "users": users,
        "seconds": seconds,
        "run_seconds": round(ran, 1),
        **figures,
        "check": check,
        "locust_log_tail": log_tail,
        "server_errors": len(server_errors),
        "server_error_lines": server_errors[:5],
    }


def report(result: dict[str, Any]) -> str:
    check = result["check"]
    lines = [
        f"{result['database']}: {result['users']} users, {result['seconds']} s "
        f"({result['run_seconds']} s with the last tasks finished), "
        f"{result['world']['cases']} cases in the world",
        f"requests {result['requests']}, failures {result['failures']}; cases created "
        f"{check['cases_created']}, checked {check['cases_checked']} {check['states']}, "
        f"events {check['events_checked']}, health reads {check['health_reads_checked']} "
        f"(access-log rows {check['access_log_rows']}), problems {check['problem_count']}",
        "",
        "| kind | requests | failures | p50 ms | p95 ms |",
        "|---|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {k['name']} | {k['requests']} | {k['failures']} | {k['p50_ms']} | {k['p95_ms']} |"
        for k in result["kinds"]
    ]
    for message in result["failure_messages"] + check["problems"]:
        lines.append(f"  {message}")
    if not result["passed"]:
        lines.append(result["locust_log_tail"])
        lines += result["server_error_lines"]
    lines.append("PASSED" if result["passed"] else "FAILED")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
