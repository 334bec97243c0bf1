"""Who may see which case, in which role: the one policy every page and API endpoint uses
(DESIGN section 2). Lists are filtered in the database, never in Python.

- Municipal staff (caseworker, job broker, secretariat, a municipality's manager) see their own
  municipality's cases.
- Regional staff (coordinator, Klinisk Funktion, a region's manager) see cases of municipalities
  in their region, and only from the moment a case has been sent to the coordinator.
- A citizen sees their own cases. The system administrator sees none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Model,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, JSONArray

from sundhedskoordinator.organisations.choices import MUNICIPAL_ROLES, REGIONAL_ROLES, Role
from sundhedskoordinator.organisations.models import Municipality, Region, RoleMembership, User

from .choices import CLOSED_CASE_PURPOSES, Purpose

if TYPE_CHECKING:
    # For the annotations only: the policy decides on the case it is handed and imports nothing
    # of the apps above it (the layers, docs/dev/architecture.md).
    from sundhedskoordinator.cases.models import Case


@dataclass(frozen=True)
class Grant:
    role: str
    municipality_id: int | None
    region_id: int | None
    #: The name of the municipality or region the role is held in, read with the grant: the
    #: access log names it without reading the organisation again.
    organisation: str = field(default="", compare=False)


#: The grants read so far in the current request, by user id; None outside a request, where
#: every question reads afresh.
_request_grants: ContextVar[dict[int, list[Grant]] | None] = ContextVar(
    "request_grants", default=None
)


@contextmanager
def grants_cached() -> Iterator[None]:
    """Within this block (one request, ``access.middleware``), each user's grants are read from
    the database once, however many policy questions are asked."""
    token = _request_grants.set({})
    try:
        yield
    finally:
        _request_grants.reset(token)


def forget_grants(user_id: int) -> None:
    """A membership changed: the next question about this user reads the grants again."""
    cache = _request_grants.get()
    if cache is not None:
        cache.pop(user_id, None)


def grants_for(user: User) -> list[Grant]:
    """The user's roles with their organisations: one query per request (``grants_cached``), read
    fresh in the next one, so that a role taken away counts from then on; none where the request
    read them with its user (``grants_column``)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cache = _request_grants.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    grants = [
        Grant(role, municipality_id, region_id, municipality_name or region_name or "")
        for role, municipality_id, region_id, municipality_name, region_name in (
            RoleMembership.objects.filter(user=user)
            .order_by("role")
            .values_list(
                "role", "municipality_id", "region_id", "municipality__name", "region__name"
            )
        )
    ]
    if cache is not None:
        cache[user.pk] = grants
    return grants


def grants_column(user_id: str) -> Subquery[Any]:
    """The grants of the user whose id is in the column ``user_id`` of the query that reads them,
    as one text column (``remember_grants_column``): the request's user and their grants in one
    query. Each membership is a JSON array of role, municipality, region and the organisation's
    name; the column joins them with commas, in no order (SQLite orders an aggregate only from
    3.44): ``remember_grants_column`` puts them in the order ``grants_for`` reads them."""
    one = Cast(
        JSONArray(
            "role",
            "municipality_id",
            "region_id",
            Coalesce("municipality__name", "region__name", Value("")),
        ),
        TextField(),
    )
    return Subquery(
        RoleMembership.objects.filter(user_id=OuterRef(user_id))
        .order_by()
        .values("user_id")
        .annotate(grants=StringAgg(one, Value(",")))
        .values("grants"),
        output_field=TextField(),
    )


def remember_grants_column(user: User, column: str | None) -> None:
    """The grants ``grants_column`` read with ``user``, kept for the rest of the request as if
    ``grants_for`` had read them (outside a request they are not kept: every question there
    reads afresh)."""
    cache = _request_grants.get()
    if cache is None or not user.is_authenticated or not user.is_active:
        return
    cache[user.pk] = [
        Grant(role, municipality_id, region_id, name)
        for role, municipality_id, region_id, name in sorted(
            json.loads(f"[{column or ''}]"), key=lambda grant: grant[0]
        )
    ]


