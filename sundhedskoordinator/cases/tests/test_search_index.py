"""A search by a piece of a name or a case reference finds its cases among a million through an
index on PostgreSQL (a trigram index on the upper case of the citizen's name and of the
reference, which is what ``icontains`` compares), and finds the same on both engines."""

import pytest
from django.db import connection

from sundhedskoordinator.access.policy import case_citizens_filter
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import list_cases
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.search import Search
from sundhedskoordinator.organisations.models import Municipality, User

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    """PostgreSQL's plan for ``queryset`` as if its tables were large (no sequential scans)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_search_finds_by_a_piece_of_the_name_or_the_reference_in_any_case(world):
    caseworker = world.users["sagsbehandler"]
    ole = citizen_services.create_citizen(
        actor=caseworker,
        cpr="0101904321",
        name="Ole Olsen",
        municipality=world.citizen.municipality,
    )
    oles = new_case(citizen=ole, caseworker=caseworker)
    mettes = new_case(citizen=world.citizen, caseworker=caseworker)

    def found(text: str) -> set[str]:
        search = Search.parse(text)
        return set(list_cases(user=caseworker, search=search).values_list("reference", flat=True))

    assert found("lSEN") == {oles.reference}  # inside the name, any case of letters
    assert found(mettes.reference[-6:]) == {mettes.reference}
    assert found(mettes.reference.lower()) == {mettes.reference}
    assert found("RSK-") == {oles.reference, mettes.reference}
    assert found("Olsenx") == set()


def test_the_name_and_the_reference_are_searched_through_their_trigram_indexes(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigram index; the search above is what it must get right")
    caseworker = world.users["sagsbehandler"]
    new_case(citizen=world.citizen, caseworker=caseworker)
    names = _plan(Citizen.objects.filter(name__icontains="ole"))
    assert "citizen_name_trgm" in names, names
    references = _plan(Case.objects.filter(reference__icontains="2026-0"))
    assert "case_reference_trgm" in references, references
    # The case list's search asks for the citizens by name in a query of their own (a
    # subplan), which can use an index: the name's, or one of the citizens' municipality,
    # whichever the planner finds the fewer (on these small tables, the latter). A condition
    # on the joined citizen's row could use neither.
    cases = _plan(list_cases(user=caseworker, search=Search.parse("ole"), table=True))
    assert "SubPlan" in cases, cases
    assert "Seq Scan on citizens_citizen" not in cases, cases


def test_a_search_reads_only_the_citizens_of_the_users_reach_and_finds_every_case_in_it(world):
    """The name is looked for among the citizen records of the municipalities the user's cases
    can be in (``access.policy.case_citizens_filter``), not the country's; what each kind of
    user finds is unchanged: their municipality's cases, the region's sent cases, their own."""
    caseworker, coordinator = world.users["sagsbehandler"], world.users["koordinator"]
    odense = world.citizen.municipality
    neighbour = Municipality.objects.filter(region=odense.region).exclude(pk=odense.pk).first()
    elsewhere = Municipality.objects.exclude(region=odense.region).first()
    assert neighbour is not None and elsewhere is not None
    sent = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    # Namesakes, with no case, in another municipality of the region and in another region.
    neighbours, draft_elsewhere = (
        Citizen.objects.create(
            cpr_encrypted="x",
            cpr_hash=f"namesake-{municipality.pk}",
            cpr_masked="x",
            name="Mette Sørensen",
            municipality=municipality,
        )
        for municipality in (neighbour, elsewhere)
    )

    def reach(user: User) -> set[int]:
        return set(Citizen.objects.filter(case_citizens_filter(user)).values_list("pk", flat=True))

    # A caseworker's reach is her municipality's citizens; a coordinator's, the region's; a
    # citizen's, their own records.
    assert world.citizen.pk in reach(caseworker)
    assert {neighbours.pk, draft_elsewhere.pk} & reach(caseworker) == set()
    assert {world.citizen.pk, neighbours.pk} <= reach(coordinator)
    assert draft_elsewhere.pk not in reach(coordinator)
    assert reach(world.users["borger"]) == {world.citizen.pk}
    assert reach(world.users["admin"]) == set()

    def found(user: User) -> set[str]:
        search = Search.parse("sørensen")
        return set(list_cases(user=user, search=search).values_list("reference", flat=True))

    for user in (caseworker, coordinator, world.users["borger"]):
        assert found(user) == {sent.reference}, user
    assert found(world.users["koordinator2"]) == set()
    # The list's query narrows the citizens it reads by the user's reach: dropping the
    # narrowing would read every citizen of that name in the country.
    sql = str(list_cases(user=caseworker, search=Search.parse("sørensen")).query)
    citizens_read = sql.split('FROM "citizens_citizen"')[1]
    assert '."municipality_id" IN (' in citizens_read, sql


def test_the_names_of_the_users_municipality_are_read_from_an_index_of_both(world):
    """``citizen_muni_name`` holds the municipality and the name: SQLite tests each name of the
    municipality's citizens in it without reading a row (at a million cases the search's
    citizens took 75 ms read from the rows, 5 ms from the index)."""
    caseworker = world.users["sagsbehandler"]
    new_case(citizen=world.citizen, caseworker=caseworker)
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "citizens_citizen")
    assert indexes["citizen_muni_name"]["columns"] == ["municipality_id", "name"]
    if connection.vendor != "sqlite":
        return  # PostgreSQL chooses between it and the trigram index (the test above)
    sql, params = list_cases(user=caseworker, search=Search.parse("ole")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[3] for row in cursor.fetchall()]
    assert any("COVERING INDEX citizen_muni_name" in step for step in plan), plan
