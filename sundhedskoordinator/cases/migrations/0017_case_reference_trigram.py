from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from sundhedskoordinator.core.trigram import TrigramIndex


class Migration(migrations.Migration):
    """A search by a piece of a case reference finds its cases through an index on PostgreSQL."""

    dependencies = [
        ("cases", "0016_case_responsible_index"),
    ]

    operations = [
        TrigramExtension(),
        TrigramIndex(table="cases_case", column="reference", name="case_reference_trgm"),
    ]
