"""Approved settlements and their lines stay locked with no way around it at run time: the
triggers are made again without the maintenance switch that lifted them on SQLite (the switch's
table goes in access migration 0004). Reversing keeps the stricter triggers."""

from django.db import migrations

from sundhedskoordinator.core.append_only import refuse_changes

TABLES = ["billing_settlement", "billing_settlementline"]


def forward(apps, schema_editor):
    refuse_changes(schema_editor, TABLES, reason="is locked")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_locked"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
