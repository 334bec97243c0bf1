"""The offer keeps its versions: each registration, correction and decision that changes it is
kept as a numbered version. Every offer recorded so far becomes its case's version 1."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = ("kind", "provider", "start_date", "hours_per_week", "content", "demands")


def _first_versions(apps, schema_editor) -> None:
    Offer = apps.get_model("cases", "Offer")
    OfferVersion = apps.get_model("cases", "OfferVersion")
    OfferVersion.objects.bulk_create(
        OfferVersion(
            case_id=offer.case_id,
            version=1,
            change="registered",
            recorded_by_id=offer.registered_by_id,
            recorded_at=offer.registered_at,
            **{name: getattr(offer, name) for name in FIELDS},
        )
        for offer in Offer.objects.order_by("case_id").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_agenda_items_with_the_case"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OfferVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(verbose_name="version")),
                (
                    "change",
                    models.CharField(
                        choices=[
                            ("registered", "Registreret"),
                            ("edited", "Rettet"),
                            ("adjusted", "Tilpasset ved stillingtagen"),
                            ("replaced", "Andet tilbud ved stillingtagen"),
                        ],
                        max_length=20,
                        verbose_name="ændring",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("company_internship", "Virksomhedspraktik"),
                            ("wage_subsidy", "Ansættelse med løntilskud"),
                            ("mentor", "Mentorforløb"),
                            ("education", "Uddannelse eller kursus"),
                            ("treatment", "Behandlingsrettet tilbud"),
                            ("other", "Andet beskæftigelsesrettet tilbud"),
                        ],
                        max_length=30,
                        verbose_name="type",
                    ),
                ),
                (
                    "provider",
                    models.CharField(blank=True, max_length=200, verbose_name="sted/udbyder"),
                ),
                ("start_date", models.DateField(blank=True, null=True, verbose_name="startdato")),
                (
                    "hours_per_week",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="timer pr. uge",
                    ),
                ),
                ("content", models.TextField(blank=True, verbose_name="indhold")),
                (
                    "demands",
                    models.TextField(blank=True, verbose_name="krav til borgerens deltagelse"),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="registreret")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="offer_versions",
                        to="cases.case",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "version af tilbuddet",
                "verbose_name_plural": "versioner af tilbuddet",
                "ordering": ["-version"],
            },
        ),
        migrations.AddField(
            model_name="decision",
            name="offer_version",
            field=models.OneToOneField(
                blank=True,
                help_text="Det tilpassede eller nye tilbud; tomt, når tilbuddet fastholdes.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decision",
                to="cases.offerversion",
                verbose_name="tilbuddet efter stillingtagen",
            ),
        ),
        migrations.AddConstraint(
            model_name="offerversion",
            constraint=models.UniqueConstraint(
                fields=("case", "version"), name="offer_version_unique"
            ),
        ),
        migrations.RunPython(_first_versions, migrations.RunPython.noop),
    ]
