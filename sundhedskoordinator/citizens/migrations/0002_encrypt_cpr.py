"""CPR numbers move from clear text to an encrypted column, a keyed lookup hash and a mask."""

from django.db import migrations, models


def encrypt(apps, schema_editor):
    from sundhedskoordinator.citizens.cpr import protect_cpr

    Citizen = apps.get_model("citizens", "Citizen")
    for citizen in Citizen.objects.all():
        for field, value in protect_cpr(citizen.cpr).items():
            setattr(citizen, field, value)
        citizen.save(update_fields=["cpr_encrypted", "cpr_hash", "cpr_masked"])


def decrypt(apps, schema_editor):
    from sundhedskoordinator.citizens.cpr import reveal_cpr

    Citizen = apps.get_model("citizens", "Citizen")
    for citizen in Citizen.objects.all():
        citizen.cpr = reveal_cpr(citizen.cpr_encrypted)
        citizen.save(update_fields=["cpr"])


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]

    operations = [
        migrations.AddField(
            "citizen",
            "cpr_encrypted",
            models.TextField(default="", verbose_name="CPR-nummer (krypteret)"),
            preserve_default=False,
        ),
        migrations.AddField(
            "citizen",
            "cpr_hash",
            models.CharField(max_length=64, null=True, verbose_name="CPR-opslagsnøgle"),
        ),
        migrations.AddField(
            "citizen",
            "cpr_masked",
            models.CharField(default="", max_length=11, verbose_name="CPR-nummer"),
            preserve_default=False,
        ),
        migrations.AlterField("citizen", "cpr", models.CharField(max_length=10, null=True)),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField("citizen", "cpr"),
        migrations.AlterField(
            "citizen",
            "cpr_hash",
            models.CharField(max_length=64, unique=True, verbose_name="CPR-opslagsnøgle"),
        ),
    ]