def _organisation_name(membership: RoleMembership) -> str:
    organisation = membership.municipality or membership.region
    return organisation.name if organisation else ""


def remember_grants(user: User, memberships: Iterable[RoleMembership]) -> list[Grant]:
    """The grants of the memberships the caller has just read for ``user`` (a page that shows
    them with their organisations): the rest of the request asks the policy from these instead
    of reading the memberships a second time."""
    grants = [
        Grant(m.role, m.municipality_id, m.region_id, _organisation_name(m)) for m in memberships
    ]
    cache = _request_grants.get()
    if cache is not None and user.is_authenticated and user.is_active:
        cache[user.pk] = grants
    return grants


@dataclass(frozen=True)
class _Reach:
    """Where the user's cases can be: the municipalities of every case, the regions of the sent
    cases, and the citizen's own (the one reading of the grants both filters below share)."""

    municipalities: set[int]
    regions: set[int]
    own: bool


def _reach(user: User, grants: list[Grant] | None) -> _Reach:
    grants = grants_for(user) if grants is None else grants
    return _Reach(
        municipalities={g.municipality_id for g in grants if g.municipality_id},
        regions={
            g.region_id for g in grants if g.region_id and g.role in REGIONAL_ROLES | {Role.MANAGER}
        },
        own=any(g.role == Role.CITIZEN for g in grants),
    )


def _case_filter(user: User, grants: list[Grant] | None = None, via: str = "") -> Q:
    reach = _reach(user, grants)
    at = f"{via}__" if via else ""
    condition = Q(**{f"{at}pk__in": []})
    if reach.municipalities:
        condition |= Q(**{f"{at}municipality_id__in": reach.municipalities})
    if reach.regions:
        condition |= Q(
            **{
                f"{at}municipality__region_id__in": reach.regions,
                f"{at}first_sent_at__isnull": False,
            }
        )
    if reach.own:
        condition |= Q(**{f"{at}citizen__user": user})
    return condition


def case_citizens_filter(user: User, grants: list[Grant] | None = None) -> Q:
    """The citizen records (``citizens.Citizen``) whose cases the user may see can only be
    among these: a case's citizen is a record of the case's own municipality
    (``cases.invariants``). A narrowing for searches over the citizens of the user's cases, so
    that the database reads the citizens of those municipalities rather than the country's;
    the cases themselves are still kept by ``in_case_scope``."""
    reach = _reach(user, grants)
    condition = Q(pk__in=[])
    if reach.municipalities:
        condition |= Q(municipality_id__in=reach.municipalities)
    if reach.regions:
        condition |= Q(municipality__region_id__in=reach.regions)
    if reach.own:
        condition |= Q(user=user)
    return condition


def sees_every_case_of(
    user: User, municipality_ids: Iterable[int], grants: list[Grant] | None = None
) -> bool:
    """Whether the user sees every case of each of these municipalities (a role in the
    municipality itself), rather than only the cases sent to the region (``_case_filter``)."""
    grants = grants_for(user) if grants is None else grants
    own = {g.municipality_id for g in grants if g.municipality_id}
    wanted = set(municipality_ids)
    return bool(wanted) and wanted <= own


def in_case_scope[M: Model](
    queryset: QuerySet[M], user: User, grants: list[Grant] | None = None, *, via: str = ""
) -> QuerySet[M]:
    """The rows of ``queryset`` whose case the user may see, as one query whatever the number of
    roles they hold; ``via`` is the path from a row to its case ("" when the rows are cases,
    "case" for an agenda item)."""
    return queryset.filter(_case_filter(user, grants, via))


