"""A meeting in the past or on a day that is not a working day keeps the reason it was held."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_agenda_items_to_the_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="extraordinary_reason",
            field=models.TextField(
                blank=True,
                help_text="Hvorfor mødet ligger i fortiden eller på en dag, der ikke er en hverdag.",
                verbose_name="begrundelse for ekstraordinært møde",
            ),
        ),
    ]
