"""Advice and decisions keep their case's municipality, so that the statistics count a period's
advice and outcomes of the municipalities they count from those tables' indexes alone."""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE "{table}" SET "municipality_id" = (
    SELECT "cases_case"."municipality_id" FROM "cases_case"
    WHERE "cases_case"."id" = "{table}"."case_id"
)
"""


def _municipality(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="organisations.municipality",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_advice_figures_by_team"),
        ("organisations", "0004_municipality_cvr"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="advice", name="advice_submitted"),
        migrations.RemoveIndex(model_name="decision", name="decision_figures"),
        migrations.AddField(model_name="advice", name="municipality", field=_municipality(True)),
        migrations.AddField(model_name="decision", name="municipality", field=_municipality(True)),
        migrations.RunSQL(FILL.format(table="cases_advice"), migrations.RunSQL.noop),
        migrations.RunSQL(FILL.format(table="cases_decision"), migrations.RunSQL.noop),
        migrations.AlterField(model_name="advice", name="municipality", field=_municipality(False)),
        migrations.AlterField(
            model_name="decision", name="municipality", field=_municipality(False)
        ),
        migrations.AddIndex(
            model_name="advice",
            index=models.Index(
                fields=[
                    "municipality",
                    "submitted_at",
                    "version",
                    "minutes_after_conversation",
                    "conversation",
                    "id",
                ],
                name="advice_submitted",
            ),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                fields=["municipality", "decided_at", "outcome", "case", "id"],
                name="decision_figures",
            ),
        ),
    ]
