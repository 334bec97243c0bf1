from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    """A rehab-team meeting (the seed procedure) or a stand-alone conversation, for agreements
    without a team meeting (lov nr. 1750 af 29/12/2025 drops the rehab-team requirement)."""

    REHAB_TEAM = "rehab_team", _("Rehabiliteringsteammøde")
    CONVERSATION = "conversation", _("Selvstændig samtale")


class CancelCode(models.TextChoices):
    """Why a conversation, an agenda item or a whole meeting was cancelled: statistics count by
    it, and billing bills a cancellation after dispatch only when the cause lies with the
    citizen (``CITIZEN_CAUSED``)."""

    CITIZEN_ABSENT = "citizen_absent", _("Borgeren kom ikke")
    COORDINATOR_ILL = "coordinator_ill", _("Sundhedskoordinatoren er syg")
    MEETING_MOVED = "meeting_moved", _("Mødet er flyttet")
    CITIZEN_WITHDREW = "citizen_withdrew", _("Borgeren har trukket anmodningen tilbage")
    OTHER = "other", _("Anden årsag")
    # The whole meeting was cancelled for another reason: the cause is not the citizen's.
    MEETING_CANCELLED = "meeting_cancelled", _("Mødet er aflyst")


#: The codes a whole meeting can be cancelled for (the citizen's own do not cancel a meeting).
MEETING_CANCEL_CODES = (CancelCode.COORDINATOR_ILL, CancelCode.MEETING_MOVED, CancelCode.OTHER)

#: Cancellations whose cause lies with the citizen. After dispatch, only these may be billed,
#: and only where the region's rate bills cancellations; "" is an item cancelled before the
#: codes existed, billed as before.
CITIZEN_CAUSED = frozenset(
    {CancelCode.CITIZEN_ABSENT, CancelCode.CITIZEN_WITHDREW, CancelCode.OTHER, ""}
)


class RightGroup(models.TextChoices):
    """Which citizens have the right to a health coordinator: those in a ressourceforløb (LAB
    § 113, stk. 3). A later rule may name other groups; the agreement version lists them."""

    RESOURCE_COURSE = "resource_course", _("Borgere i ressourceforløb")