def roles_in_case(user: User, case: Case, grants: list[Grant] | None = None) -> list[str]:
    """The roles in which ``user`` reaches ``case``. Pass ``grants`` when asking for many cases,
    so the memberships are read once."""
    roles: list[str] = []
    region_id = case.municipality.region_id
    for grant in grants if grants is not None else grants_for(user):
        if grant.role in MUNICIPAL_ROLES or (grant.role == Role.MANAGER and grant.municipality_id):
            if grant.municipality_id == case.municipality_id:
                roles.append(grant.role)
        elif grant.role in REGIONAL_ROLES or grant.role == Role.MANAGER:
            if grant.region_id == region_id and case.first_sent_at is not None:
                roles.append(grant.role)
        elif grant.role == Role.CITIZEN and case.citizen.user_id == user.pk:
            roles.append(grant.role)
    return roles


def team_scope(user: User, *, via: str = "") -> Q:
    """The rehab teams whose meetings the user sees: their municipality's (municipal staff and a
    municipality's manager) and, for regional staff and a region's manager, those of the
    region's municipalities. ``via`` is the path from a row to its team ("" for teams)."""
    at = f"{via}__" if via else ""
    grants = grants_for(user)
    municipalities = {
        g.municipality_id
        for g in grants
        if g.municipality_id and (g.role in MUNICIPAL_ROLES or g.role == Role.MANAGER)
    }
    regions = {
        g.region_id
        for g in grants
        if g.region_id and (g.role in REGIONAL_ROLES or g.role == Role.MANAGER)
    }
    return Q(**{f"{at}municipality_id__in": municipalities}) | Q(
        **{f"{at}municipality__region_id__in": regions}
    )


def citizen_municipalities(user: User) -> set[int]:
    """The municipalities whose citizens the user sees: where they hold a municipal role."""
    return {
        g.municipality_id
        for g in grants_for(user)
        if g.role in MUNICIPAL_ROLES and g.municipality_id
    }


def registering_municipalities(user: User) -> set[int]:
    """The municipalities whose citizens the user registers: where they open cases."""
    return {m for m in citizen_municipalities(user) if handler_role(user, m) is not None}


#: The roles that register a municipality's citizens and open their cases, the first preferred.
CASE_OPENERS = (Role.CASEWORKER, Role.JOB_BROKER)


def handler_role(user: User, municipality_id: int | None = None) -> str | None:
    """The role in which the user registers citizens and opens cases in the municipality (in any
    municipality when None): caseworker before job broker; None when they may not."""
    return next(
        (r for r in CASE_OPENERS if holds_role(user, r, municipality_id=municipality_id)), None
    )


def secretariat_municipalities(user: User) -> set[int]:
    """The municipalities whose rehab teams' meetings the user plans, as their secretariat."""
    return {
        g.municipality_id
        for g in grants_for(user)
        if g.role == Role.SECRETARIAT and g.municipality_id
    }


def plans_meetings_of(user: User, municipality_id: int) -> bool:
    """The user is the secretariat of the municipality's rehab team: they plan its meetings and
    send its agenda's cases."""
    return municipality_id in secretariat_municipalities(user)


def writes_as_citizen(roles: Iterable[str]) -> bool:
    """Among the roles in which a user acts on a case, the citizen's: they write only their own
    description of their health, never the offer or the caseworker's notes."""
    return Role.CITIZEN in roles


def is_staff(user: User) -> bool:
    """The user holds a role other than the citizen's (staff confirm a second factor)."""
    return any(g.role != Role.CITIZEN for g in grants_for(user))


def sees_as_citizen(user: User) -> bool:
    """The user holds the citizen role and no other: pages speak to them as the citizen."""
    roles = {g.role for g in grants_for(user)}
    return roles == {Role.CITIZEN}


class Page(StrEnum):
    """The pages the main menu can offer."""

    CASES = "cases"
    MY_CASES = "my_cases"
    CITIZENS = "citizens"
    MEETINGS = "meetings"
    OVERVIEW = "overview"
    STATISTICS = "statistics"
    SETTLEMENT = "settlement"
    RATES = "rates"
    MY_ACCESS_LOG = "my_access_log"
    MY_LETTERS = "my_letters"
    ADMIN = "admin"


