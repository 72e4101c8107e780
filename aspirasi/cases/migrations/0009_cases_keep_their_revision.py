"""Each case keeps its SOP revision (existing cases: revision 1), and each step record names
its step by the key that is the same in every revision."""

import tomllib

import django.db.models.deletion
from django.db import migrations, models

from . import _archive_triggers as triggers


def _attach_to_revision_one(apps, schema_editor):
    SopRevision = apps.get_model("sop", "SopRevision")
    Aspiration = apps.get_model("cases", "Aspiration")
    StepRecord = apps.get_model("cases", "StepRecord")
    first = SopRevision.objects.get(number=1)
    Aspiration.objects.filter(revision__isnull=True).update(revision=first)
    steps = tomllib.loads(first.source).get("steps", [])
    for step in steps:
        if step.get("key"):
            StepRecord.objects.filter(step=step["number"], step_key="").update(
                step_key=step["key"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_record_says_what_happened"),
        ("sop", "0002_first_revision"),
    ]

    operations = [
        migrations.RunPython(triggers.drop_on_sqlite, triggers.recreate_on_sqlite),
        migrations.AddField(
            model_name="aspiration",
            name="revision",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspirations",
                to="sop.soprevision",
                verbose_name="SOP revision",
            ),
        ),
        migrations.AddField(
            model_name="steprecord",
            name="step_key",
            field=models.CharField(blank=True, max_length=40, verbose_name="step key"),
        ),
        migrations.RunPython(
            triggers.with_triggers_off_on_postgresql(_attach_to_revision_one),
            migrations.RunPython.noop,
        ),
        migrations.AlterField(
            model_name="aspiration",
            name="revision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspirations",
                to="sop.soprevision",
                verbose_name="SOP revision",
            ),
        ),
        migrations.RemoveField(model_name="aspiration", name="sop_revision"),
        migrations.RemoveIndex(model_name="steprecord", name="trail_step_done"),
        migrations.AddIndex(
            model_name="steprecord",
            index=models.Index(fields=["step_key", "done_at"], name="trail_step_key_done"),
        ),
        # SQLite's triggers were dropped for the rebuilds above: put them back.
        migrations.RunPython(triggers.recreate_on_sqlite, triggers.drop_on_sqlite),
    ]
