"""The API's bearer tokens move to the access app, which ends them with every other credential
when a user's password, roles or account change. Only Django's picture of the model moves: the
table keeps its name (``api_apitoken``) and every row; the content type is renamed with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sundhedskoordinator.core.content_types import rename_content_types


def _to_access(apps, schema_editor) -> None:
    rename_content_types(apps, ["apitoken"], "api", "access")


def _to_api(apps, schema_editor) -> None:
    rename_content_types(apps, ["apitoken"], "access", "api")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_accesslog_citizen"),
        ("api", "0002_apitoken_second_factor"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key_hash", models.CharField(max_length=64, unique=True)),
                        ("name", models.CharField(blank=True, max_length=100, verbose_name="navn")),
                        ("created_at", models.DateTimeField(verbose_name="oprettet")),
                        ("expires_at", models.DateTimeField(verbose_name="udløber")),
                        (
                            "revoked_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="tilbagekaldt"
                            ),
                        ),
                        (
                            "second_factor",
                            models.BooleanField(
                                default=False, verbose_name="bekræftet med engangskode"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "API-nøgle",
                        "verbose_name_plural": "API-nøgler",
                        "db_table": "api_apitoken",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_to_access, _to_api),
    ]
