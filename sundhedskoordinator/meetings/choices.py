from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    """A rehab-team meeting (the seed procedure) or a stand-alone conversation, for agreements
    without a team meeting (lov nr. 1750 af 29/12/2025 drops the rehab-team requirement)."""

    REHAB_TEAM = "rehab_team", _("Rehabiliteringsteammøde")
    CONVERSATION = "conversation", _("Selvstændig samtale")
