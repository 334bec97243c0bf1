"""What the pages say of a case to the citizen, in plain second-person Danish (lazy: translated
per request)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from .choices import Status

#: What each status means, in plain Danish for the citizen (lazy: translated per request).
CITIZEN_STATUS = {
    Status.DRAFT: gettext_lazy(
        "Kommunen har registreret dit tilbud. Du kan bede om en samtale med en "
        "sundhedskoordinator, hvis tilbuddet ikke tager nok hensyn til dit helbred."
    ),
    Status.REQUESTED: gettext_lazy("Du har bedt om en samtale med en sundhedskoordinator."),
    Status.READY: gettext_lazy("Sagen er klar og venter på at komme på et møde."),
    Status.SCHEDULED: gettext_lazy("Du har fået en tid til samtalen."),
    Status.SENT: gettext_lazy("Sundhedskoordinatoren har fået din sag og forbereder sig."),
    Status.HELD: gettext_lazy("Samtalen er holdt. Sundhedskoordinatoren skriver sin rådgivning."),
    Status.ADVISED: gettext_lazy(
        "Sundhedskoordinatoren har givet sin rådgivning. Kommunen tager stilling."
    ),
    Status.DECIDED: gettext_lazy("Kommunen har taget stilling til dit tilbud."),
    Status.CLOSED: gettext_lazy("Sagen er afsluttet."),
    Status.WITHDRAWN: gettext_lazy("Du har trukket anmodningen tilbage."),
    Status.REJECTED: gettext_lazy("Kommunen har afvist anmodningen."),
}


#: The appeal guidance a decision letter carries when neither the municipality nor the
#: deployment has written its own (retssikkerhedsloven §§ 60 and 66: four weeks, to the
#: municipality, which reconsiders before the complaint goes on to Ankestyrelsen). Letters are in
#: Danish, so this text is not translated.
DEFAULT_APPEAL_GUIDANCE = (
    "Du kan klage over afgørelsen. Klagen skal være modtaget af kommunen senest 4 uger efter, "
    "at du har fået dette brev. Du kan klage skriftligt eller mundtligt til jobcentret. "
    "Kommunen ser på sagen igen, og fastholder kommunen afgørelsen, sender den din klage videre "
    "til Ankestyrelsen. Du kan få hjælp til at klage hos jobcentret."
)


#: What the citizen can do next, or that she need not do anything.
CITIZEN_NEXT = {
    Status.DRAFT: gettext_lazy(
        "Åbn sagen, og skriv med dine egne ord, hvad i tilbuddet der er svært for dig, "
        "hvis du vil have en sundhedskoordinator til at se på det."
    ),
    Status.REQUESTED: gettext_lazy(
        "Du skal ikke gøre noget nu. Du får besked, når din sag kommer på et møde."
    ),
    Status.READY: gettext_lazy(
        "Du skal ikke gøre noget nu. Du får besked, når din sag kommer på et møde."
    ),
    Status.SCHEDULED: gettext_lazy("Mød op til samtalen. Du må tage en bisidder med."),
    Status.SENT: gettext_lazy("Mød op til samtalen. Du må tage en bisidder med."),
    Status.HELD: gettext_lazy(
        "Du skal ikke gøre noget nu. Du får besked, når rådgivningen er skrevet."
    ),
    Status.ADVISED: gettext_lazy(
        "Du skal ikke gøre noget nu. Kommunen tager stilling og sender dig et brev."
    ),
    Status.DECIDED: gettext_lazy("Læs kommunens brev om, hvad der nu sker med dit tilbud."),
    # A closed, withdrawn or rejected case asks nothing more of her (its status says so).
}
