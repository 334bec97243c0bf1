"""Queue the reminder scheduler unless a run is already queued; ``--now`` sends what is due
now, in this process, without queueing (for cron-driven deployments)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sundhedskoordinator.cases import reminders
from sundhedskoordinator.cases.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue the reminder scheduler (once), or send the due reminders now with --now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send what is due, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = reminders.send_due_reminders()
            self.stdout.write(f"{sent} reminders sent.")
            return
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(
            task_path=send_reminders.module_path, status="READY"
        ).exists()
        if queued:
            self.stdout.write("The reminder scheduler is already queued.")
            return
        send_reminders.enqueue()
        self.stdout.write("The reminder scheduler is queued; the worker runs it.")
