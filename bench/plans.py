"""The query plans of the busiest reads on a generated world: the caseworker's case list (API, 100
a page), the same list searched, and a year's statistics for a region. Each request is made through
Django's test client against the database in DATABASE_URL (PostgreSQL, e.g. after
``manage.py generate_world``); every SELECT it sends is run again under EXPLAIN ANALYZE, and the
plans of the costliest three per request are printed as Markdown, with the indexes they use.

    DATABASE_URL=postgres://…/world .venv/bin/python bench/plans.py > plans.md
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sundhedskoordinator.api.tokens import issue_token  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402
from sundhedskoordinator.organisations.models import User  # noqa: E402

REQUESTS = [
    ("sagsbehandler", "API case list, 100 a page", "/api/v1/cases?page_size=100"),
    ("sagsbehandler", "API case list, searched", "/api/v1/cases?page_size=100&q=Nielsen"),
    (
        "sagsbehandler",
        "API case list, filtered by state",
        "/api/v1/cases?page_size=100&status=sent",
    ),
    (
        "klinisk",
        "Statistics for a year and a region",
        "/api/v1/statistics?from=2025-01-01&to=2025-12-31",
    ),
]


def _client(username: str) -> Client:
    user = User.objects.get(username=username)
    token = issue_token(user=user, name="plans", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench/plans.py reads PostgreSQL plans: set DATABASE_URL.")
    print(f"Cases in the database: {Case.objects.count():,}\n")
    for username, title, path in REQUESTS:
        client = _client(username)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        print(
            f"### {title}\n\n`GET {path}` as `{username}`: HTTP {response.status_code}, "
            f"{len(queries.captured_queries)} queries.\n"
        )
        plans = []
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
            timing = re.search(r"Execution Time: ([\d.]+)", lines[-1])
            total = float(timing.group(1)) if timing else 0.0
            plans.append((total, sql, lines))
        for total, sql, lines in sorted(plans, reverse=True)[:3]:
            indexes = sorted(
                set(
                    re.findall(
                        r"(?:Index|Bitmap Index) (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)",
                        "\n".join(lines),
                    )
                )
            )
            print(f"- {total:.1f} ms; indexes: {', '.join(indexes) or 'none'}\n")
            print("```sql\n" + sql[:1500] + ("…" if len(sql) > 1500 else "") + "\n```\n")
            print("```\n" + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
