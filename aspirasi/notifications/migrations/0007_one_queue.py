"""One queue: the worker leases outbox rows and job rows itself; django-tasks is gone, with its
table (django_tasks_db's, left behind when the app was removed from INSTALLED_APPS)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_holding_message"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS django_tasks_database_dbtaskresult",
                "DELETE FROM django_migrations WHERE app = 'django_tasks_database'",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.RemoveField(
            model_name="message",
            name="task_id",
        ),
        migrations.RemoveField(
            model_name="scheduledjob",
            name="last_enqueued_at",
        ),
        migrations.RemoveField(
            model_name="scheduledjob",
            name="task_id",
        ),
        migrations.AddField(
            model_name="scheduledjob",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scheduledjob",
            name="leased_by",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
