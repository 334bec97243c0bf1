from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sundhedskoordinator.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once the app registry is
        # ready, and ``tokens`` imports the token model.
        from sundhedskoordinator.access.signals import credentials_ended

        from . import tokens

        credentials_ended.connect(tokens.revoke_all, dispatch_uid="api.revoke_tokens")
