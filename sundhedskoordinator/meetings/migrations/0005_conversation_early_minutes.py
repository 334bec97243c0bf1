"""How long before its agenda time a conversation may be recorded as begun."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_extraordinary_meeting"),
    ]

    operations = [
        migrations.AddField(
            model_name="collaborationagreement",
            name="conversation_early_minutes",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="En samtale kan begynde lidt før dagsordenens tid, men ikke dage før.",
                verbose_name="minutter før sagens tid, samtalen tidligst kan registreres fra",
            ),
        ),
    ]
