"""A national synthetic world for the scale benchmarks (``manage.py generate_world``): Denmark's 5
regions and 98 municipalities with their rehabilitation teams and staff, and N cases spread over
ten years in every state, with their citizens, meetings, documents, advice, decisions,
settlements and about 20 access-log rows each.

How it stays valid and fast:

- One *template* case per kind of case is walked through the real services (``cases.walk``), so
  every row a template holds is one the services wrote. Open cases are walked now, with a meeting
  five weeks ahead; cases that are past their meeting are walked two months ago.
- Every generated case is a copy of a template's rows, moved back in time by whole weeks (and a
  day or two, to spread over the team's meeting days), with a new citizen, the target
  municipality's staff, a new reference and a slot of its own in a meeting of the municipality's
  team. Deadlines are computed again for the new meeting day by ``core.workingdays``, as the
  services would. Documents share the template's stored file (same bytes and checksum).
- Rows are written in chunks with explicit keys: ``executemany`` on SQLite and ``COPY`` on
  PostgreSQL, then the key sequences are moved past them. All the copies are one transaction, in
  which the written tables' secondary indexes are dropped first and built again at the end: a
  run cut short leaves the database as it was before the copies.
- With ``workers=2`` the rows are built in a second process (a fork, which never uses the
  database) while this one writes them. One process is the default: on a machine whose cores
  are busy with other work the two seldom run side by side, and handing the rows over costs
  more than it saves (docs/performance.md).
- Settlements are approved through the billing service for every finished year that a rate
  covers, by the region's Klinisk Funktion: a municipality's years in one approval of a run of
  periods (``approve_settlements``), which reads its billable events once.

``cases.invariants`` checks a sample afterwards (``check_sample``): the generator's output passes
the same checks as cases made by the services.

The random choices only shape synthetic data (seeded, repeatable); nothing here is a secret.
"""
# ruff: noqa: S311

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import random
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from queue import Empty
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models, transaction

from sundhedskoordinator.access.models import AccessAction, AccessLog
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.billing.models import Rate, Settlement, SettlementLine
from sundhedskoordinator.billing.services import (
    approve_settlement,
    approve_settlements,
    set_rate,
)
from sundhedskoordinator.cases.choices import Outcome, Status
from sundhedskoordinator.cases.invariants import ON_AGENDA, problems, with_related
from sundhedskoordinator.cases.models import (
    NO_DEADLINE,
    Advice,
    AgendaItem,
    Case,
    CaseSequence,
    Conversation,
    Decision,
    Dispatch,
    Document,
    HealthConcern,
    Offer,
    OfferVersion,
    request_day,
)
from sundhedskoordinator.cases.selectors import refresh_list_order
from sundhedskoordinator.cases.walk import HAPPY_PATH, Cast, new_case, walk_case_to
from sundhedskoordinator.citizens.cpr import protect_cpr
from sundhedskoordinator.citizens.models import Citizen, Guidance, ResourceCourse
from sundhedskoordinator.citizens.services import create_citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.workingdays import dispatch_deadline, is_working_day
from sundhedskoordinator.meetings.models import CollaborationAgreement, Meeting
from sundhedskoordinator.meetings.services import plan_meeting
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import (
    Municipality,
    Region,
    RehabTeam,
    RoleMembership,
    User,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

REGIONS = [
    ("1081", "Region Nordjylland"),
    ("1082", "Region Midtjylland"),
    ("1083", "Region Syddanmark"),
    ("1084", "Region Hovedstaden"),
    ("1085", "Region Sjælland"),
]

#: Denmark's 98 municipalities: code, name, region code.
MUNICIPALITIES = [
    *[
        (code, f"{name} Kommune", "1084")
        for code, name in [
            ("101", "Københavns"), ("147", "Frederiksberg"), ("151", "Ballerup"),
            ("153", "Brøndby"), ("155", "Dragør"), ("157", "Gentofte"), ("159", "Gladsaxe"),
            ("161", "Glostrup"), ("163", "Herlev"), ("165", "Albertslund"), ("167", "Hvidovre"),
            ("169", "Høje-Taastrup"), ("173", "Lyngby-Taarbæk"), ("175", "Rødovre"),
            ("183", "Ishøj"), ("185", "Tårnby"), ("187", "Vallensbæk"), ("190", "Furesø"),
            ("201", "Allerød"), ("210", "Fredensborg"), ("217", "Helsingør"),
            ("219", "Hillerød"), ("223", "Hørsholm"), ("230", "Rudersdal"), ("240", "Egedal"),
            ("250", "Frederikssund"), ("260", "Halsnæs"), ("270", "Gribskov"),
            ("400", "Bornholms Regions"),
        ]
    ],
    *[
        (code, f"{name} Kommune", "1085")
        for code, name in [
            ("253", "Greve"), ("259", "Køge"), ("265", "Roskilde"), ("269", "Solrød"),
            ("306", "Odsherred"), ("316", "Holbæk"), ("320", "Faxe"), ("326", "Kalundborg"),
            ("329", "Ringsted"), ("330", "Slagelse"), ("336", "Stevns"), ("340", "Sorø"),
            ("350", "Lejre"), ("360", "Lolland"), ("370", "Næstved"), ("376", "Guldborgsund"),
            ("390", "Vordingborg"),
        ]
    ],
    *[
        (code, f"{name} Kommune", "1083")
        for code, name in [
            ("410", "Middelfart"), ("420", "Assens"), ("430", "Faaborg-Midtfyn"),
            ("440", "Kerteminde"), ("450", "Nyborg"), ("461", "Odense"), ("479", "Svendborg"),
            ("480", "Nordfyns"), ("482", "Langeland"), ("492", "Ærø"), ("510", "Haderslev"),
            ("530", "Billund"), ("540", "Sønderborg"), ("550", "Tønder"), ("561", "Esbjerg"),
            ("563", "Fanø"), ("573", "Varde"), ("575", "Vejen"), ("580", "Aabenraa"),
            ("607", "Fredericia"), ("621", "Kolding"), ("630", "Vejle"),
        ]
    ],
    *[
        (code, f"{name} Kommune", "1082")
        for code, name in [
            ("615", "Horsens"), ("657", "Herning"), ("661", "Holstebro"), ("665", "Lemvig"),
            ("671", "Struer"), ("706", "Syddjurs"), ("707", "Norddjurs"), ("710", "Favrskov"),
            ("727", "Odder"), ("730", "Randers"), ("740", "Silkeborg"), ("741", "Samsø"),
            ("746", "Skanderborg"), ("751", "Aarhus"), ("756", "Ikast-Brande"),
            ("760", "Ringkøbing-Skjern"), ("766", "Hedensted"), ("779", "Skive"),
            ("791", "Viborg"),
        ]
    ],
    *[
        (code, f"{name} Kommune", "1081")
        for code, name in [
            ("773", "Morsø"), ("787", "Thisted"), ("810", "Brønderslev"),
            ("813", "Frederikshavn"), ("820", "Vesthimmerlands"), ("825", "Læsø"),
            ("840", "Rebild"), ("846", "Mariagerfjord"), ("849", "Jammerbugt"),
            ("851", "Aalborg"), ("860", "Hjørring"),
        ]
    ],
]  # fmt: skip

FIRST_NAMES = [
    "Anne", "Mette", "Hanne", "Susanne", "Lene", "Camilla", "Louise", "Maria", "Sofie", "Ida",
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Martin", "Mads", "Ahmad",
    "Fatima", "Emil", "Frederik", "Rasmus", "Birgitte", "Jørgen", "Kirsten", "Ole", "Niels",
]  # fmt: skip
LAST_NAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Hassan", "Yilmaz",
]  # fmt: skip

