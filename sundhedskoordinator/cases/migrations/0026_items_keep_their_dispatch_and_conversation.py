"""Agenda items keep whether their own package was sent late (and by how many working days) and
whether their conversation was held, so that the statistics count the items at a period's
meetings without looking each up among the dispatches and conversations. The dispatches' figure
index goes: nothing counts from it any more."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    AgendaItem = apps.get_model("cases", "AgendaItem")
    Dispatch = apps.get_model("cases", "Dispatch")
    dispatch = Dispatch.objects.filter(agenda_item_id=OuterRef("pk"))
    AgendaItem.objects.filter(dispatch__isnull=False).update(
        dispatch_late=Subquery(dispatch.values("is_late")[:1]),
        dispatch_days_late=Subquery(dispatch.values("working_days_late")[:1]),
    )
    AgendaItem.objects.filter(conversation__isnull=False).update(held=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_item_figures_index")]

    operations = [
        migrations.RemoveIndex(model_name="agendaitem", name="item_figures"),
        migrations.RemoveIndex(model_name="dispatch", name="dispatch_figures"),
        migrations.AddField(
            model_name="agendaitem",
            name="dispatch_late",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="dispatch_days_late",
            field=models.SmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="held",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
