"""The companion's relation to the citizen, kept with the agenda item next to the name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_offer_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="companion_relation",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="bisidderens forhold til borgeren"
            ),
        ),
    ]
