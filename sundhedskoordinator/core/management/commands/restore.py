"""``manage.py restore FOLDER``: a backup into an empty database and storage, checked before and
after (``core.backup``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sundhedskoordinator.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database and file storage, which must be empty; "
        "every checksum is checked before anything is written, every table and file after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="The backup to restore.")
        parser.add_argument(
            "--json", action="store_true", help="Print the summary as JSON (for drills)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.__dict__))
        else:
            self.stdout.write(self.style.SUCCESS(f"Restored: {summary.line()}"))
