"""Moving models between apps keeps every row: the agenda items and dispatches from the meetings
app to the case app, and the API tokens from the API app to the access app.

The database is taken back to the migrations before the moves (cases 0007, meetings 0002, access
0006), where the models lived in their old apps; the demo world is loaded there, with API tokens;
then the database is migrated forward. Every table's row count and contents, the content types of
the moved models, and the JSON of every case must be what they were before."""

import hashlib
import json

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sundhedskoordinator.access.models import ApiToken
from sundhedskoordinator.api import serialize
from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.cases.models import AgendaItem, Case, Dispatch
from sundhedskoordinator.cases.selectors import with_details
from sundhedskoordinator.organisations.models import User

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


def _tables() -> dict[str, tuple[int, str]]:
    """Each model table's row count and a checksum of all its rows in key order."""
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table == "django_content_type":
                continue  # compared on its own: the moved models' rows are meant to change
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def _cases() -> dict[int, str]:
    """A checksum of every case's JSON as the API writes it with its health content."""
    reader = User.objects.get(username="admin")
    return {
        case.pk: hashlib.sha256(
            json.dumps(
                serialize.case(case, reader, [], health=True), default=str, sort_keys=True
            ).encode()
        ).hexdigest()
        for case in with_details(Case.objects.all())
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_world_survives_the_moves_between_apps(before_christmas):
    _migrate(BEFORE)
    try:
        for _old, new, model in MOVES:
            assert not ContentType.objects.filter(app_label=new, model=model).exists()
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        for username in ("sagsbehandler", "koordinator"):
            issue_token(user=User.objects.get(username=username))
        old_types = {
            model: ContentType.objects.filter(app_label=old, model=model).first()
            for old, _new, model in MOVES
        }
        tables, cases = _tables(), _cases()
    finally:
        _migrate()

    assert AgendaItem.objects.exists() and Dispatch.objects.exists()
    assert ApiToken.objects.count() == 2
    assert set(tables) >= MOVED_TABLES
    assert _tables() == tables
    assert _cases() == cases and len(cases) == Case.objects.count() > 0
    # The content types follow the models, keeping their ids (so permissions and log entries do).
    for old, new, model in MOVES:
        if old_types[model] is not None:
            assert ContentType.objects.get(app_label=new, model=model).pk == old_types[model].pk
        assert not ContentType.objects.filter(app_label=old, model=model).exists()
