from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from sundhedskoordinator.core.trigram import TrigramIndex


class Migration(migrations.Migration):
    """A search by a piece of a name finds its citizens through an index on PostgreSQL."""

    dependencies = [
        ("citizens", "0004_citizen_digital_post_exempt"),
    ]

    operations = [
        TrigramExtension(),
        TrigramIndex(table="citizens_citizen", column="name", name="citizen_name_trgm"),
    ]
