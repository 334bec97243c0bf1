"""The background hand-over of Digital Post (Django's Tasks API; the database worker runs it)."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def deliver_letter(*, delivery_id: int) -> str:
    return services.deliver(delivery_id)
