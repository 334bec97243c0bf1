"""The purposes for which a role that is on a case only for its own tasks may open the case's
health data (DESIGN section 2: the secretariat sees metadata only unless needed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    MEETING_PREPARATION = "meeting_preparation", _("Forberedelse af møde")
    COMPLAINT = "complaint", _("Behandling af klage")
    SUPERVISION = "supervision", _("Tilsyn")


#: Purposes that open health data of a case that is closed, rejected or withdrawn: a finished
#: case is only reopened to answer a complaint or for supervision, never to prepare a meeting.
CLOSED_CASE_PURPOSES = frozenset({Purpose.COMPLAINT, Purpose.SUPERVISION})
