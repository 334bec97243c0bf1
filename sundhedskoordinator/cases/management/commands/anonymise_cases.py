import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sundhedskoordinator.cases.selectors import cases_due_for_anonymisation
from sundhedskoordinator.cases.services import anonymise_case
from sundhedskoordinator.core import clock


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same instant ``years`` calendar years earlier; 29 February goes back to the 28th.
    Counting days instead would anonymise a day early whenever the years hold more leap days
    than one in four."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


class Command(BaseCommand):
    help = (
        "List the closed cases past the retention period (RETENTION_YEARS, default 10) and, with "
        "--apply, anonymise them. Without --apply nothing changes (dry run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="Years after closing (default: RETENTION_YEARS).",
        )
        parser.add_argument("--apply", action="store_true", help="Anonymise, not only list.")

    def handle(self, *args: object, **options: object) -> None:
        years = options["years"] if options["years"] is not None else settings.RETENTION_YEARS
        assert isinstance(years, int)  # noqa: S101 - argparse gives an int
        limit = _years_before(clock.now(), years)
        due = list(cases_due_for_anonymisation(closed_before=limit))
        verb = "Anonymised" if options["apply"] else "Would anonymise"
        for case in due:
            # The reference and dates only: never a name or a CPR number in the output.
            self.stdout.write(f"{verb} {case.reference} (closed {case.closed_at:%Y-%m-%d})")
            if options["apply"]:
                anonymise_case(case_id=case.pk)
        if not options["apply"]:
            self.stdout.write(
                f"Dry run: {len(due)} case(s) closed before {limit:%Y-%m-%d}. "
                "Run again with --apply to anonymise them."
            )
        else:
            self.stdout.write(f"{len(due)} case(s) anonymised.")
