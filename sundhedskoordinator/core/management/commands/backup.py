"""``manage.py backup FOLDER``: the database and every stored file, online and consistent
(``core.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sundhedskoordinator.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new or empty folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="Where the backup goes (new or empty).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up: {summary.line()}"))
