"""The agenda items and dispatches now belong to the case app (cases 0008); here they leave the
meetings app's picture of the models only: their tables and rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_agenda_items_with_the_case"),
        ("meetings", "0002_agreement_warning_and_reminder_days"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="agendaitem",
                    name="agenda_item_one_per_slot",
                ),
                migrations.RemoveConstraint(
                    model_name="agendaitem",
                    name="agenda_item_one_active_per_case",
                ),
                migrations.RemoveConstraint(
                    model_name="agendaitem",
                    name="agenda_item_ends_after_start",
                ),
                migrations.RemoveField(
                    model_name="agendaitem",
                    name="attendee",
                ),
                migrations.RemoveField(
                    model_name="agendaitem",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="agendaitem",
                    name="coordinator",
                ),
                migrations.RemoveField(
                    model_name="agendaitem",
                    name="meeting",
                ),
                migrations.DeleteModel(
                    name="Dispatch",
                ),
                migrations.DeleteModel(
                    name="AgendaItem",
                ),
            ],
            database_operations=[],
        ),
    ]