#: How far back the world reaches, and the first year a generated rate covers.
YEARS = 10
HISTORY_RATE = Decimal("1950.00")
HISTORY_AGREEMENT_FROM = dt.date(2015, 1, 1)
#: Cases younger than this many weeks may be open; older ones have ended.
OPEN_WEEKS = 4
#: The ended cases' mix: closed after a decision, withdrawn, rejected (out of 100).
ENDED_MIX = [(Status.CLOSED, 85), (Status.WITHDRAWN, 8), (Status.REJECTED, 7)]
#: The happy path's states before the case is closed.
OPEN_STATES = HAPPY_PATH[: HAPPY_PATH.index(Status.CLOSED)]
#: The states a template is walked to now (its meeting ahead); the others two months ago.
AHEAD = set(HAPPY_PATH[: HAPPY_PATH.index(Status.HELD)])
ACCESS_ROWS_PER_CASE = 20
ACCESS_SPACING = dt.timedelta(hours=3)
ACCESS_STEPS = [ACCESS_SPACING * i for i in range(ACCESS_ROWS_PER_CASE)]
ACCESS_ROLES = (Role.CASEWORKER.value, Role.SECRETARIAT.value, Role.COORDINATOR.value)
VIEW = AccessAction.VIEW.value
#: Generated meetings last from 7 to 19 (local time): room for 16 cases of 45 minutes.
MEETING_HOURS = (7, 19)
#: Days a case may move within its week to find a free slot in its team's meetings.
DAY_OFFSETS = (0, 1, -1, 2, -2, 3)


@dataclass
class Staff:
    caseworkers: list[User]
    secretariat: User
    manager: User


@dataclass
class Summary:
    cases: int = 0
    citizens: int = 0
    meetings: int = 0
    access_logs: int = 0
    settlements: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    #: Seconds per phase: organisations, templates, cases, settlements.
    seconds: dict[str, float] = field(default_factory=dict)


def _require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("generate_world runs in demo mode only (DJANGO_ENV=demo).")


# --- Organisations and staff ----------------------------------------------------------------


def _organisations(password_hash: str) -> tuple[dict[str, Region], dict[str, Municipality]]:
    regions = {r.code: r for r in Region.objects.all()}
    for code, name in REGIONS:
        if code not in regions:
            regions[code] = Region.objects.create(
                code=code, name=name, clinical_function_name=f"Klinisk Funktion, {name}"
            )
    for region in regions.values():
        CollaborationAgreement.objects.get_or_create(
            region=region,
            valid_from=HISTORY_AGREEMENT_FROM,
            defaults={"name": "Bilag 13 (tidligere version)"},
        )
    municipalities = {m.code: m for m in Municipality.objects.all()}
    for number, (code, name, region_code) in enumerate(MUNICIPALITIES):
        if code not in municipalities:
            municipalities[code] = Municipality.objects.create(
                code=code, name=name, region=regions[region_code], cvr=f"{29000000 + number:08d}"
            )
        municipality = municipalities[code]
        if not RehabTeam.objects.filter(municipality=municipality).exists():
            RehabTeam.objects.create(
                municipality=municipality,
                name=f"Rehabiliteringsteamet i {name}",
                location=f"Jobcenter {name.removesuffix(' Kommune')}",
            )
    _staff_users(regions, municipalities, password_hash)
    return regions, municipalities


