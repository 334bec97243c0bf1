"""The items' figure index with what they now keep of their case, made in a migration of its own:
on PostgreSQL the rows filled in the one before must have had their constraints checked, which
happens when its transaction commits, before an index can be built on the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_items_keep_their_case_figures")]

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
                    "case",
                    "id",
                ],
                name="item_figures",
            ),
        ),
    ]
