from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sundhedskoordinator.core"
    label = "core"
    verbose_name = "Fælles"
