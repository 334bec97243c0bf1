from django.db import migrations

from sundhedskoordinator.core.trigram import TrigramIndex


class Migration(migrations.Migration):
    """A search by a piece of a case reference finds its cases through an index on PostgreSQL.
    The ``pg_trgm`` extension is created once, by ``citizens/0005``: a second migration creating
    it would also drop it on the way back, under the citizens' index that still needs it."""

    dependencies = [
        ("cases", "0016_case_responsible_index"),
        ("citizens", "0005_citizen_name_trigram"),
    ]

    operations = [
        TrigramIndex(table="cases_case", column="reference", name="case_reference_trgm"),
    ]
