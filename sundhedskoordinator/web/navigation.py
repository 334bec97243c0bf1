"""Where each role goes next from the start page. Pages join this list as they are built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.meetings.models import CollaborationAgreement
from sundhedskoordinator.meetings.selectors import agreements_by_region
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import RoleMembership


@dataclass(frozen=True)
class NextStep:
    title: str | Promise
    text: str | Promise
    url_name: str | None = None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


ROLE_TASKS: dict[str, str | Promise] = {
    Role.CASEWORKER: _(
        "Du registrerer tilbud og vejledning, opretter anmodninger på borgerens vegne, vedhæfter "
        "dokumenter, deltager i samtalen og tager stilling til rådgivningen."
    ),
    Role.JOB_BROKER: _(
        "Som personlig jobformidler gør du det samme som den koordinerende sagsbehandler i de "
        "sager, hvor du er den ansvarlige."
    ),
    Role.SECRETARIAT: _(
        "Du planlægger rehabiliteringsteamets møder og dagsordener og sender sagerne til "
        "sundhedskoordinatoren senest %(days)s hverdage før mødet."
    ),
    Role.COORDINATOR: _(
        "Du forbereder dig på de sager, du har fået tilsendt, holder samtalen med borger og "
        "sagsbehandler og skriver den sundhedsfaglige rådgivning lige efter."
    ),
    Role.CLINICAL_ADMIN: _(
        "Du holder styr på koordinatorernes vagtplan, takster, afregning og regionens statistik."
    ),
    Role.MANAGER: _("Du følger statistik og afregning for din organisation (kun læseadgang)."),
    Role.CITIZEN: _(
        "Du kan se de tilbud, kommunen har givet dig, bede om en samtale med en "
        "sundhedskoordinator, følge din sag og se, hvem der har set dine oplysninger."
    ),
    Role.ADMIN: _("Du administrerer brugere, organisationer og opsætning."),
}

_CASES = NextStep(_("Sager"), _("Sagerne i din organisation, nærmeste frist først."), "cases:list")
_MEETINGS = NextStep(_("Møder"), _("Rehabiliteringsteamets møder og dagsordener."), "meetings:list")
_OVERVIEW = NextStep(_("Overblik"), _("Sager pr. status og frister i fare."), "cases:overview")
_STATISTICS = NextStep(
    _("Statistik"),
    _("Anmodninger, afvisninger, gennemløbstider, rettidig afsendelse og udfald."),
    "reports:statistics",
)
_SETTLEMENT = NextStep(
    _("Afregning"),
    _("Sager til afregning pr. kommune og periode, CSV og Excel."),
    "billing:settlement",
)
_RATES = NextStep(_("Takster"), _("Regionens takst pr. sag og dens gyldighed."), "billing:rates")

ROLE_NEXT_STEPS: dict[str, list[NextStep]] = {
    Role.CASEWORKER: [
        NextStep(_("Opret sag"), _("Registrér tilbuddet og borgerens anmodning."), "cases:create"),
        _CASES,
        NextStep(
            _("Borgere"),
            _("Ressourceforløb, vejledning om retten og borgere, der mangler den."),
            "citizens:list",
        ),
    ],
    Role.JOB_BROKER: [_CASES],
    Role.SECRETARIAT: [_MEETINGS, _CASES, _OVERVIEW],
    Role.COORDINATOR: [_CASES, _MEETINGS],
    Role.CLINICAL_ADMIN: [_OVERVIEW, _CASES, _SETTLEMENT, _RATES, _STATISTICS],
    Role.MANAGER: [_OVERVIEW, _STATISTICS, _SETTLEMENT],
    Role.CITIZEN: [
        NextStep(
            _("Mine sager"), _("Dine tilbud, din anmodning og svaret fra kommunen."), "cases:list"
        ),
        NextStep(
            _("Hvem har set mine oplysninger?"),
            _("Se, hvem der har læst oplysningerne i dine sager, og hvornår."),
            "web:my-access-log",
        ),
    ],
    Role.ADMIN: [
        NextStep(
            _("Administration"),
            _("Brugere, roller, regioner, kommuner og rehabiliteringsteams."),
            "admin:index",
        )
    ],
}


def tasks_for(
    memberships: list[RoleMembership],
    agreements_in_force: Callable[[], dict[int, CollaborationAgreement]] = agreements_by_region,
) -> list[tuple[RoleMembership, str]]:
    """What each role does, in a sentence; the secretariat's names the deadline of its region's
    agreement. The agreements (``agreements_in_force()``, by default ``agreements_by_region``)
    are asked for once, and only for a secretariat, however many municipalities it serves (the
    memberships come with their municipality)."""
    agreements = (
        agreements_in_force() if any(m.role == Role.SECRETARIAT for m in memberships) else {}
    )
    tasks = []
    for membership in memberships:
        text = str(ROLE_TASKS.get(membership.role, ""))
        if membership.role == Role.SECRETARIAT:
            region_id = membership.municipality.region_id  # type: ignore[union-attr]
            text %= {"days": agreements[region_id].dispatch_working_days}
        tasks.append((membership, text))
    return tasks


def next_steps_for(roles: list[str]) -> list[NextStep]:
    """The links for every role the user holds, each once, in the order of the roles."""
    seen: set[str | None] = set()
    steps = []
    for role in roles:
        for step in ROLE_NEXT_STEPS.get(role, []):
            if step.url_name not in seen:
                seen.add(step.url_name)
                steps.append(step)
    return steps
