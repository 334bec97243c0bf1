"""The event of naming the companion (bisidder) who comes to the conversation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_adminlogentry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("case_created", "Sag oprettet"),
                    ("case_updated", "Sag ændret"),
                    ("offer_registered", "Tilbud registreret"),
                    ("health_concern_recorded", "Beskrivelse af helbredshensyn"),
                    ("document_added", "Dokument tilføjet"),
                    ("case_submitted", "Anmodning indsendt"),
                    ("case_completed", "Sagen er fuldstændig"),
                    ("case_scheduled", "Sat på dagsorden"),
                    ("case_unscheduled", "Taget af dagsorden"),
                    ("package_dispatched", "Sendt til sundhedskoordinator"),
                    ("conversation_held", "Samtale holdt"),
                    ("conversation_cancelled", "Samtale aflyst"),
                    ("file_note_recorded", "Notat om samtalen"),
                    ("advice_written", "Rådgivning afgivet"),
                    ("advice_corrected", "Rådgivning rettet"),
                    ("case_decided", "Stillingtagen"),
                    ("case_closed", "Sag afsluttet"),
                    ("case_withdrawn", "Anmodning trukket tilbage"),
                    ("case_rejected", "Anmodning afvist"),
                    ("case_anonymised", "Sag anonymiseret"),
                    ("case_reassigned", "Sagen givet videre til en kollega"),
                    ("item_taken_over", "Sundhedskoordinator overtaget"),
                    ("companion_set", "Bisidder angivet"),
                ],
                max_length=40,
                verbose_name="hændelse",
            ),
        ),
    ]
