from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "sundhedskoordinator.access"
    label = "access"
    verbose_name = _("Adgang")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_delete, post_save

        from . import login
        from .services import record_login

        def remember_session(
            sender: object, request: object, user: object, **kwargs: object
        ) -> None:
            record_login(user=user, session=getattr(request, "session", None))  # type: ignore[arg-type]

        def membership_changed(sender: object, instance: object, **kwargs: object) -> None:
            from .policy import forget_grants

            forget_grants(instance.user_id)  # type: ignore[attr-defined]

        for signal in (post_save, post_delete):
            signal.connect(
                membership_changed,
                sender="organisations.RoleMembership",
                dispatch_uid=f"access.membership_changed.{signal is post_save}",
            )
        user_logged_in.connect(remember_session, dispatch_uid="access.remember_session")
        user_logged_in.connect(login.forget_failures, dispatch_uid="access.forget_failures")
        user_login_failed.connect(login.count_failure, dispatch_uid="access.count_failure")
        user_logged_out.connect(login.end_sessions_at_log_out, dispatch_uid="access.log_out")
        post_save.connect(
            login.end_sessions_on_password_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="access.password_change",
        )