def _staff_users(
    regions: dict[str, Region], municipalities: dict[str, Municipality], password_hash: str
) -> None:
    """Three caseworkers, a secretary and a manager per municipality; three coordinators and a
    Klinisk Funktion per region (usernames ``sb461-1``, ``sek461``, ``leder461``, ``koord1083-1``,
    ``klinisk1083``), created once."""
    wanted: list[tuple[str, Role, Municipality | None, Region | None]] = []
    for code, municipality in municipalities.items():
        wanted += [(f"sb{code}-{i}", Role.CASEWORKER, municipality, None) for i in (1, 2, 3)]
        wanted += [
            (f"sek{code}", Role.SECRETARIAT, municipality, None),
            (f"leder{code}", Role.MANAGER, municipality, None),
        ]
    for code, region in regions.items():
        wanted += [(f"koord{code}-{i}", Role.COORDINATOR, None, region) for i in (1, 2, 3)]
        wanted.append((f"klinisk{code}", Role.CLINICAL_ADMIN, None, region))
    existing = set(User.objects.values_list("username", flat=True))
    rng = random.Random(7)
    new = [w for w in wanted if w[0] not in existing]
    User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{username}@example.dk",
                password=password_hash,
            )
            for username, *_rest in new
        ]
    )
    ids = dict(User.objects.filter(username__in=[w[0] for w in new]).values_list("username", "pk"))
    RoleMembership.objects.bulk_create(
        [
            RoleMembership(user_id=ids[username], role=role, municipality=m, region=r)
            for username, role, m, r in new
        ]
    )


def _staff(municipality: Municipality) -> Staff:
    members = (
        RoleMembership.objects.filter(municipality=municipality)
        .select_related("user")
        .order_by("user__username")
    )
    by_role: dict[str, list[User]] = {}
    for membership in members:
        by_role.setdefault(membership.role, []).append(membership.user)
    return Staff(
        caseworkers=by_role[Role.CASEWORKER],
        secretariat=by_role[Role.SECRETARIAT][0],
        manager=by_role[Role.MANAGER][0],
    )


def _coordinators(region: Region) -> list[User]:
    return [
        m.user
        for m in RoleMembership.objects.filter(region=region, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__username")
    ]


# --- Templates --------------------------------------------------------------------------------


@dataclass
class Template:
    """One case walked through the services, and what it holds, as raw rows per table."""

    state: Status
    case: Case
    cast: Cast
    rows: dict[type[models.Model], list[list[Any]]] = field(default_factory=dict)
    meeting: Meeting | None = None
    item_start: dt.datetime | None = None
    item_minutes: int = 0


def _meeting_day(start: dt.date) -> dt.date:
    """The first Tuesday on or after ``start`` that is a working day."""
    day = start + dt.timedelta(days=(1 - start.weekday()) % 7)
    while not is_working_day(day):
        day += dt.timedelta(days=7)
    return day


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN)


def _long_meeting(team: RehabTeam, day: dt.date) -> Meeting:
    """A team meeting from 7 to 19 on ``day``: room for 16 cases of 45 minutes."""
    existing = Meeting.objects.filter(team=team, date=day, cancelled_at__isnull=True).first()
    if existing is not None:
        return existing
    return plan_meeting(
        team=team,
        starts_at=_at(day, MEETING_HOURS[0]),
        ends_at=_at(day, MEETING_HOURS[1]),
    )


