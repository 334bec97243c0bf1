"""The tokens now belong to the access app (access 0007); here they leave the API app's picture
of the models only: the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_apitoken_second_factor"),
        ("access", "0007_api_tokens_with_access"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
