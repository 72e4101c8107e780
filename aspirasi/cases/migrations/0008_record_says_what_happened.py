"""The record says what happened: how a response reached the customer, a holding message sent
with a step, and closures named by the SOP definition alone (no choices in the database)."""

from django.db import migrations, models

from . import _archive_triggers as triggers


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_inbox_index_and_statistics")]

    operations = [
        migrations.AddField(
            model_name="response",
            name="delivered_via",
            field=models.CharField(
                blank=True,
                choices=[
                    ("email", "E-mail"),
                    ("halaman_pelacakan", "Tracking page"),
                    ("surat", "Letter"),
                    ("telepon", "Phone"),
                    ("langsung", "In person"),
                    ("papan_pengumuman", "Notice board"),
                ],
                max_length=20,
                verbose_name="delivered via",
            ),
        ),
        migrations.AddField(
            model_name="steprecord",
            name="customer_message",
            field=models.TextField(blank=True, verbose_name="message to the customer"),
        ),
        migrations.AlterField(
            model_name="aspiration",
            name="closure",
            field=models.CharField(blank=True, max_length=20),
        ),
        # SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers:
        # put the archive's triggers back (PostgreSQL keeps them; nothing to do there).
        migrations.RunPython(triggers.recreate_on_sqlite, migrations.RunPython.noop),
    ]