def _walk_templates(
    municipality: Municipality, cast: Cast, team: RehabTeam, rng: random.Random
) -> list[Template]:
    """Walk one case to each state, through the services. Each template that reaches a meeting
    has a meeting of its own, so its agenda item holds the meeting's first slot."""
    now = clock.now()
    past = now - dt.timedelta(days=60)
    templates: list[Template] = []
    kinds: list[tuple[Status, str]] = [(s, Outcome.ADJUST) for s in OPEN_STATES]
    kinds += [
        (Status.CLOSED, Outcome.ADJUST),
        (Status.CLOSED, Outcome.OTHER_OFFER),
        (Status.CLOSED, Outcome.UNCHANGED),
        (Status.WITHDRAWN, Outcome.ADJUST),
        (Status.REJECTED, Outcome.ADJUST),
    ]
    for state, outcome in kinds:
        moment = now if state in AHEAD else past
        with clock.frozen(moment):
            citizen = _template_citizen(municipality, cast.caseworker, rng)
            meeting = None
            if state in ON_AGENDA or state == Status.CLOSED:
                meeting = _long_meeting(team, _meeting_day(clock.today() + dt.timedelta(days=35)))
            case = new_case(citizen=citizen, caseworker=cast.caseworker)
            case = walk_case_to(case, state, cast=cast, meeting=meeting, outcome=outcome)
        template = Template(state=state, case=case, cast=cast, meeting=meeting)
        if meeting is not None:
            item = case.agenda_items.get(cancelled_at__isnull=True)
            template.item_start = item.starts_at
            template.item_minutes = int((item.ends_at - item.starts_at).total_seconds() // 60)
        templates.append(template)
    return templates


def _template_citizen(municipality: Municipality, actor: User, rng: random.Random) -> Citizen:
    return create_citizen(
        actor=actor,
        cpr=_cpr(90_000_000 + Citizen.objects.count()),
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        municipality=municipality,
        course_start=clock.today() - dt.timedelta(days=200),
    )


def _cpr(n: int) -> str:
    """A fictional, well-formed CPR number for the n-th generated citizen: a birth date between
    1960 and 2000 and a running number."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n % 14600)
    return f"{born:%d%m%y}{(n // 14600) % 10000:04d}"


# --- Raw rows ---------------------------------------------------------------------------------

#: The tables a case's copy holds, in the order they are written, and the column that ties a
#: template's rows to it.
CASE_TABLES: list[tuple[type[models.Model], str]] = [
    (Citizen, "id"),
    (ResourceCourse, "citizen_id"),
    (Guidance, "citizen_id"),
    (Case, "id"),
    (Offer, "case_id"),
    (OfferVersion, "case_id"),
    (HealthConcern, "case_id"),
    (Document, "case_id"),
    (AgendaItem, "case_id"),
    (Dispatch, "case_id"),
    (Conversation, "case_id"),
    (Advice, "case_id"),
    (Decision, "case_id"),
    (CaseEvent, "case_id"),
]
CLONED = {model for model, _key in CASE_TABLES}
#: The tables the settlements of the world are written to, after the copies.
SETTLED = (Rate, Settlement, SettlementLine)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _read_rows(model: type[models.Model], key: str, value: int) -> list[list[Any]]:
    table = model._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in _columns(model))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {columns} FROM "{table}" WHERE "{key}" = %s ORDER BY "id"',  # noqa: S608
            [value],
        )
        return [list(row) for row in cursor.fetchall()]


def _load_template_rows(template: Template) -> None:
    for model, key in CASE_TABLES:
        value = template.case.citizen_id if key == "citizen_id" or model is Citizen else None
        value = template.case.pk if value is None else value
        rows = _read_rows(model, key, value)
        # Parse stored times once, so that each copy only adds its shift.
        for field_index, f in enumerate(_columns(model)):
            if isinstance(f, models.DateTimeField):
                for row in rows:
                    row[field_index] = _parse_dt(row[field_index])
            elif isinstance(f, models.DateField):
                for row in rows:
                    row[field_index] = _parse_date(row[field_index])
        template.rows[model] = rows


def _parse_dt(value: Any) -> dt.datetime | None:
    """A stored moment as an aware datetime: SQLite gives naive UTC (as a string or, through
    Django's converters, a datetime), PostgreSQL an aware one."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def _parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class Writer:
    """Rows per table, gathered for one chunk of cases and then written in one go per table:
    ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[Sequence[Any]]] = {}
        self.written: dict[str, int] = {}

    def add(self, model: type[models.Model], row: Sequence[Any]) -> None:
        self.rows.setdefault(model, []).append(row)

    def take(self, order: Iterable[type[models.Model]]) -> Chunk:
        """The chunk's rows, table by table in ``order``, and nothing kept."""
        chunk = [(model._meta.label, self.rows.pop(model)) for model in order if model in self.rows]
        self.rows = {}
        return chunk

    def write(self, chunk: Chunk) -> None:
        for label, rows in chunk:
            _write(apps.get_model(label), rows)
            self.written[label] = self.written.get(label, 0) + len(rows)


#: One chunk's rows: per table (by its label, so that it pickles), in the order they are written.
Chunk = list[tuple[str, list[Sequence[Any]]]]


def _write(model: type[models.Model], rows: list[Sequence[Any]]) -> None:
    table = model._meta.db_table
    names = [f.column for f in _columns(model)]
    columns = ", ".join(f'"{n}"' for n in names)
    raw = connection.connection
    if connection.vendor == "sqlite":
        marks = ", ".join("?" for _ in names)
        raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)  # noqa: S608
        return
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


@contextlib.contextmanager
def _fast_writes() -> Iterator[None]:
    """On SQLite, while the world is written: a large page cache, no fsync, and a rollback
    journal instead of the write-ahead log. The copies are one transaction, so the log would
    hold every page of them once more before they reach the database file; the journal keeps
    only the few pages that existed before, enough to roll back a run cut short. No fsync: a
    generated world that a crash of the machine cuts short is generated again, so durability
    buys nothing here. The write-ahead log is back afterwards (and every new connection asks
    for it)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.execute("PRAGMA journal_mode=DELETE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")


def _immediate_constraints() -> None:
    """On PostgreSQL, check each COPY's foreign keys when it ends rather than at the commit: the
    copies are one transaction, and their deferred checks would queue up for all of it (and
    PostgreSQL builds no index on a table with checks pending)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


#: Tables whose secondary indexes are dropped while the copies are written and built again once
#: at the end, in the same transaction: every table the copies write. Keeping the indexes up to
#: date row by row costs more than building them once from the finished table (the access log
#: alone has five, for 20 rows a case).
REINDEXED: tuple[type[models.Model], ...] = (
    *(model for model, _key in CASE_TABLES),
    Meeting,
    AccessLog,
)


def _drop_indexes(models_: Iterable[type[models.Model]]) -> list[str]:
    """Drop the tables' secondary indexes (not those behind a key or a unique constraint) and,
    on PostgreSQL, their foreign keys; return the statements that create them again. PostgreSQL
    checks a foreign key row by row with a query of its own; added again at the end, it checks
    every row of the table in one join (SQLite's checks are lookups in the same process, cheap
    enough to keep)."""
    statements: list[str] = []
    keys: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'f' AND conrelid = %s::regclass",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                    keys.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for model in models_:
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                    "quote_ident(i.indexname))::regclass)",
                    [table],
                )
            for name, sql in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                statements.append(sql)
    return statements + keys


def _create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        if statements and connection.vendor == "postgresql":
            # Room to sort a million cases' access log in memory (for this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for sql in statements:
            cursor.execute(sql)


