"""Queue the reminder scheduler unless a run is already queued; the task worker runs it and it
queues its own next run (``cases/tasks.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sundhedskoordinator.cases.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue the reminder scheduler, unless a run is already queued."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = DBTaskResult.objects.filter(
            task_path=send_reminders.module_path, status=TaskResultStatus.READY
        ).exists()
        if queued:
            self.stdout.write("The reminder scheduler is already queued.")
            return
        send_reminders.enqueue()
        self.stdout.write("The reminder scheduler is queued; the worker runs it.")
