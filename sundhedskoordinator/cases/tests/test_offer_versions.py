"""The offer keeps its versions, and the decision acts on it (DESIGN section 3, decide): "tilpas"
records the changed offer as the offer's next version, "andet tilbud" records the new offer, and
"uændret" keeps it as it is. A start date before today is refused for a new or moved offer.

The clock stands at 23 November 2026 (the ``now`` fixture), so 22 November is yesterday."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services, workflow
from sundhedskoordinator.cases.choices import DocumentKind, Outcome, Status
from sundhedskoordinator.cases.models import Case, Decision, Document, OfferVersion
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
YESTERDAY = dt.date(2026, 11, 22)
ADJUSTED_DEMANDS = "Fremmøde tre dage om ugen kl. 10–13 og ingen løft over 5 kg."
OTHER_OFFER = {
    "kind": "mentor",
    "provider": "Jobcentrets mentorkorps",
    "start_date": dt.date(2026, 12, 7),
    "hours_per_week": "6",
    "content": "Mentorforløb med samtaler.",
    "demands": "To formiddage om ugen.",
}


def _advised(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.ADVISED, cast=world.cast, meeting=world.meeting)


def _decide(world, case, outcome, offer=None, text="Begrundelsen til borgeren."):
    return services.decide_case(
        actor=world.users["sagsbehandler"], case_id=case.pk, outcome=outcome, text=text, offer=offer
    )


def _written(case):
    """What a refused decision must leave as it was."""
    return (
        Case.objects.get(pk=case.pk).status,
        OfferVersion.objects.filter(case=case).count(),
        Decision.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        Case.objects.get(pk=case.pk).offer.demands,
    )


def _refusal(world, case, outcome, offer):
    before = _written(case)
    with pytest.raises(DomainError) as refused:
        _decide(world, case, outcome, offer)
    assert _written(case) == before
    return refused.value


def _letter_text(case):
    document = case.documents.get(kind=DocumentKind.DECISION_LETTER)
    with document.file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_registered_offer_is_version_one(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    (version,) = OfferVersion.objects.filter(case=case)
    assert (version.version, version.change) == (1, "registered")
    assert version.demands == SAMPLE_OFFER["demands"]
    assert version.recorded_by == world.users["sagsbehandler"]


def test_an_adjusted_offer_is_the_next_version_and_the_first_stays(world):
    case = _advised(world)
    offer = {**SAMPLE_OFFER, "demands": ADJUSTED_DEMANDS}
    decided = _decide(world, case, Outcome.ADJUST, offer)
    assert decided.status == Status.DECIDED
    assert Case.objects.get(pk=case.pk).offer.demands == ADJUSTED_DEMANDS
    first, second = OfferVersion.objects.filter(case=case).order_by("version")
    assert (first.version, first.change, first.demands) == (
        1,
        "registered",
        SAMPLE_OFFER["demands"],
    )
    assert (second.version, second.change, second.demands) == (2, "adjusted", ADJUSTED_DEMANDS)
    assert Decision.objects.get(case=case).offer_version == second
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert event.kind == "case_decided" and event.data == {"outcome": "adjust", "offer_version": 2}
    # The letter names the offer the citizen asked about and describes it as it is now.
    text = _letter_text(case)
    assert "Dit tilbud fremover" in text and "ingen løft over 5 kg" in text
    assert "virksomhedspraktik hos Fynsk Genbrug ApS" in text


def test_an_adjustment_that_changes_nothing_is_refused(world):
    case = _advised(world)
    error = _refusal(world, case, Outcome.ADJUST, dict(SAMPLE_OFFER))
    assert error.code == workflow.PREREQUISITES_MISSING and "offer" in error.fields
    error = _refusal(world, case, Outcome.ADJUST, None)
    assert "offer" in error.fields


def test_another_offer_is_described_like_any_offer(world):
    case = _advised(world)
    error = _refusal(
        world, case, Outcome.OTHER_OFFER, {"kind": "mentor", "content": "", "demands": " "}
    )
    assert {"offer.content", "offer.demands", "offer.start_date"} <= set(error.fields)
    _decide(world, case, Outcome.OTHER_OFFER, OTHER_OFFER)
    offer = Case.objects.get(pk=case.pk).offer
    assert (offer.kind, offer.provider, offer.start_date) == (
        "mentor",
        "Jobcentrets mentorkorps",
        dt.date(2026, 12, 7),
    )
    latest = OfferVersion.objects.filter(case=case).order_by("-version").first()
    assert (latest.version, latest.change, latest.kind) == (2, "replaced", "mentor")
    text = _letter_text(case)
    assert "Mentorforløb med samtaler." in text and "7. december 2026" in text


@pytest.mark.parametrize(("start", "accepted"), [(YESTERDAY, False), (TODAY, True)])
def test_another_offer_may_not_start_before_today(world, start, accepted):
    case = _advised(world)
    offer = {**OTHER_OFFER, "start_date": start}
    if accepted:
        _decide(world, case, Outcome.OTHER_OFFER, offer)
        assert Case.objects.get(pk=case.pk).offer.start_date == TODAY
    else:
        error = _refusal(world, case, Outcome.OTHER_OFFER, offer)
        assert error.code == workflow.INVALID_INPUT and "offer.start_date" in error.fields


def test_a_kept_offer_is_not_changed(world):
    case = _advised(world)
    error = _refusal(world, case, Outcome.UNCHANGED, {**SAMPLE_OFFER, "demands": "Andet."})
    assert error.code == workflow.INVALID_INPUT
    _decide(world, case, Outcome.UNCHANGED)
    assert OfferVersion.objects.filter(case=case).count() == 1
    assert Decision.objects.get(case=case).offer_version is None
    assert "Dit tilbud fremover" not in _letter_text(case)


def test_the_preview_is_the_letter_and_writes_nothing(world):
    case = _advised(world)
    before = _written(case)
    letter = services.preview_decision_letter(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        outcome=Outcome.ADJUST,
        text="Du starter kl. 10.",
        offer={**SAMPLE_OFFER, "demands": ADJUSTED_DEMANDS},
    )
    assert _written(case) == before
    assert letter.text == "Du starter kl. 10."
    assert letter.new_offer is not None and letter.new_offer.demands == ADJUSTED_DEMANDS
    assert letter.offer_kind == "Virksomhedspraktik" and letter.appeal_guidance
    # The same checks as the decision: an unchanged "tilpas" is refused in the preview too.
    with pytest.raises(DomainError):
        services.preview_decision_letter(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            outcome=Outcome.ADJUST,
            text="Tekst.",
            offer=dict(SAMPLE_OFFER),
        )
    # Only those who may decide see it: the coordinator on the case may not.
    with pytest.raises(DomainError):
        services.preview_decision_letter(
            actor=world.users["koordinator"],
            case_id=case.pk,
            outcome=Outcome.UNCHANGED,
            text="Tekst.",
        )


@pytest.mark.parametrize(("start", "accepted"), [(YESTERDAY, False), (TODAY, True)])
def test_a_new_offer_may_not_start_before_today(world, start, accepted):
    create = lambda: new_case(  # noqa: E731
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "start_date": start},
    )
    if accepted:
        assert create().offer.start_date == TODAY
    else:
        with pytest.raises(DomainError) as refused:
            create()
        assert "offer.start_date" in refused.value.fields
        assert not Case.objects.exists()


def test_a_start_date_already_recorded_may_stay_but_not_move_into_the_past(world):
    case = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "start_date": TODAY},
    )
    # The next day the recorded start date has passed; correcting the content keeps it.
    tomorrow = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    with clock.frozen(tomorrow):
        services.update_case(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            offer={**SAMPLE_OFFER, "start_date": TODAY, "content": "Lager og butik."},
        )
        with pytest.raises(DomainError) as refused:
            services.update_case(
                actor=world.users["sagsbehandler"],
                case_id=case.pk,
                offer={**SAMPLE_OFFER, "start_date": YESTERDAY},
            )
    assert "offer.start_date" in refused.value.fields
    versions = OfferVersion.objects.filter(case=case).order_by("version")
    assert [(v.version, v.change, v.start_date) for v in versions] == [
        (1, "registered", TODAY),
        (2, "edited", TODAY),
    ]


def test_saving_the_same_offer_again_makes_no_version(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    services.update_case(
        actor=world.users["sagsbehandler"], case_id=case.pk, offer=dict(SAMPLE_OFFER)
    )
    assert OfferVersion.objects.filter(case=case).count() == 1
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert "offer" not in (event.data or {}).get("fields", [])


def test_anonymising_empties_every_version_of_the_offer(world):
    case = _advised(world)
    _decide(world, case, Outcome.ADJUST, {**SAMPLE_OFFER, "demands": ADJUSTED_DEMANDS})
    services.close_case(actor=world.users["sagsbehandler"], case_id=case.pk)
    services.anonymise_case(case_id=case.pk)
    texts = OfferVersion.objects.filter(case=case).values_list("provider", "content", "demands")
    assert list(texts) == [("", "", ""), ("", "", "")]