#: The staff who work on cases and meetings (each page still shows only what is in their scope).
_CASE_STAFF = frozenset(
    {
        Role.CASEWORKER,
        Role.JOB_BROKER,
        Role.SECRETARIAT,
        Role.COORDINATOR,
        Role.CLINICAL_ADMIN,
        Role.MANAGER,
    }
)

#: The pages each role works in (DESIGN section 2); a citizen's case list is "my cases".
PAGES_BY_ROLE: dict[str, frozenset[Page]] = {
    Role.CASEWORKER: frozenset({Page.CASES, Page.CITIZENS, Page.MEETINGS}),
    Role.JOB_BROKER: frozenset({Page.CASES, Page.CITIZENS, Page.MEETINGS}),
    Role.SECRETARIAT: frozenset({Page.CASES, Page.MEETINGS, Page.OVERVIEW}),
    Role.COORDINATOR: frozenset({Page.CASES, Page.MEETINGS}),
    Role.CLINICAL_ADMIN: frozenset(
        {Page.CASES, Page.MEETINGS, Page.OVERVIEW, Page.STATISTICS, Page.SETTLEMENT, Page.RATES}
    ),
    Role.MANAGER: frozenset(
        {Page.CASES, Page.MEETINGS, Page.OVERVIEW, Page.STATISTICS, Page.SETTLEMENT}
    ),
    Role.CITIZEN: frozenset({Page.MY_CASES, Page.MY_LETTERS, Page.MY_ACCESS_LOG}),
    Role.ADMIN: frozenset({Page.ADMIN}),
}


def pages_for(user: User) -> frozenset[Page]:
    """The pages the user's roles work in, for the menu. Someone who is also staff sees the
    case list as staff, not as "my cases"."""
    pages: set[Page] = set()
    for grant in grants_for(user):
        pages |= PAGES_BY_ROLE.get(grant.role, frozenset())
    if Page.CASES in pages:
        pages.discard(Page.MY_CASES)
    return frozenset(pages)


def holds_role(
    user: User, role: str, *, municipality_id: int | None = None, region_id: int | None = None
) -> bool:
    """Whether the user holds ``role`` in the given organisation."""
    return any(
        g.role == role
        and (municipality_id is None or g.municipality_id == municipality_id)
        and (region_id is None or g.region_id == region_id)
        for g in grants_for(user)
    )


def second_factor_missing(user: User) -> bool:
    """Staff must have confirmed a TOTP code in this session (or token) before they read health
    data, when the deployment requires it (``OTP_REQUIRED``, ASVS level 3 for health data)."""
    if not settings.OTP_REQUIRED:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def live_items(case: Case) -> list[Any]:
    """The case's agenda items not cancelled (one at most, by the workflow): as prefetched
    (``active_items``), else taken from every item the case has had (``item_history``, as
    ``cases.selectors.with_details`` reads them), else read now."""
    items = getattr(case, "active_items", None)
    if items is None:
        history = getattr(case, "item_history", None)
        if history is not None:
            return [item for item in history if item.cancelled_at is None]
        items = list(case.agenda_items.filter(cancelled_at__isnull=True))
    return list(items)


def item_is_sent(item: Any) -> bool:
    """Whether the agenda item's package has been sent to its coordinator: only then is the
    coordinator on the case (a case sent once before to another coordinator and planned again
    is not theirs until it is sent to them)."""
    return hasattr(item, "dispatch")


def holds_item(user: User, case: Case) -> bool:
    """Whether the user is already the coordinator of the case's agenda item: then there is
    nothing to take over."""
    return any(i.coordinator_id == user.pk for i in live_items(case))


