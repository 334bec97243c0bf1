"""Moving models between apps keeps every row: the agenda items and dispatches from the meetings
app to the case app, and the API tokens from the API app to the access app.

The database is taken back to the migrations before the moves (cases 0007, meetings 0002, access
0006), where the models lived in their old apps. Rows are written there through the models as
those migrations knew them (today's models may have fields the old tables lack): agenda items,
their dispatches and API tokens, with everything they point to. Then the database is migrated
forward. Every old table's row count and contents and the content types of the moved models must
be what they were before, and today's models must read the moved rows."""

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from sundhedskoordinator.access.models import ApiToken
from sundhedskoordinator.cases.models import AgendaItem, Dispatch

BEFORE = [
    ("cases", "0007_file_note_history"),
    ("meetings", "0002_agreement_warning_and_reminder_days"),
    ("access", "0006_accesslog_citizen"),
]
#: (old app, new app, model) of each move, and the tables that keep their old names.
MOVES = [
    ("meetings", "cases", "agendaitem"),
    ("meetings", "cases", "dispatch"),
    ("api", "access", "apitoken"),
]
MOVED_TABLES = {"meetings_agendaitem", "meetings_dispatch", "api_apitoken"}


def _migrate(targets=None):
    """To the given migrations, or forward to the newest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _columns() -> dict[str, list[str]]:
    """Each table's columns as they are now (later migrations may add more)."""
    with connection.cursor() as cursor:
        return {
            table: [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for table in connection.introspection.table_names(cursor)
            if table != "django_content_type" and not table.startswith("django_migrations")
        }  # the content types are compared on their own: the moved models' rows are meant to change


def _tables(columns: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of all its rows (in these columns) in key order."""
    found = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, names in columns.items():
            listed = ", ".join(quote(n) for n in names)
            cursor.execute(f"SELECT {listed} FROM {quote(table)} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


WHEN = dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC)


class _Rows:
    """Rows for models as a migration state knows them: every required field gets a plain value
    of its type (a new number each time, for unique fields); a required foreign key points to
    the one row made for its model, a one-to-one field to a new row."""

    def __init__(self) -> None:
        self.numbers = itertools.count(1)
        self.shared: dict[type[models.Model], models.Model] = {}

    def one(self, model: type[models.Model]) -> models.Model:
        if model not in self.shared:
            self.shared[model] = self.make(model)
        return self.shared[model]

    def make(self, model: type[models.Model], **given: object) -> models.Model:
        values = dict(given)
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in values or f.null or f.has_default():
                continue
            values[f.name] = self.value(f)
        return model.objects.create(**values)

    def value(self, f: models.Field) -> object:
        n = next(self.numbers)
        if f.is_relation:
            one_to_one = isinstance(f, models.OneToOneField)
            return self.make(f.related_model) if one_to_one else self.one(f.related_model)
        if f.choices:
            return f.choices[0][0]
        if isinstance(f, models.EmailField):
            return f"person{n}@example.dk"
        if isinstance(f, models.CharField | models.TextField):
            return f"{f.name}-{n}"[: f.max_length or 100]
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, models.DecimalField):
            return Decimal(n)
        if isinstance(f, models.IntegerField):
            return n
        if isinstance(f, models.DateTimeField):
            return WHEN + dt.timedelta(minutes=n)
        if isinstance(f, models.DateField):
            return WHEN.date() + dt.timedelta(days=n)
        if isinstance(f, models.JSONField):
            return {}
        raise TypeError(f"no sample value for {f!r}")


def _old_world() -> None:
    """Agenda items with dispatches, and API tokens, as the models were before the moves."""
    loader = MigrationExecutor(connection).loader
    state = loader.project_state(list(loader.applied_migrations)).apps
    rows = _Rows()
    item_model = state.get_model("meetings", "AgendaItem")
    for minute in (0, 45):
        starts = WHEN + dt.timedelta(minutes=minute)
        item = rows.make(
            item_model,
            case=rows.make(state.get_model("cases", "Case")),
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=40),
        )
        rows.make(state.get_model("meetings", "Dispatch"), agenda_item=item, case=item.case)
    for _token in range(2):
        rows.make(state.get_model("api", "ApiToken"))


@pytest.mark.django_db(transaction=True)
def test_the_demo_world_survives_the_moves_between_apps(before_christmas):
    _migrate(BEFORE)
    try:
        for _old, new, model in MOVES:
            assert not ContentType.objects.filter(app_label=new, model=model).exists()
        _old_world()
        old_types = {
            model: ContentType.objects.filter(app_label=old, model=model).first()
            for old, _new, model in MOVES
        }
        columns = _columns()
        tables = _tables(columns)
    finally:
        _migrate()

    assert AgendaItem.objects.count() == 2 and Dispatch.objects.count() == 2
    assert ApiToken.objects.count() == 2
    assert set(tables) >= MOVED_TABLES
    assert _tables(columns) == tables
    # Today's models read the moved rows, through their relations too.
    for item in AgendaItem.objects.select_related("case", "meeting", "dispatch"):
        assert item.dispatch.case == item.case and item.ends_at > item.starts_at
    # The content types follow the models, keeping their ids (so permissions and log entries do).
    for old, new, model in MOVES:
        if old_types[model] is not None:
            assert ContentType.objects.get(app_label=new, model=model).pk == old_types[model].pk
        assert not ContentType.objects.filter(app_label=old, model=model).exists()
