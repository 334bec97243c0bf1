"""The demo world's collaboration agreements: Region Syddanmark works by the seed procedure
(Bilag 13, August 2021: the conversation at a rehab-team meeting), Region Hovedstaden has, beside
it, a version for the 2026 reform (lov nr. 1750 af 29. december 2025) from 1 July 2026: no
rehab-team requirement, and stand-alone conversation meetings. The two kinds stand side by
side in the demo."""

from __future__ import annotations

import datetime as dt

from sundhedskoordinator.organisations.models import Region

from .choices import MeetingKind, RightGroup
from .models import SEED_VALID_FROM, CollaborationAgreement

REFORM_VALID_FROM = dt.date(2026, 7, 1)


def load_demo_agreements() -> int:
    """Every demo region's seed version, and Region Hovedstaden's reform version; returns how
    many versions were new (running it again adds nothing)."""
    created = 0
    for region in Region.objects.all():
        _seed, made = CollaborationAgreement.objects.get_or_create(
            region=region,
            valid_from=SEED_VALID_FROM,
            defaults={"name": "Bilag 13 (august 2021)"},
        )
        created += made
    hovedstaden = Region.objects.filter(code="1084").first()
    if hovedstaden is not None:
        _reform, made = CollaborationAgreement.objects.get_or_create(
            region=hovedstaden,
            valid_from=REFORM_VALID_FROM,
            defaults={
                "name": "Reform 2026 (lov nr. 1750 af 29. december 2025)",
                "meeting_kinds": [MeetingKind.CONVERSATION.value, MeetingKind.REHAB_TEAM.value],
                "rehab_team_required": False,
                # Citizens already in a ressourceforløb keep the right.
                "right_groups": [RightGroup.RESOURCE_COURSE.value],
                "meeting_phrase": "en samtale med sundhedskoordinatoren på jobcentret",
            },
        )
        created += made
    return created
