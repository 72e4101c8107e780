"""The inbox's reads stay on the inbox index with a million cases (issue 5).

- The index gains `status` as its first column. Still partial (open cases only), so it stays
  small; with `status` in the key SQLite answers the paging COUNT from the index alone instead
  of reading every waiting case to check `status = ?`. PostgreSQL uses it as before (status is
  bound, so a position's cases come out in due-time order).
- PostgreSQL only: statistics on (status, current_position). A position's cases are all open,
  but the planner multiplied the two selectivities and expected a tenth of the real rows; with
  a filter (category, channel) it then preferred to AND in a bitmap of the filter's own index,
  which reads a share of every case ever received instead of the official's waiting ones.
"""

from django.db import migrations, models

STATISTICS = "asp_status_position"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
            "ON status, current_position FROM cases_aspiration"
        )
        schema_editor.execute("ANALYZE cases_aspiration")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_reissued_secret"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="aspiration",
            name="asp_inbox",
        ),
        migrations.AddIndex(
            model_name="aspiration",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["status", "current_position", "step_due_at"],
                name="asp_inbox_status_pos_due",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics, elidable=False),
    ]
