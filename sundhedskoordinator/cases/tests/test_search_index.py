"""A search by a piece of a name or a case reference finds its cases among a million through an
index on PostgreSQL (a trigram index on the upper case of the citizen's name and of the
reference, which is what ``icontains`` compares), and finds the same on both engines."""

import pytest
from django.db import connection

from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import list_cases
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.search import Search

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
    # The case list's search asks for the citizens by name in a query of their own, which can
    # use the index; a condition on the joined citizen's row could not.
    cases = _plan(list_cases(user=caseworker, search=Search.parse("ole"), table=True))
    assert "citizen_name_trgm" in cases, cases
