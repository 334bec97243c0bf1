"""After the procedure's load (bench/procedure.py): every case a simulated user created is in the
database in the state and version the last action on it left it, with exactly the events the
actions wrote, and with at least one access-log row of the acting user for each answer that
showed that user the case's health data. Reads the records of bench/procedure_locustfile.py from
the folder given, the database straight from the server's settings, and prints the outcome as
JSON.

Run by bench/procedure.py with the server's own environment, once the server has stopped.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from sundhedskoordinator.access.models import AccessLog  # noqa: E402
from sundhedskoordinator.audit.models import CaseEvent  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402


def merged(folder: Path) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """The cases created, and per case the state of its latest version, every event the users'
    actions wrote, and the health reads per demo user."""
    created: list[int] = []
    cases: dict[int, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        created += record["created"]
        for key, mine in record["cases"].items():
            case = cases.setdefault(
                int(key), {"status": "", "version": 0, "events": Counter(), "reads": Counter()}
            )
            if mine["version"] > case["version"]:
                case["status"], case["version"] = mine["status"], mine["version"]
            case["events"].update(mine["events"])
            case["reads"][record["username"]] += mine["health_reads"]
    return created, cases


def main() -> None:
    created, expected = merged(Path(sys.argv[1]))
    problems: list[str] = []
    if len(set(created)) != len(created):
        problems.append("a case id was recorded as created twice")
    stored = {c.pk: c for c in Case.objects.filter(pk__in=expected)}
    events: dict[int, Counter[str]] = {pk: Counter() for pk in expected}
    for pk, kind in CaseEvent.objects.filter(case_id__in=expected).values_list("case_id", "kind"):
        events[pk][kind] += 1
    reads: dict[tuple[int, str], int] = {
        (row["case_id"], row["user__username"]): row["n"]
        for row in AccessLog.objects.filter(case_id__in=expected)
        .values("case_id", "user__username")
        .annotate(n=Count("id"))
    }
    for pk in created:
        if pk not in expected:
            problems.append(f"case {pk}: created but never recorded")
    for pk, want in sorted(expected.items()):
        case = stored.get(pk)
        if case is None:
            problems.append(f"case {pk}: missing")
            continue
        if (case.status, case.version) != (want["status"], want["version"]):
            problems.append(
                f"case {pk}: {case.status} version {case.version}, "
                f"left {want['status']} version {want['version']}"
            )
        if events[pk] != want["events"]:
            problems.append(f"case {pk}: events {dict(events[pk])}, written {dict(want['events'])}")
        for username, count in want["reads"].items():
            if reads.get((pk, username), 0) < count:
                problems.append(
                    f"case {pk}: {reads.get((pk, username), 0)} access-log rows of {username}, "
                    f"{count} reads of health data"
                )
    print(
        json.dumps(
            {
                "cases_created": len(created),
                "cases_checked": len(stored),
                "states": dict(Counter(expected[pk]["status"] for pk in stored)),
                "events_checked": sum(sum(c.values()) for c in events.values()),
                "health_reads_checked": sum(
                    sum(want["reads"].values()) for want in expected.values()
                ),
                "access_log_rows": sum(reads.values()),
                "problems": problems[:50],
                "problem_count": len(problems),
            }
        )
    )


if __name__ == "__main__":
    main()
