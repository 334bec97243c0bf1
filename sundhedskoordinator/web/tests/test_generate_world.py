"""The national world of the scale benchmarks (``manage.py generate_world``) is a valid one: the
organisations of Denmark, cases in every state over ten years, and every case passing the same
invariants as cases made by the services (``cases.invariants``). Expected values come from the
issue and DESIGN (5 regions, 98 municipalities, 20 access-log rows per case, ten years), not from
the generator."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, ForeignKey, Sum

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.billing.choices import LineKind
from sundhedskoordinator.billing.models import Settlement, SettlementLine
from sundhedskoordinator.billing.services import billable_events
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.invariants import problems, with_related
from sundhedskoordinator.cases.models import Advice, AgendaItem, Case, Decision, Document
from sundhedskoordinator.cases.selectors import refresh_list_order
from sundhedskoordinator.cases.walk import Cast, new_case
from sundhedskoordinator.citizens.cpr import protect_cpr
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import (
    Municipality,
    Region,
    RehabTeam,
    RoleMembership,
    User,
)
from sundhedskoordinator.web.national import (
    COPENHAGEN,
    REINDEXED,
    Copy,
    Generator,
    _load_template_rows,
    _walk_templates,
)
from tests.generated import STAFF

pytestmark = pytest.mark.django_db

CASES = 80
#: The moment the world is generated at (a Monday; the suite's usual "now").
AT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def _world_ids(django_db_setup, django_db_blocker):
    """The world is generated once for the module, in a transaction rolled back at its end; each
    test runs in a savepoint inside it."""
    outer = transaction.atomic()
    # As Django's TestCase marks its class-wide transaction, so that the services' durable
    # transactions run inside it (as savepoints) the way they do in every other test.
    outer._from_testcase = True  # type: ignore[attr-defined]
    with django_db_blocker.unblock(), outer, clock.frozen(AT):
        call_command("load_demo", verbosity=0)
        before = set(Case.objects.values_list("pk", flat=True))
        # Two processes: the rows built in a fork and written here, the longer way.
        call_command("generate_world", cases=CASES, check=0, workers=2, verbosity=0)
        yield set(Case.objects.exclude(pk__in=before).values_list("pk", flat=True))
        transaction.set_rollback(True)


@pytest.fixture
def generated(_world_ids):
    with clock.frozen(AT):
        yield Case.objects.filter(pk__in=_world_ids)


def test_the_country_is_there_with_its_staff(generated):
    assert Region.objects.count() == 5
    assert Municipality.objects.count() == 98
    by_region = dict(
        Municipality.objects.values_list("region__code").annotate(n=Count("pk")).order_by()
    )
    # Hovedstaden 29, Sjælland 17, Syddanmark 22, Midtjylland 19, Nordjylland 11.
    assert by_region == {"1084": 29, "1085": 17, "1083": 22, "1082": 19, "1081": 11}
    assert Municipality.objects.get(code="851").name == "Aalborg Kommune"
    for municipality in Municipality.objects.all():
        roles = set(
            RoleMembership.objects.filter(municipality=municipality).values_list("role", flat=True)
        )
        assert {Role.CASEWORKER, Role.SECRETARIAT, Role.MANAGER} <= roles, municipality.code
        assert municipality.rehab_teams.exists()
    for region in Region.objects.all():
        assert RoleMembership.objects.filter(region=region, role=Role.COORDINATOR).exists()
    # A generated member of staff logs in with the demo password.
    assert User.objects.get(username="sb851-1").check_password("demo")


def test_every_generated_case_is_valid_and_every_state_is_there(generated):
    assert generated.count() == CASES
    states = Counter(generated.values_list("status", flat=True))
    assert set(states) == set(Status.values)
    found = [p for case in with_related(generated) for p in problems(case)]
    assert found == []
    # One citizen of the case's own municipality per generated case, each with a CPR number of
    # their own.
    citizens = Citizen.objects.filter(cases__in=generated)
    assert citizens.distinct().count() == CASES
    assert citizens.values("cpr_hash").distinct().count() == CASES


def test_cases_span_ten_years_and_the_country(generated):
    today = clock.today()
    years = {c.created_at.year for c in generated}
    assert min(years) <= today.year - 8
    assert max(years) == today.year
    assert all(c.created_at <= clock.now() for c in generated)
    assert generated.values("municipality").distinct().count() >= 30
    # The demo caseworker has generated cases of her own, so that her lists grow with N.
    assert generated.filter(responsible__username="sagsbehandler").exists()


def test_twenty_access_log_rows_per_copied_case(generated):
    counts = dict(
        AccessLog.objects.filter(case__in=generated)
        .values_list("case")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The templates were walked through the services (their own rows); every copy has 20.
    assert sorted(counts.values()).count(20) >= CASES - 13
    assert all(n >= 1 for n in counts.values())
    assert not AccessLog.objects.filter(case__in=generated, at__gt=clock.now()).exists()


def test_meetings_hold_no_two_cases_at_one_time(generated):
    live = AgendaItem.objects.filter(case__in=generated, cancelled_at__isnull=True)
    pairs = Counter(live.values_list("meeting_id", "starts_at"))
    assert max(pairs.values()) == 1
    for item in live.select_related("meeting"):
        others = live.filter(
            meeting=item.meeting, starts_at__lt=item.ends_at, ends_at__gt=item.starts_at
        ).exclude(pk=item.pk)
        assert not others.exists()


def test_documents_of_a_copy_are_the_template_files(generated):
    documents = Document.objects.filter(case__in=generated)
    assert documents.exists()
    for document in documents[:5]:
        with document.file.open("rb") as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == document.sha256


def test_settlements_are_approved_with_lines_that_add_up(generated):
    settlements = Settlement.objects.exclude(municipality__code__in=["461"])
    assert settlements.exists()
    for settlement in settlements.annotate(lines_sum=Sum("lines__amount"), n=Count("lines")):
        assert settlement.line_count == settlement.n
        assert settlement.total == (settlement.lines_sum or 0)
    assert SettlementLine.objects.filter(case__in=generated).exists()


def test_settlements_hold_what_the_billing_service_computes_period_by_period(generated):
    """The generator approves each municipality's years from one reading of its billable events
    (``approve_settlements``). Computed again here period by period, as ``draft_settlement``
    does: the billing service's billable events up to the period's end, less the cases billed by
    the settlements before it, are the period's lines, at the rate of the meeting date; nothing
    has changed since, so there are no corrections."""
    compared = 0
    for municipality in Municipality.objects.filter(settlements__isnull=False).distinct():
        if municipality.code == "461":
            continue  # the demo world's own settlements of Odense
        billed: set[int] = set()
        for settlement in Settlement.objects.filter(municipality=municipality).order_by(
            "period_start"
        ):
            events = billable_events(municipality, until=settlement.period_end)
            expected = sorted(
                (case_id, LineKind.ORDINARY, e.basis, e.service_on, e.rate.pk, e.rate.amount)
                for case_id, e in events.items()
                if case_id not in billed
                and settlement.period_start <= e.service_on
                and e.rate is not None
            )
            stored = sorted(
                settlement.lines.values_list(
                    "case_id", "kind", "basis", "service_on", "rate_id", "amount"
                )
            )
            assert stored == expected, (municipality.code, settlement.period_start)
            assert settlement.total == sum((line[-1] for line in expected), Decimal(0))
            billed |= {line[0] for line in stored}
            compared += 1
    assert compared >= 20


def test_the_services_go_on_after_it(generated):
    """Numbers and keys continue after the generated rows: a new case gets the next reference of
    its year and new rows get new keys (PostgreSQL's sequences were moved past the copies)."""
    caseworker = User.objects.get(username="sagsbehandler")
    citizen = Citizen.objects.filter(municipality__code="461").earliest("pk")
    year = clock.today().year
    highest = max(
        int(r.split("-")[2])
        for r in Case.objects.filter(year=year).values_list("reference", flat=True)
    )
    case = new_case(citizen=citizen, caseworker=caseworker)
    assert case.reference == f"RSK-{year}-{highest + 1:06d}"
    assert case.events.exists()


def test_the_invariants_find_a_broken_case(generated):
    """The check is not empty: a case moved to a state its rows do not support is reported."""
    scheduled = generated.filter(status=Status.SCHEDULED).first()
    assert scheduled is not None
    Case.objects.filter(pk=scheduled.pk).update(status=Status.SENT)
    broken = with_related(Case.objects.filter(pk=scheduled.pk)).get()
    found = problems(broken)
    assert any("dispatch and state" in p for p in found)
    assert any("last event does not end in the state" in p for p in found)
    # A moved deadline is found too.
    item = AgendaItem.objects.filter(case__in=generated, cancelled_at__isnull=True).earliest("pk")
    AgendaItem.objects.filter(pk=item.pk).update(
        dispatch_deadline=item.dispatch_deadline - dt.timedelta(days=1)
    )
    moved = with_related(Case.objects.filter(pk=item.case_id)).get()
    assert any("dispatch deadline" in p for p in problems(moved))
    # A responsible caseworker of another municipality is found too.
    stranger = User.objects.get(username="sb851-1")
    other = generated.exclude(municipality__code="851").earliest("pk")
    Case.objects.filter(pk=other.pk).update(responsible=stranger)
    handed = with_related(Case.objects.filter(pk=other.pk)).get()
    assert any("responsible has no role" in p for p in problems(handed))
    # Advice and a decision keeping another municipality than their case's are found too (the
    # statistics count them by it).
    decided = generated.filter(decision__isnull=False).earliest("pk")
    elsewhere = Municipality.objects.exclude(pk=decided.municipality_id).earliest("pk")
    Advice.objects.filter(case=decided).update(municipality=elsewhere)
    moved_advice = with_related(Case.objects.filter(pk=decided.pk)).get()
    assert any("advice or decision of another municipality" in p for p in problems(moved_advice))
    Advice.objects.filter(case=decided).update(municipality_id=decided.municipality_id)
    Decision.objects.filter(case=decided).update(municipality=elsewhere)
    moved_decision = with_related(Case.objects.filter(pk=decided.pk)).get()
    assert any("advice or decision of another municipality" in p for p in problems(moved_decision))
    # And advice on a case never sent.
    Case.objects.filter(pk=decided.pk).update(first_sent_at=None)
    unsent = with_related(Case.objects.filter(pk=decided.pk)).get()
    assert any("advice or decision on a case never sent" in p for p in problems(unsent))
    # And its agenda items, which keep that it was sent.
    assert any("agenda item disagrees with its case" in p for p in problems(unsent))
    # And an item that keeps another request day than its case's.
    AgendaItem.objects.filter(pk=item.pk).update(
        requested_on=item.requested_on - dt.timedelta(days=1)
    )
    misdated = with_related(Case.objects.filter(pk=item.case_id)).get()
    assert any("agenda item disagrees with its case" in p for p in problems(misdated))
    # And items that keep another lateness than their dispatch's, or a conversation not held.
    sent = AgendaItem.objects.filter(case__in=generated, dispatch__isnull=False).earliest("pk")
    AgendaItem.objects.filter(pk=sent.pk).update(dispatch_days_late=sent.dispatch_days_late + 1)
    relate = with_related(Case.objects.filter(pk=sent.case_id)).get()
    assert any("agenda item disagrees with its dispatch" in p for p in problems(relate))
    held = AgendaItem.objects.filter(case__in=generated, held=True).earliest("pk")
    AgendaItem.objects.filter(pk=held.pk).update(held=False)
    unheld = with_related(Case.objects.filter(pk=held.case_id)).get()
    assert any("agenda item disagrees with its conversation" in p for p in problems(unheld))


def test_a_copy_in_a_later_slot_keeps_the_day_it_was_requested(generated):
    """A copy placed in a later slot of its meeting moves by that slot's minutes too, beyond the
    whole days its dates move by. Templates requested late in the evening make those minutes
    take the request into the next day (a world of a million, generated in the evening): each
    copy's items keep its own request day, as the services would have set it, and every copy
    passes the invariants. Sixteen copies of one week fill the slots of its meeting days."""
    odense = Municipality.objects.get(code="461")
    team = RehabTeam.objects.filter(municipality=odense).order_by("pk").first()
    cast = Cast(*(User.objects.get(username=n) for n in STAFF["461"]))
    evening = dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC)  # 23:30 in Copenhagen
    with clock.frozen(evening):
        templates = _walk_templates(odense, cast, team, random.Random(1))  # noqa: S311 (names)
        for template in templates:
            _load_template_rows(template)
        generator = Generator(seed=1, templates=templates)
        requested_late = [
            t
            for t in templates
            if t.meeting is not None and t.case.submitted_at.astimezone(COPENHAGEN).hour == 23
        ]
        assert requested_late
        before = set(Case.objects.values_list("pk", flat=True))
        slots = set()
        for index in range(16):
            template = requested_late[index % len(requested_late)]
            shift, meeting_id, deadline = generator.place(template, 300, team)
            assert template.item_start is not None
            slots.add((template.item_start + shift).astimezone(COPENHAGEN).time())
            generator.add_case(
                Copy(
                    template=template,
                    shift=shift,
                    municipality=odense,
                    users={},
                    citizen_values={
                        **protect_cpr(f"0101{50 + index:02d}4321"),
                        "name": f"Kopi {index}",
                        "user": None,
                        "email": "",
                    },
                    meeting_id=meeting_id,
                    deadline=deadline,
                )
            )
        generator.writer.write(generator.take())
        # As the command does after the copies are written.
        refresh_list_order(Case.objects.exclude(pk__in=before))
        copies = with_related(Case.objects.exclude(pk__in=before))
        assert copies.count() == 16
        # Later slots were used, and some copies were requested on the day after their
        # template's (the case this test is about).
        assert len(slots) > 2
        assert any(c.submitted_at.astimezone(COPENHAGEN).hour < 12 for c in copies)
        assert [p for case in copies for p in problems(case)] == []
        items = AgendaItem.objects.filter(case__in=copies)
        assert items.count() >= 16
        assert all(
            item.requested_on == item.case.submitted_at.astimezone(COPENHAGEN).date()
            for item in items.select_related("case")
        )


