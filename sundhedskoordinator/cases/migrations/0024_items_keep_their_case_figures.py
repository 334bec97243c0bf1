"""Agenda items keep whether their case has been sent to the region and the day it was requested,
so that the statistics count the items at a period's meetings from their own index alone."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    AgendaItem = apps.get_model("cases", "AgendaItem")
    Case = apps.get_model("cases", "Case")
    AgendaItem.objects.filter(case__first_sent_at__isnull=False).update(case_sent=True)
    requested = Case.objects.filter(pk=OuterRef("case_id")).annotate(
        day=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone())
    )
    AgendaItem.objects.update(requested_on=Subquery(requested.values("day")[:1]))


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_figures_by_municipality")]

    operations = [
        migrations.RemoveIndex(model_name="agendaitem", name="item_figures"),
        migrations.AddField(
            model_name="agendaitem",
            name="case_sent",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="requested_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
