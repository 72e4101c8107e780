"""Step-12 reports get a random public id for their URLs, instead of their sequential number
(issue 14). Existing reports get one each; cases_report holds no archive trigger (0003), so
filling it needs none switched off, and rebuilding it on SQLite touches no table that has one."""

import secrets

from django.db import migrations, models

import aspirasi.cases.models


def _fill(apps, schema_editor):
    Report = apps.get_model("cases", "Report")
    for report in Report.objects.filter(public_id__isnull=True).only("pk"):
        Report.objects.filter(pk=report.pk).update(public_id=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_cases_keep_their_revision")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="public_id",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="public_id",
            field=models.CharField(
                default=aspirasi.cases.models.new_public_id,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