def _analyse() -> None:
    """Fresh planner statistics after the bulk write: without them PostgreSQL plans the lists
    for the tables' sizes before it (sequential scans, seconds at 100,000 cases)."""
    if connection.in_atomic_block and connection.vendor == "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _analyse_settled() -> None:
    """On SQLite, planner statistics for the tables the settlements were written to: the
    ANALYZE after the copies ran before them, and with its count of a few lines SQLite reads a
    year's settlement lines by scanning every line of every settlement (602 ms for one export at a
    million cases instead of a few). PostgreSQL's VACUUM (ANALYZE) after them covers these too."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in SETTLED:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _vacuum() -> None:
    """On PostgreSQL, what autovacuum would do to a live database in time, at once: mark the
    bulk-written pages all-visible, so that a count of a municipality's cases reads its index
    alone (an index-only scan) instead of one table page per case (364 ms for Odense's 50,000
    cases of a million before). Not inside a transaction, where VACUUM cannot run."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _next_ids(models_: Iterable[type[models.Model]]) -> dict[type[models.Model], int]:
    ids = {}
    for model in models_:
        newest = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        ids[model] = (newest or 0) + 1
    return ids


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        if statements and connection.vendor == "postgresql":
            # Room to sort a million cases' access log in memory (for this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for sql in statements:
            cursor.execute(sql)


# --- Copies -------------------------------------------------------------------------------

# What happens to a column of a copied row.
_DT, _DATE, _CLONED, _USER, _MUNICIPALITY, _MEETING, _DEADLINE, _CITIZEN, _REQUESTED = (
    object() for _ in range(9)
)
CITIZEN_FIELDS = ("cpr_encrypted", "cpr_hash", "cpr_masked", "name", "user", "email")


@dataclass
class Plan:
    """Per table: where the key is, and what to do with each column that changes."""

    pk: int
    ops: list[tuple[int, object, Any]]
    created: int = -1
    year: int = -1
    number: int = -1
    reference: int = -1


def _plan(model: type[models.Model]) -> Plan:
    columns = _columns(model)
    names = [f.name for f in columns]
    ops: list[tuple[int, object, Any]] = []
    for index, f in enumerate(columns):
        if f.primary_key:
            continue
        if model is Citizen and f.name in CITIZEN_FIELDS:
            ops.append((index, _CITIZEN, f.name))
        elif isinstance(f, models.ForeignKey):
            target = f.related_model
            if target in CLONED:
                ops.append((index, _CLONED, target))
            elif target is User:
                ops.append((index, _USER, None))
            elif target is Municipality:
                ops.append((index, _MUNICIPALITY, None))
            elif target is Meeting:
                ops.append((index, _MEETING, None))
        elif isinstance(f, models.DateTimeField):
            ops.append((index, _DT, None))
        elif model is AgendaItem and f.name == "requested_on":
            ops.append((index, _REQUESTED, None))
        elif isinstance(f, models.DateField):
            deadline = model in (AgendaItem, Dispatch) and f.name in (
                "dispatch_deadline",
                "deadline",
            )
            ops.append((index, _DEADLINE if deadline else _DATE, None))
    plan = Plan(pk=next(i for i, f in enumerate(columns) if f.primary_key), ops=ops)
    if model is Case:
        plan.created = names.index("created_at")
        plan.year = names.index("year")
        plan.number = names.index("number")
        plan.reference = names.index("reference")
    return plan


@dataclass
class Copy:
    """What one generated case changes in its template's rows."""

    template: Template
    shift: dt.timedelta
    municipality: Municipality
    users: dict[int, int]
    citizen_values: dict[str, Any]
    meeting_id: int | None = None
    deadline: dt.date | None = None


