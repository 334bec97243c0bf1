"""The admin log: every change the administrator makes in the admin site, append-only like the
case event log (the database refuses UPDATE and DELETE, with no switch to lift it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sundhedskoordinator.core.append_only import allow_changes, refuse_changes


def refuse(apps, schema_editor):
    refuse_changes(schema_editor, ["audit_adminlogentry"])


def allow(apps, schema_editor):
    allow_changes(schema_editor, ["audit_adminlogentry"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_reassign_take_over"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # After the shared triggers lost their maintenance switch.
        ("access", "0004_append_only_without_bypass"),
    ]

    operations = [
        migrations.CreateModel(
            name="AdminLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, verbose_name="tidspunkt (UTC)")),
                (
                    "actor_name",
                    models.CharField(max_length=200, verbose_name="administratorens navn"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("added", "Oprettet"),
                            ("changed", "Ændret"),
                            ("deleted", "Slettet"),
                            ("role_revoked", "Rolle frataget"),
                            ("token_revoked", "API-nøgle tilbagekaldt"),
                        ],
                        max_length=20,
                        verbose_name="handling",
                    ),
                ),
                ("object_type", models.CharField(max_length=100, verbose_name="objekttype")),
                ("object_id", models.CharField(max_length=40, verbose_name="objekt-id")),
                ("object_repr", models.CharField(max_length=200, verbose_name="objekt")),
                ("changes", models.JSONField(blank=True, default=dict, verbose_name="ændringer")),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="administrator",
                    ),
                ),
            ],
            options={
                "verbose_name": "administratorlog",
                "verbose_name_plural": "administratorlog",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="adminlog_object")
                ],
            },
        ),
        migrations.RunPython(refuse, allow),
    ]
