"""The database refuses UPDATE and DELETE on the access log and on the case event log.

SQLite drops a table's triggers when a later migration remakes the table: such a migration must
create them again (the append-only tests fail until it does).

On SQLite the refusal is lifted while the table ``append_only_maintenance`` (not a model, so a
flush leaves it alone) holds a row: the test suite does that only to empty its database between
tests. On PostgreSQL, TRUNCATE (the same flush) does not fire row triggers. Anyone who may write
raw SQL to the database could drop a trigger anyway; these guard against the application.
"""

from django.db import migrations

TABLES = ["access_accesslog", "audit_caseevent"]


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE TABLE append_only_maintenance (reason text)")
            for table in TABLES:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} WHEN NOT EXISTS (SELECT 1 FROM append_only_maintenance) "
                        f"BEGIN SELECT RAISE(ABORT, "
                        f"'{table} is append-only'); END"
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ "
                "LANGUAGE plpgsql"
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
                )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "sqlite":
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS append_only_maintenance")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("audit", "0002_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