class Generator:
    def __init__(self, *, seed: int, templates: list[Template]) -> None:
        self.rng = random.Random(seed)
        self.templates = templates
        self.by_state: dict[Status, list[Template]] = {}
        for template in templates:
            self.by_state.setdefault(template.state, []).append(template)
        self.ids = _next_ids([*CLONED, Meeting, AccessLog])
        self.numbers = dict(CaseSequence.objects.values_list("year", "last_number"))
        self.slots: dict[tuple[int, dt.date], int] = {}
        self.meetings: dict[tuple[int, dt.date], int] = {}
        self.new_meetings: list[Meeting] = []
        self.writer = Writer()
        self.citizen_number = Citizen.objects.count() + 1000
        self.plans = {model: _plan(model) for model in CLONED}
        self.now = clock.now().astimezone(dt.UTC)
        self.sqlite = connection.vendor == "sqlite"
        self.user_names: dict[int, str] = {}
        self.summary = Summary()

    # The shape of the world: which template, which week, which municipality.

    def pick(self, index: int, weeks: int) -> tuple[Template, int]:
        if index < len(self.templates):
            template = self.templates[index]
        else:
            week = self.rng.randrange(weeks)
            if week < OPEN_WEEKS:
                template = self.rng.choice(
                    [t for state in OPEN_STATES for t in self.by_state[state]]
                )
            else:
                state = self.rng.choices(
                    [s for s, _w in ENDED_MIX], weights=[w for _s, w in ENDED_MIX]
                )[0]
                template = self.rng.choice(self.by_state[state])
            return template, week
        ended = template.state not in OPEN_STATES
        return template, (self.rng.randrange(OPEN_WEEKS, weeks) if ended else 0)

    def place(
        self, template: Template, week: int, team: RehabTeam
    ) -> tuple[dt.timedelta, int | None, dt.date | None]:
        """The shift back in time, and the meeting and deadline of the case's agenda item: the
        first of its week's meeting days with a free slot."""
        if template.meeting is None:
            minutes = self.rng.randrange(0, 8 * 60)
            return -dt.timedelta(days=7 * week, minutes=minutes), None, None
        capacity = (MEETING_HOURS[1] - MEETING_HOURS[0]) * 60 // max(template.item_minutes, 1)
        while True:
            found = self._free_slot(template, week, team, capacity)
            if found is not None:
                return found
            week += 1

    def _free_slot(
        self, template: Template, week: int, team: RehabTeam, capacity: int
    ) -> tuple[dt.timedelta, int | None, dt.date | None] | None:
        assert template.meeting is not None  # noqa: S101
        for offset in DAY_OFFSETS:
            day = template.meeting.date - dt.timedelta(days=7 * week - offset)
            if day > clock.today() + dt.timedelta(days=60) or not is_working_day(day):
                continue
            key = (team.pk, day)
            slot = self.slots.get(key, 0)
            if slot >= capacity:
                continue
            self.slots[key] = slot + 1
            meeting_id = self._meeting(team, day, template.meeting)
            assert template.item_start is not None  # noqa: S101
            starts = _at(day, MEETING_HOURS[0]).astimezone(dt.UTC) + dt.timedelta(
                minutes=slot * template.item_minutes
            )
            shift = starts - template.item_start.astimezone(dt.UTC)
            return shift, meeting_id, _deadline(day, template.meeting.deadline_working_days)
        return None

    def _meeting(self, team: RehabTeam, day: dt.date, like: Meeting) -> int:
        key = (team.pk, day)
        if key not in self.meetings:
            pk = self.ids[Meeting]
            self.ids[Meeting] += 1
            delta = day - like.date
            self.new_meetings.append(
                Meeting(
                    pk=pk,
                    municipality_id=team.municipality_id,
                    team=team,
                    kind=like.kind,
                    date=day,
                    starts_at=_at(day, MEETING_HOURS[0]),
                    ends_at=_at(day, MEETING_HOURS[1]),
                    location=team.location or like.location,
                    dispatch_deadline=_deadline(day, like.deadline_working_days),
                    deadline_working_days=like.deadline_working_days,
                    created_at=like.created_at + delta,
                )
            )
            self.meetings[key] = pk
        return self.meetings[key]

    # One case.

    def add_case(self, copy: Copy) -> None:
        """Copy the template's rows with new keys, the copy's people, meeting and times."""
        template, shift = copy.template, copy.shift
        days = dt.timedelta(days=round(shift / dt.timedelta(days=1)))
        # The copy's request moves by the whole shift, a later meeting slot's hours too, which
        # may take it into another day than the whole days the dates move by: its items keep
        # the copy's own request day, as the services set it (``AgendaItem.requested_on``).
        submitted = template.case.submitted_at
        requested = request_day(submitted + shift) if submitted is not None else None
        ids: dict[tuple[type[models.Model], int], int] = {}
        sqlite = self.sqlite
        for model, _key in CASE_TABLES:
            plan = self.plans[model]
            for source in template.rows[model]:
                row = list(source)
                new = self.ids[model]
                self.ids[model] = new + 1
                ids[(model, row[plan.pk])] = new
                row[plan.pk] = new
                for index, op, target in plan.ops:
                    value = row[index]
                    if value is None:
                        continue
                    if op is _DT:
                        moved = value + shift
                        row[index] = moved.replace(tzinfo=None).isoformat(" ") if sqlite else moved
                    elif op is _DATE:
                        # "No deadline" stays the last day there is, however far a copy moves.
                        moved = value if value == NO_DEADLINE else value + days
                        row[index] = moved.isoformat() if sqlite else moved
                    elif op is _CLONED:
                        row[index] = ids[(target, value)]
                    elif op is _USER:
                        row[index] = copy.users.get(value, value)
                    elif op is _MUNICIPALITY:
                        row[index] = copy.municipality.pk
                    elif op is _MEETING:
                        row[index] = copy.meeting_id
                    elif op is _REQUESTED:
                        row[index] = requested.isoformat() if sqlite else requested  # type: ignore[union-attr]
                    elif op is _DEADLINE:
                        row[index] = copy.deadline.isoformat() if sqlite else copy.deadline  # type: ignore[union-attr]
                    elif op is _CITIZEN:
                        row[index] = copy.citizen_values[target]
                if model is Case:
                    self._case(row, plan, template.rows[Case][0][plan.created], shift)
                self.writer.add(model, row)
        self._access_log(
            copy, ids[(Case, template.case.pk)], ids[(Citizen, template.case.citizen_id)]
        )
        self.summary.cases += 1
        self.summary.citizens += 1

    def _case(self, row: list[Any], plan: Plan, created: dt.datetime, shift: dt.timedelta) -> None:
        year = (created + shift).astimezone(COPENHAGEN).year
        number = self.numbers.get(year, 0) + 1
        self.numbers[year] = number
        row[plan.year] = year
        row[plan.number] = number
        row[plan.reference] = f"RSK-{year}-{number:06d}"

    def _access_log(self, copy: Copy, case_id: int, citizen_id: int) -> None:
        """Twenty reads of the case by the people on it (caseworker, secretary and, once it has a
        meeting, the coordinator), every three hours from its creation, never after now."""
        cast = copy.template.cast
        people = [cast.caseworker.pk, cast.secretariat.pk]
        if copy.meeting_id is not None:
            people.append(cast.coordinator.pk)
        readers = [
            (copy.users.get(pk, pk), self.user_names.get(copy.users.get(pk, pk), ""), role)
            for pk, role in zip(people, ACCESS_ROLES, strict=False)
        ]
        first = copy.template.case.created_at + copy.shift + dt.timedelta(minutes=7)
        last = min(first + ACCESS_SPACING * (ACCESS_ROWS_PER_CASE - 1), self.now)
        organisation = copy.municipality.name
        object_id = str(case_id)
        pk = self.ids[AccessLog]
        self.ids[AccessLog] = pk + ACCESS_ROWS_PER_CASE
        add = self.writer.rows.setdefault(AccessLog, []).append
        times = [min(first + step, last) for step in ACCESS_STEPS]
        if self.sqlite:
            # Stored as SQLite's Django backend stores a moment: naive UTC text.
            stamps: list[Any] = [t.replace(tzinfo=None).isoformat(" ") for t in times]
        else:
            stamps = times
        count = len(readers)
        for i, at in enumerate(stamps):
            user, name, role = readers[i % count]
            add(
                (
                    pk + i,
                    at,
                    user,
                    name,
                    role,
                    organisation,
                    case_id,
                    citizen_id,
                    "case",
                    object_id,
                    VIEW,
                    "",
                )
            )
        self.summary.access_logs += ACCESS_ROWS_PER_CASE

    def take(self) -> Chunk:
        """The rows of the cases added since the last chunk, meetings first."""
        columns = _columns(Meeting)
        for meeting in self.new_meetings:
            self.writer.add(
                Meeting,
                [f.get_db_prep_save(f.pre_save(meeting, False), connection) for f in columns],
            )
        self.summary.meetings += len(self.new_meetings)
        self.new_meetings = []
        return self.writer.take([Meeting] + [model for model, _key in CASE_TABLES] + [AccessLog])

    def save_numbers(self) -> None:
        for year, last in self.numbers.items():
            CaseSequence.objects.update_or_create(year=year, defaults={"last_number": last})


