"""Attachments get a random public id for the officials' download URL, instead of their
sequential number (issue 14). Existing files get one each; the attachments table holds no
archive trigger (cases 0003), so filling it on closed cases needs none switched off."""

import secrets

from django.db import migrations, models

import aspirasi.cases.models


def _fill(apps, schema_editor):
    Attachment = apps.get_model("attachments", "Attachment")
    for attachment in Attachment.objects.filter(public_id__isnull=True).only("pk"):
        Attachment.objects.filter(pk=attachment.pk).update(public_id=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [("attachments", "0002_kind_and_response")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(
                default=aspirasi.cases.models.new_public_id,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
