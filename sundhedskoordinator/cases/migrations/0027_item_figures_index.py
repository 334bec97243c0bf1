"""The items' figure index with their dispatch's lateness and whether they were held, made in a
migration of its own (as ``0025``): on PostgreSQL the rows filled in the one before must have
had their constraints checked, which happens when its transaction commits."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0026_items_keep_their_dispatch_and_conversation")]

    operations = [
        migrations.AddIndex(
            model_name="agendaitem",
            index=models.Index(
                fields=[
                    "meeting",
                    "case_sent",
                    "cancelled_at",
                    "cancel_code",
                    "requested_on",
                    "dispatch_late",
                    "dispatch_days_late",
                    "held",
                    "case",
                    "id",
                ],
                name="item_figures",
            ),
        ),
    ]
