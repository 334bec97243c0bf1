"""The demo world's organisations and users (DESIGN section 7). Loading it twice changes nothing.

Demo passwords exist only in demo mode: ``load_demo_organisations`` refuses to run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .choices import Role
from .models import Municipality, Region, RehabTeam, User
from .services import grant_role

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, refused outside demo mode

REGIONS = [
    # code, name, Klinisk Funktion
    ("1083", "Region Syddanmark", "Klinisk Funktion, Region Syddanmark"),
    ("1084", "Region Hovedstaden", "Klinisk Funktion, Region Hovedstaden"),
]
MUNICIPALITIES = [
    # code, name, region code, team location
    ("461", "Odense Kommune", "1083", "Jobcenter Odense, Ørbækvej 64, 5220 Odense SØ"),
    ("479", "Svendborg Kommune", "1083", "Jobcenter Svendborg, Ramsherred 5, 5700 Svendborg"),
    ("101", "Københavns Kommune", "1084", "Jobcenter København, Gyldenløvesgade 15, 1600 Kbh V"),
]

#: The municipalities' CVR numbers, the senders of their Digital Post.
CVR = {"461": "35209115", "479": "29189684", "101": "64942212"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    municipality: str | None = None  # municipality code
    region: str | None = None  # region code


USERS = [
    DemoUser("sagsbehandler", "Sara", "Holm", Role.CASEWORKER, municipality="461"),
    DemoUser("jobformidler", "Jonas", "Friis", Role.JOB_BROKER, municipality="461"),
    DemoUser("sekretariat", "Signe", "Krogh", Role.SECRETARIAT, municipality="461"),
    DemoUser("koordinator", "Karen", "Lund", Role.COORDINATOR, region="1083"),
    DemoUser("klinisk", "Kristian", "Bach", Role.CLINICAL_ADMIN, region="1083"),
    DemoUser("leder", "Lene", "Dahl", Role.MANAGER, municipality="461"),
    DemoUser("borger", "Bente", "Nielsen", Role.CITIZEN),
    DemoUser("admin", "Anders", "Mikkelsen", Role.ADMIN),
    DemoUser("sagsbehandler2", "Søren", "Vestergaard", Role.CASEWORKER, municipality="101"),
    # Beyond DESIGN section 7: Copenhagen's secretariat, so that the second region's cases can
    # move along the whole procedure too.
    DemoUser("sekretariat2", "Sofie", "Winther", Role.SECRETARIAT, municipality="101"),
    DemoUser("borger2", "Bo", "Jensen", Role.CITIZEN),
    DemoUser("koordinator2", "Katrine", "Munk", Role.COORDINATOR, region="1084"),
    # Region Hovedstaden's Klinisk Funktion, which keeps that region's rates.
    DemoUser("klinisk2", "Klaus", "Brandt", Role.CLINICAL_ADMIN, region="1084"),
]


def load_demo_organisations() -> dict[str, User]:
    """Create or refresh the demo regions, municipalities, teams and users; return the users."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo world is only loaded in demo mode.")
    with transaction.atomic():
        regions = {}
        for code, name, clinical in REGIONS:
            regions[code], _ = Region.objects.update_or_create(
                code=code, defaults={"name": name, "clinical_function_name": clinical}
            )
        municipalities = {}
        for code, name, region_code, location in MUNICIPALITIES:
            municipality, _ = Municipality.objects.update_or_create(
                code=code,
                defaults={"name": name, "region": regions[region_code], "cvr": CVR[code]},
            )
            municipalities[code] = municipality
            RehabTeam.objects.update_or_create(
                municipality=municipality,
                name=f"Rehabiliteringsteamet i {name}",
                defaults={"location": location},
            )
        users = {}
        for spec in USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{spec.username}@demo.invalid",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            if spec.role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
            grant_role(
                user=user,
                role=spec.role,
                municipality=municipalities[spec.municipality] if spec.municipality else None,
                region=regions[spec.region] if spec.region else None,
            )
            users[spec.username] = user
    return users
