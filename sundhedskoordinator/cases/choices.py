"""States, actions and kinds of a case (DESIGN sections 3 and 6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    HEALTH_COORDINATOR = "health_coordinator", _("Sundhedskoordinator")


class CaseSubtype(models.TextChoices):
    RIGHT_TO_COORDINATOR = "right_to_coordinator", _("Ret til sundhedskoordinator")


class Status(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    REQUESTED = "requested", _("Anmodet")
    READY = "ready", _("Klar til planlægning")
    SCHEDULED = "scheduled", _("Planlagt")
    SENT = "sent", _("Sendt til sundhedskoordinator")
    HELD = "held", _("Samtale holdt")
    ADVISED = "advised", _("Rådgivning givet")
    DECIDED = "decided", _("Afgjort")
    CLOSED = "closed", _("Afsluttet")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")
    REJECTED = "rejected", _("Afvist")


TERMINAL_STATES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.REJECTED})
#: While the case is in these states, an offer that had not started at submit is on hold
#: (LAB § 113, stk. 3: the citizen need not start before the municipality has decided).
OFFER_ON_HOLD_STATES = frozenset(
    {Status.REQUESTED, Status.READY, Status.SCHEDULED, Status.SENT, Status.HELD, Status.ADVISED}
)
#: The offer and the citizen's description can still be edited in these states.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.REQUESTED})
#: States in which the coordinator has received the package at least once.
SENT_OR_LATER = frozenset({Status.SENT, Status.HELD, Status.ADVISED, Status.DECIDED, Status.CLOSED})


class Action(models.TextChoices):
    """The workflow's actions. Each one's service is named in ``services.ACTION_SERVICES``, its
    API path in ``api.cases.ACTION_ENDPOINTS`` and its audit event in the transition table."""

    CREATE = "create", _("Opret sag")
    SUBMIT = "submit", _("Anmod")
    COMPLETE = "complete", _("Godkend sagen som fuldstændig")
    SCHEDULE = "schedule", _("Sæt på dagsorden")
    UNSCHEDULE = "unschedule", _("Tag af dagsorden")
    DISPATCH = "dispatch", _("Send til sundhedskoordinator")
    HOLD_CONVERSATION = "hold_conversation", _("Registrér samtale")
    CANCEL = "cancel", _("Aflys samtale")
    WRITE_ADVICE = "write_advice", _("Skriv rådgivning")
    DECIDE = "decide", _("Tag stilling")
    CLOSE = "close", _("Afslut")
    WITHDRAW = "withdraw", _("Træk tilbage")
    REJECT = "reject", _("Afvis")
    # Actions that change the case without moving it to another state.
    UPDATE = "update", _("Ret sagen")
    ADD_DOCUMENT = "add_document", _("Tilføj dokument")
    RECORD_FILE_NOTE = "record_file_note", _("Skriv notat om samtalen")
    CORRECT_ADVICE = "correct_advice", _("Ret rådgivning (ny version)")
    REASSIGN = "reassign", _("Giv sagen videre til en kollega")
    TAKE_OVER = "take_over", _("Overtag som sundhedskoordinator")
    SET_COMPANION = "set_companion", _("Angiv bisidder")
    MOVE = "move", _("Flyt til et andet møde")


class OfferKind(models.TextChoices):
    COMPANY_INTERNSHIP = "company_internship", _("Virksomhedspraktik")
    WAGE_SUBSIDY = "wage_subsidy", _("Ansættelse med løntilskud")
    MENTOR = "mentor", _("Mentorforløb")
    EDUCATION = "education", _("Uddannelse eller kursus")
    TREATMENT = "treatment", _("Behandlingsrettet tilbud")
    OTHER = "other", _("Andet beskæftigelsesrettet tilbud")


class ConcernAuthor(models.TextChoices):
    CITIZEN = "citizen", _("Borgeren selv")
    CASEWORKER = "caseworker", _("Sagsbehandler på borgerens vegne")


class RequestChannel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Borgeren selv i systemet")
    MEETING = "meeting", _("Ved møde på jobcentret")
    PHONE = "phone", _("Telefonisk")
    LETTER = "letter", _("Brev eller Digital Post")
    EMAIL = "email", _("E-mail")


class DocumentKind(models.TextChoices):
    OFFER_DESCRIPTION = "offer_description", _("Beskrivelse af tilbuddet")
    HEALTH_CONCERN = "health_concern", _("Borgerens beskrivelse af helbredshensyn")
    ACTION_PLAN = "action_plan", _("Indstilling/indsatsplan")
    HEALTH_INFORMATION = "health_information", _("Helbredsoplysninger")
    OTHER = "other", _("Andet")
    # Issued by the system, never uploaded.
    CASE_PACKAGE = "case_package", _("Sagspakke sendt til sundhedskoordinator")
    ADVICE = "advice", _("Sundhedsfaglig rådgivning")
    DECISION_LETTER = "decision_letter", _("Afgørelsesbrev")


#: The letters the citizen receives and can download from her case (their newest versions).
CITIZEN_LETTER_KINDS = (DocumentKind.ADVICE, DocumentKind.DECISION_LETTER)

#: The kinds people upload; the others are issued by the system when the step happens.
UPLOAD_KINDS = frozenset(
    {
        DocumentKind.OFFER_DESCRIPTION,
        DocumentKind.HEALTH_CONCERN,
        DocumentKind.ACTION_PLAN,
        DocumentKind.HEALTH_INFORMATION,
        DocumentKind.OTHER,
    }
)


class RejectionReason(models.TextChoices):
    """Why the municipality refused a request; statistics count refusals by these."""

    NOT_IN_RESOURCE_COURSE = "not_in_resource_course", _("Borgeren er ikke i ressourceforløb")
    NO_CONCRETE_OFFER = "no_concrete_offer", _("Der er ikke et konkret tilbud")
    NOT_ABOUT_HEALTH = "not_about_health", _("Anmodningen handler ikke om helbredshensyn")
    ALREADY_ASSESSED = "already_assessed", _("Tilbuddet er allerede vurderet")
    OTHER = "other", _("Anden begrundelse")


class Outcome(models.TextChoices):
    ADJUST = "adjust", _("Tilbuddet tilpasses")
    OTHER_OFFER = "other_offer", _("Andet tilbud")
    UNCHANGED = "unchanged", _("Tilbuddet fastholdes")


class OfferChange(models.TextChoices):
    """How a version of the offer came about (DESIGN section 3, decide)."""

    REGISTERED = "registered", _("Registreret")
    EDITED = "edited", _("Rettet")
    ADJUSTED = "adjusted", _("Tilpasset ved stillingtagen")
    REPLACED = "replaced", _("Andet tilbud ved stillingtagen")


#: The version each decision records of the offer; keeping it records none.
OUTCOME_OFFER_CHANGE = {
    Outcome.ADJUST: OfferChange.ADJUSTED,
    Outcome.OTHER_OFFER: OfferChange.REPLACED,
}

#: The decision letter's heading, said to the citizen.
OUTCOME_HEADINGS = {
    Outcome.ADJUST: "Dit tilbud bliver tilpasset",
    Outcome.OTHER_OFFER: "Du får et andet tilbud",
    Outcome.UNCHANGED: "Dit tilbud fastholdes",
}
