"""The database refuses UPDATE and DELETE on approved settlements and their lines: a locked
period never changes (corrections go in the next period). The same triggers and the same
maintenance switch as the append-only logs (access migration 0002)."""

from django.db import migrations

TABLES = ["billing_settlement", "billing_settlementline"]


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "sqlite":
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} WHEN NOT EXISTS (SELECT 1 FROM append_only_maintenance) "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is locked'); END"
                    )
            elif connection.vendor == "postgresql":
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


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("access", "0002_append_only"),
    ]

    operations = [migrations.RunPython(create, drop)]
