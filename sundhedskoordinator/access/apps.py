from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "sundhedskoordinator.access"
    label = "access"
    verbose_name = _("Adgang")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .services import record_login

        def remember_session(
            sender: object, request: object, user: object, **kwargs: object
        ) -> None:
            record_login(user=user, session=getattr(request, "session", None))  # type: ignore[arg-type]

        user_logged_in.connect(remember_session, dispatch_uid="access.remember_session")
