import logging

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "sundhedskoordinator.core"
    label = "core"
    verbose_name = "Fælles"

    def ready(self) -> None:
        if settings.CLOCK_FROZEN_AT is not None:
            # Every deadline follows the clock: a frozen one must never go unnoticed.
            logging.getLogger(__name__).warning(
                "The clock is frozen at %s (CLOCK_FROZEN_AT).", settings.CLOCK_FROZEN_AT
            )