@cache
def _deadline(day: dt.date, working_days: int) -> dt.date:
    return dispatch_deadline(day, working_days)


def _access_columns_match() -> None:
    """The access-log rows are written by position: fail loudly if the model's columns move."""
    expected = [
        "id", "at", "user_id", "user_name", "role", "organisation", "case_id", "citizen_id",
        "object_type", "object_id", "action", "purpose",
    ]  # fmt: skip
    actual = [f.column for f in _columns(AccessLog)]
    if actual != expected:
        raise ImproperlyConfigured(f"AccessLog columns changed: {actual}")


@dataclass
class Built:
    """What building the copies leaves for the database beyond their rows: the counts, and the
    last case number of each year."""

    summary: Summary
    numbers: dict[int, int]


def _beside(
    build: Callable[[Callable[[Chunk, int], None]], Built],
    write: Callable[[Chunk, int], None],
) -> Built:
    """Build the rows in a second process while this one writes them: building them (Python)
    and writing them (the database's own code) take about as long as each other, so with two
    free cores the copies take little more than the longer of the two. The second process is a fork
    of this one after everything the copies need has been read, and it never touches the
    database connection: it only hands each chunk back through a queue (a few chunks ahead at
    most, to bound the memory)."""
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue(maxsize=3)

    def builder() -> None:
        try:
            queue.put(("done", build(lambda rows, size: queue.put(("chunk", (rows, size))))))
        except BaseException as error:  # handed to the writer, which raises it
            queue.put(("error", "".join(traceback.format_exception(error))))

    process = context.Process(target=builder, daemon=True)
    process.start()
    try:
        while True:
            try:
                kind, item = queue.get(timeout=5)
            except Empty:
                if not process.is_alive():
                    raise RuntimeError("the process building the copies ended early") from None
                continue
            if kind == "chunk":
                write(*item)
            elif kind == "done":
                return item
            else:
                raise RuntimeError(f"building the copies failed:\n{item}")
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


# --- The whole world ------------------------------------------------------------------------


