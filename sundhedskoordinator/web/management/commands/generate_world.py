"""``manage.py generate_world --cases N``: the demo world plus a national synthetic one of N cases
for the scale benchmarks (``web.national``). Demo mode only."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings
from tqdm import tqdm

from sundhedskoordinator.web.national import check_sample, generate_world


class Command(BaseCommand):
    help = (
        "Load the demo world and add a national one: 5 regions, 98 municipalities with staff, "
        "and N cases over ten years in every state (demo mode only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="How many cases to add.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices.")
        parser.add_argument("--chunk", type=int, default=2000, help="Cases written per batch.")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes for the copies: 2 builds the rows in one while the other writes them "
            "(pays only when a core is free).",
        )
        parser.add_argument(
            "--check", type=int, default=200, help="How many generated cases to check after."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        call_command("load_demo", verbosity=0)
        # Without DEBUG's record of every query, which costs time and memory at this size.
        with (
            override_settings(DEBUG=False),
            tqdm(total=options["cases"], unit="sag", disable=options["verbosity"] == 0) as bar,
        ):
            summary = generate_world(
                options["cases"],
                seed=options["seed"],
                chunk=options["chunk"],
                workers=options["workers"],
                progress=bar.update,
            )
        problems = check_sample(options["check"], seed=options["seed"])
        elapsed = time.monotonic() - started
        for problem in problems[:20]:
            self.stderr.write(problem)
        if problems:
            raise SystemExit(f"{len(problems)} problems in the checked sample.")
        rows = sum(summary.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.cases} cases, {summary.meetings} meetings, {summary.access_logs} "
                f"access-log rows, {summary.settlements} settlements; {rows} rows written in "
                f"{elapsed:.0f} s ({summary.seconds}); {options['check']} cases checked."
            )
        )
