"""The agenda items and their dispatches move from the meetings app to the case app, where the
rules that make them live; the meetings app then knows nothing of cases.

Only Django's picture of the models moves: the tables keep their names (``meetings_agendaitem``,
``meetings_dispatch``) and every row, and the content types are renamed so that permissions and
admin log entries follow the models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sundhedskoordinator.core.content_types import rename_content_types


MOVED = ["agendaitem", "dispatch"]


def _content_types_to_cases(apps, schema_editor) -> None:
    rename_content_types(apps, MOVED, "meetings", "cases")


def _content_types_to_meetings(apps, schema_editor) -> None:
    rename_content_types(apps, MOVED, "cases", "meetings")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_file_note_history"),
        ("meetings", "0002_agreement_warning_and_reminder_days"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AgendaItem",
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
                        ("starts_at", models.DateTimeField(verbose_name="starter")),
                        (
                            "ends_at",
                            models.DateTimeField(verbose_name="slutter (inkl. rådgivning)"),
                        ),
                        (
                            "slot_minutes",
                            models.PositiveSmallIntegerField(verbose_name="minutter til sagen"),
                        ),
                        (
                            "advice_minutes",
                            models.PositiveSmallIntegerField(
                                verbose_name="minutter til rådgivning"
                            ),
                        ),
                        (
                            "companion_name",
                            models.CharField(blank=True, max_length=200, verbose_name="bisidder"),
                        ),
                        (
                            "dispatch_deadline",
                            models.DateField(verbose_name="frist for afsendelse"),
                        ),
                        (
                            "deadline_rule",
                            models.CharField(max_length=200, verbose_name="fristregel"),
                        ),
                        (
                            "scheduled_late",
                            models.BooleanField(
                                default=False, verbose_name="planlagt efter fristen"
                            ),
                        ),
                        (
                            "late_reason",
                            models.TextField(
                                blank=True, verbose_name="begrundelse for sen planlægning"
                            ),
                        ),
                        ("scheduled_at", models.DateTimeField(verbose_name="planlagt")),
                        (
                            "cancelled_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="aflyst"),
                        ),
                        (
                            "cancel_reason",
                            models.TextField(blank=True, verbose_name="årsag til aflysning"),
                        ),
                        (
                            "attendee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="sagsbehandler eller jobformidler, der deltager",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="agenda_items",
                                to="cases.case",
                                verbose_name="sag",
                            ),
                        ),
                        (
                            "coordinator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="sundhedskoordinator",
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="items",
                                to="meetings.meeting",
                                verbose_name="møde",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "dagsordenspunkt",
                        "verbose_name_plural": "dagsordenspunkter",
                        "db_table": "meetings_agendaitem",
                        "ordering": ["starts_at"],
                    },
                ),
                migrations.AlterField(
                    model_name="conversation",
                    name="agenda_item",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversation",
                        to="cases.agendaitem",
                    ),
                ),
                migrations.CreateModel(
                    name="Dispatch",
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
                        ("sent_at", models.DateTimeField(verbose_name="sendt")),
                        ("deadline", models.DateField(verbose_name="frist")),
                        ("is_late", models.BooleanField(verbose_name="sendt for sent")),
                        (
                            "working_days_late",
                            models.SmallIntegerField(default=0, verbose_name="hverdage for sent"),
                        ),
                        ("snapshot", models.JSONField(verbose_name="sagspakke")),
                        (
                            "agenda_item",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="dispatch",
                                to="cases.agendaitem",
                                verbose_name="punkt",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="dispatches",
                                to="cases.case",
                                verbose_name="sag",
                            ),
                        ),
                        (
                            "sent_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="af",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "afsendelse",
                        "verbose_name_plural": "afsendelser",
                        "db_table": "meetings_dispatch",
                        "ordering": ["-sent_at"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="agendaitem",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("cancelled_at__isnull", True)),
                        fields=("meeting", "starts_at"),
                        name="agenda_item_one_per_slot",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="agendaitem",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("cancelled_at__isnull", True)),
                        fields=("case",),
                        name="agenda_item_one_active_per_case",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="agendaitem",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="agenda_item_ends_after_start",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_content_types_to_cases, _content_types_to_meetings),
    ]