def test_every_demo_case_passes_the_invariants(generated):
    """Cases made only by the services (the demo world's and the templates') pass the same check:
    it is not fitted to the generator."""
    cases = with_related(Case.objects.exclude(pk__in=generated.values("pk")))
    assert cases.count() >= 10
    assert [p for case in cases for p in problems(case)] == []


def test_the_indexes_dropped_for_the_bulk_write_are_back(generated):
    """The secondary indexes (and on PostgreSQL the foreign keys) of every table the copies
    write are dropped while they are written and made again: every index and foreign key the
    models declare (a field's ``db_index``, a foreign key's, ``Meta.indexes``) is there
    afterwards."""
    assert {AccessLog, CaseEvent, Case, Citizen, AgendaItem} <= set(REINDEXED)
    with connection.cursor() as cursor:
        for model in REINDEXED:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
            declared = [
                [f.column]
                for f in model._meta.concrete_fields
                if f.db_index and not f.primary_key and not f.unique
            ]
            declared += [
                [model._meta.get_field(name).column for name, _order in index.fields_orders]
                for index in model._meta.indexes
            ]
            for columns in declared:
                assert columns in indexed, (model.__name__, columns)
            # PostgreSQL's foreign keys are dropped with them and added again.
            keys = [c["columns"] for c in constraints.values() if c["foreign_key"]]
            for f in model._meta.concrete_fields:
                if isinstance(f, ForeignKey) and f.db_constraint:
                    assert [f.column] in keys, (model.__name__, f.column)