def may_attend(user: User | None, case: Case) -> bool:
    """Who may take part in the conversation for the jobcentre (BEK 2409/2021 § 3): the case's
    responsible caseworker or job broker, or a personal job broker of the municipality (LAB
    § 113 a). Anyone else is put on a case only by handing it on (``reassign``)."""
    if user is None:
        return False
    return user.pk == case.responsible_id or holds_role(
        user, Role.JOB_BROKER, municipality_id=case.municipality_id
    )


def on_case_roles(user: User, case: Case, roles: list[str]) -> list[str]:
    """Of the roles in which ``user`` reaches ``case`` (``roles_in_case``), those in which they
    are *on the case* (DESIGN section 2): the responsible caseworker or job broker, or the one
    who attends the conversation for them; the coordinator of its agenda item; the secretariat of
    its rehab team (the municipality's); the citizen. Being in scope is not enough to act on a
    case or to read its health content."""
    items = live_items(case)
    on_case = []
    for role in roles:
        if role in (Role.CASEWORKER, Role.JOB_BROKER):
            if case.responsible_id == user.pk or any(i.attendee_id == user.pk for i in items):
                on_case.append(role)
        elif role == Role.COORDINATOR:
            if any(i.coordinator_id == user.pk and item_is_sent(i) for i in items):
                on_case.append(role)
        elif role in (Role.SECRETARIAT, Role.CITIZEN):
            on_case.append(role)
    return on_case


def may_hand_on(user: User, case: Case, role: str) -> bool:
    """Of those the ``reassign`` action lets in, only the responsible caseworker or job broker
    (not the one merely attending) and the team's manager hand the case on (DESIGN section 2)."""
    return role == Role.MANAGER or case.responsible_id == user.pk


def manages_case_team(user: User, case: Case, grants: list[Grant] | None = None) -> bool:
    """The manager of the case's municipality (its rehab team's leader); a region's manager
    reads figures but never hands a municipality's case on."""
    return any(
        g.role == Role.MANAGER and g.municipality_id == case.municipality_id
        for g in (grants_for(user) if grants is None else grants)
    )


@dataclass(frozen=True)
class CaseRoles:
    """How a user stands to a case when acting on it: the roles in which they reach it
    (``scoped``; a region's manager, who never acts on a case, left out) and those in which they
    are on it (``on_case``)."""

    scoped: list[str]
    on_case: list[str]


def action_roles(user: User, case: Case, grants: list[Grant] | None = None) -> CaseRoles:
    """The one answer services, pages and the API use to decide who may act on a case."""
    grants = grants_for(user) if grants is None else grants
    scoped = roles_in_case(user, case, grants)
    if Role.MANAGER in scoped and not manages_case_team(user, case, grants):
        scoped = [r for r in scoped if r != Role.MANAGER]
    return CaseRoles(scoped, on_case_roles(user, case, scoped))


def handles_case(user: User, case: Case) -> bool:
    """The user works the case for the municipality: its responsible caseworker or the job
    broker on it (not merely a colleague in the same municipality)."""
    return any(r in CASE_OPENERS for r in action_roles(user, case).on_case)


def parse_purpose(value: str) -> tuple[Purpose | None, str]:
    """A purpose as pages and the API give it: ``<code>`` or ``<code>:<free text>``. Anything
    that does not start with a listed purpose is no purpose at all."""
    code, _sep, text = value.partition(":")
    code = code.strip()
    if code not in Purpose.values:
        return None, ""
    return Purpose(code), text.strip()[:250]


def purpose_for_log(value: str) -> str:
    """The purpose as the access log keeps it: the listed purpose's label and the free text."""
    purpose, text = parse_purpose(value)
    if purpose is None:
        return ""
    return f"{purpose.label}: {text}" if text else str(purpose.label)


def purposes_for(case: Case, on_case: list[str]) -> list[Purpose]:
    """The purposes for which a user on the case only for their own tasks (the secretariat) may
    open its health data now; empty for everyone else."""
    if Role.SECRETARIAT not in on_case:
        return []
    if case.is_closed:
        return [p for p in Purpose if p in CLOSED_CASE_PURPOSES]
    return list(Purpose)


