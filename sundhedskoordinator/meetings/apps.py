from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sundhedskoordinator.meetings"
    label = "meetings"
    verbose_name = _("Møder og dagsordener")