def generate_world(
    cases: int,
    *,
    seed: int = 1,
    chunk: int = 2000,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Add ``cases`` cases (and the organisations, staff, citizens, meetings and settlements
    they need) to the demo world: one template per kind walked through the services, the rest
    copies of them."""
    _require_demo_mode()
    _access_columns_match()
    rng = random.Random(seed)
    started = time.monotonic()
    seconds: dict[str, float] = {}

    def lap(phase: str) -> None:
        nonlocal started
        seconds[phase] = round(time.monotonic() - started, 1)
        started = time.monotonic()

    password_hash = make_password("demo")
    regions, municipalities = _organisations(password_hash)
    lap("organisations")
    odense = municipalities["461"]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["sagsbehandler", "sekretariat", "koordinator"])
    }
    cast = Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"])
    team = RehabTeam.objects.filter(municipality=odense).order_by("pk").first()
    assert team is not None  # noqa: S101
    templates = _walk_templates(odense, cast, team, rng)
    for template in templates:
        _load_template_rows(template)
    lap("templates")
    generator = Generator(seed=seed, templates=templates)
    generator.user_names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.all().only("pk", "first_name", "last_name", "username")
    }
    places = list(municipalities.values())
    teams = {t.municipality_id: t for t in RehabTeam.objects.order_by("-pk")}
    staff = {m.pk: _staff(m) for m in places}
    coordinators = {r.pk: _coordinators(r) for r in regions.values()}
    weeks = YEARS * 52
    copies = max(cases - len(templates), 0)
    generator.summary.cases = len(templates)
    if progress is not None:
        progress(len(templates))

    def copy_of(index: int) -> Copy:
        template, week = generator.pick(index, weeks)
        # Odense, the demo caseworker's municipality, gets a share of its own, so that her lists
        # are long; the rest are spread over the country.
        municipality = odense if index % 25 == 0 else generator.rng.choice(places)
        shift, meeting_id, deadline = generator.place(template, week, teams[municipality.pk])
        people = staff[municipality.pk]
        caseworker = (
            cast.caseworker
            if municipality == odense and (index // 25) % 2 == 0
            else generator.rng.choice(people.caseworkers)
        )
        coordinator = generator.rng.choice(coordinators[municipality.region_id])
        generator.citizen_number += 1
        return Copy(
            template=template,
            shift=shift,
            municipality=municipality,
            users={
                cast.caseworker.pk: caseworker.pk,
                cast.secretariat.pk: people.secretariat.pk,
                cast.coordinator.pk: coordinator.pk,
            },
            citizen_values={
                **protect_cpr(_cpr(generator.citizen_number)),
                "name": f"{generator.rng.choice(FIRST_NAMES)} {generator.rng.choice(LAST_NAMES)}",
                "user": None,
                "email": "",
            },
            meeting_id=meeting_id,
            deadline=deadline,
        )

    def build(send: Callable[[Chunk, int], None]) -> Built:
        """Every copy's rows, a chunk at a time; what the database needs after them."""
        for start in range(0, copies, chunk):
            size = min(chunk, copies - start)
            for index in range(start, start + size):
                generator.add_case(copy_of(index))
            send(generator.take(), size)
        return Built(generator.summary, generator.numbers)

    def write(rows: Chunk, size: int) -> None:
        generator.writer.write(rows)
        if progress is not None:
            progress(size)

    with _fast_writes(), transaction.atomic():
        # One transaction for all the copies: a run cut short (an error, an interrupt, a killed
        # process) leaves the database as it was before them, with every index.
        _immediate_constraints()
        dropped = _drop_indexes(REINDEXED)
        built = _beside(build, write) if workers > 1 else build(write)
        generator.summary, generator.numbers = built.summary, built.numbers
        _create_indexes(dropped)
        # The lists' order, from what each copy holds (its row carries its template's); after
        # the indexes, which its one UPDATE reads the agenda items by.
        refresh_list_order(Case.objects.all())
        generator.save_numbers()
        _reset_sequences([*CLONED, Meeting, AccessLog])
    _analyse()
    lap("cases")
    summary = generator.summary
    summary.settlements = _settle(regions, municipalities)
    lap("settlements")
    _analyse_settled()
    _vacuum()
    lap("vacuum")
    summary.rows = generator.writer.written
    summary.seconds = seconds
    return summary


def _settle(regions: dict[str, Region], municipalities: dict[str, Municipality]) -> int:
    """Rates back to the world's first year where none is set, and one approved settlement per
    municipality per finished year that a rate covers, for municipalities with none yet."""
    today = clock.today()
    first_year = today.year - YEARS
    approvers = {
        m.region_id: m.user
        for m in RoleMembership.objects.filter(role=Role.CLINICAL_ADMIN).select_related("user")
    }
    for region in regions.values():
        if not Rate.objects.filter(region=region).exists():
            set_rate(
                actor=approvers[region.pk],
                region_id=region.pk,
                amount=HISTORY_RATE,
                valid_from=dt.date(first_year, 1, 1),
                bills_cancelled_after_dispatch=True,
                note="Samarbejdsaftalens takst pr. sag",
            )
    for region in regions.values():
        first = Rate.objects.filter(region=region).order_by("valid_from").first()
        if first is not None and first.valid_from > dt.date(first_year, 1, 1):
            # The history before the region's first rate: one rate that ends the day before it,
            # as the service leaves an unbroken line of rates.
            Rate.objects.create(
                region=region,
                amount=HISTORY_RATE,
                valid_from=dt.date(first_year, 1, 1),
                valid_to=first.valid_from - dt.timedelta(days=1),
                bills_cancelled_after_dispatch=True,
                note="Tidligere takst pr. sag",
                created_by=approvers[region.pk],
                created_at=clock.now(),
            )
    # The years in which each municipality had a case on a meeting with its package sent: only
    # those can hold lines (an empty settlement would only cost time at this scale).
    busy: dict[int, set[int]] = {}
    for municipality_id, day in (
        Dispatch.objects.values_list("case__municipality_id", "agenda_item__meeting__date")
        .distinct()
        .iterator()
    ):
        busy.setdefault(municipality_id, set()).add(day.year)
    made = 0
    for municipality in municipalities.values():
        if Settlement.objects.filter(municipality=municipality).exists():
            continue
        first_rate = (
            Rate.objects.filter(region_id=municipality.region_id)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        if first_rate is None:
            continue
        years = [
            year
            for year in range(max(first_year, first_rate.year + (first_rate.month > 1)), today.year)
            if year in busy.get(municipality.pk, set())
        ]
        periods = [(dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in years]
        actor = approvers[municipality.region_id]
        try:
            made += len(
                approve_settlements(actor=actor, municipality_id=municipality.pk, periods=periods)
            )
        except DomainError:
            # One period cannot be approved (a case without a rate): those before it can.
            for period_start, period_end in periods:
                try:
                    approve_settlement(
                        actor=actor,
                        municipality_id=municipality.pk,
                        period_start=period_start,
                        period_end=period_end,
                    )
                except DomainError:
                    break
                made += 1
    return made


def check_sample(size: int, *, seed: int = 1) -> list[str]:
    """The invariants of ``cases.invariants`` on ``size`` cases drawn at random from all."""
    ids = list(Case.objects.values_list("pk", flat=True))
    sample = random.Random(seed).sample(ids, min(size, len(ids)))
    found: list[str] = []
    for case in with_related(Case.objects.filter(pk__in=sample)):
        found += problems(case)
    return found
