"""The access log and the case event log refuse UPDATE and DELETE with no way around it at run
time: on SQLite the triggers of migration 0002 stood aside while the table
``append_only_maintenance`` held a row. They are made again without that condition and the table
is dropped; only a migration may change the triggers now. Reversing keeps the stricter triggers."""

from django.db import migrations

from sundhedskoordinator.core.append_only import refuse_changes

TABLES = ["access_accesslog", "audit_caseevent"]


def forward(apps, schema_editor):
    refuse_changes(schema_editor, TABLES)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS append_only_maintenance")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_loginsession"),
        ("audit", "0004_reassign_take_over"),
        # The billing triggers asked for the same table: they are replaced first.
        ("billing", "0003_locked_without_bypass"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