def purpose_opens_health(case: Case, value: str) -> bool:
    """A listed purpose opens the health data of an open case; a closed, rejected or withdrawn
    case opens only for the purposes that allow it (a complaint, supervision)."""
    purpose, _text = parse_purpose(value)
    if purpose is None:
        return False
    return not case.is_closed or purpose in CLOSED_CASE_PURPOSES


def may_read_health(user: User, case: Case, roles: list[str], *, purpose: str = "") -> str | None:
    """The role in which ``user`` may read the case's health data, or None (DESIGN section 2):
    only the people on the case (``on_case_roles``), and the team's secretariat only for a
    listed purpose that fits the case's state. Health data is the citizen's description, the
    advice with its accommodations, the decision's reasons, document and companion names. Staff
    need a confirmed second factor where the deployment requires one."""
    on_case = on_case_roles(user, case, roles)
    if Role.CITIZEN in on_case:
        return None if second_factor_missing(user) else Role.CITIZEN
    if second_factor_missing(user):
        return None
    for role in (Role.CASEWORKER, Role.JOB_BROKER, Role.COORDINATOR):
        if role in on_case:
            return role
    if Role.SECRETARIAT in on_case and purpose_opens_health(case, purpose):
        return Role.SECRETARIAT
    return None


def may_read_case_log(user: User, case: Case, roles: list[str]) -> bool:
    """The responsible caseworker or job broker and Klinisk Funktion see a case's access log;
    the citizen sees their own through "Min log"."""
    return case.responsible_id == user.pk or Role.CLINICAL_ADMIN in roles or Role.CITIZEN in roles


#: The roles that know the citizen by CPR number in the municipality's own systems; everyone
#: else sees the masked form only.
CPR_ROLES = frozenset({Role.CASEWORKER, Role.JOB_BROKER, Role.SECRETARIAT, Role.CITIZEN})


def may_see_cpr(roles: list[str]) -> bool:
    """Whether the reader, in these roles in the case, may see the citizen's full CPR number."""
    return bool(CPR_ROLES.intersection(roles))


#: The roles that read figures (settlement and statistics): Klinisk Funktion for its region and
#: managers for their municipality or region (DESIGN section 2).
FIGURE_ROLES = frozenset({Role.CLINICAL_ADMIN, Role.MANAGER})


def figure_municipalities(user: User, grants: list[Grant] | None = None) -> QuerySet[Municipality]:
    """Municipalities whose settlements and statistics the user may read: every municipality of
    the region for Klinisk Funktion and a region's manager, their own for a municipality's
    manager. Which of their cases a figure counts is still the case scope (``in_case_scope``)."""
    grants = grants_for(user) if grants is None else grants
    regions = {g.region_id for g in grants if g.role in FIGURE_ROLES and g.region_id}
    municipalities = {
        g.municipality_id for g in grants if g.role in FIGURE_ROLES and g.municipality_id
    }
    return Municipality.objects.filter(
        Q(region_id__in=regions) | Q(pk__in=municipalities)
    ).select_related("region")


def figure_regions(user: User, grants: list[Grant] | None = None) -> QuerySet[Region]:
    """Regions whose rates the user may read (Klinisk Funktion and the region's manager)."""
    grants = grants_for(user) if grants is None else grants
    return Region.objects.filter(
        pk__in={g.region_id for g in grants if g.role in FIGURE_ROLES and g.region_id}
    )


def billing_regions(user: User) -> QuerySet[Region]:
    """The regions whose rates and settlements the user keeps: Klinisk Funktion's own."""
    return Region.objects.filter(
        pk__in={g.region_id for g in grants_for(user) if g.role == Role.CLINICAL_ADMIN}
    )


def may_manage_billing(user: User, region_id: int) -> bool:
    """Only the region's Klinisk Funktion sets its rates and approves and locks settlements;
    managers read them."""
    return holds_role(user, Role.CLINICAL_ADMIN, region_id=region_id)
