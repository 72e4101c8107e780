"""The database itself keeps the record append-only and archived cases frozen.

The engine never updates a step record or a closed case; these triggers make sure nothing else
does either (a stray script, the Django admin, a bug), on SQLite and on PostgreSQL. Deleting
rows is left to the foreign keys (PROTECT) and the models, because test databases are emptied
with DELETE on SQLite.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER trail_append_only BEFORE UPDATE ON cases_steprecord
       BEGIN SELECT RAISE(ABORT, 'the step record is append-only'); END""",
    """CREATE TRIGGER archived_case_frozen BEFORE UPDATE ON cases_aspiration
       WHEN OLD.status = 'closed'
       BEGIN SELECT RAISE(ABORT, 'an archived case cannot change'); END""",
    """CREATE TRIGGER archived_response_frozen BEFORE UPDATE ON cases_response
       WHEN (SELECT status FROM cases_aspiration WHERE id = OLD.aspiration_id) = 'closed'
       BEGIN SELECT RAISE(ABORT, 'an archived case cannot change'); END""",
    """CREATE TRIGGER archived_supporting_frozen BEFORE UPDATE ON cases_supportinginfo
       WHEN (SELECT status FROM cases_aspiration WHERE id = OLD.aspiration_id) = 'closed'
       BEGIN SELECT RAISE(ABORT, 'an archived case cannot change'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS trail_append_only",
    "DROP TRIGGER IF EXISTS archived_case_frozen",
    "DROP TRIGGER IF EXISTS archived_response_frozen",
    "DROP TRIGGER IF EXISTS archived_supporting_frozen",
]

POSTGRES = [
    """CREATE FUNCTION aspirasi_refuse_trail_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the step record is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER trail_append_only BEFORE UPDATE OR DELETE ON cases_steprecord
       FOR EACH ROW EXECUTE FUNCTION aspirasi_refuse_trail_change()""",
    """CREATE FUNCTION aspirasi_refuse_archived_case_change() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'closed' THEN
           RAISE EXCEPTION 'an archived case cannot change';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER archived_case_frozen BEFORE UPDATE ON cases_aspiration
       FOR EACH ROW EXECUTE FUNCTION aspirasi_refuse_archived_case_change()""",
    """CREATE FUNCTION aspirasi_refuse_archived_part_change() RETURNS trigger AS $$
       BEGIN
         IF (SELECT status FROM cases_aspiration WHERE id = OLD.aspiration_id) = 'closed' THEN
           RAISE EXCEPTION 'an archived case cannot change';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER archived_response_frozen BEFORE UPDATE ON cases_response
       FOR EACH ROW EXECUTE FUNCTION aspirasi_refuse_archived_part_change()""",
    """CREATE TRIGGER archived_supporting_frozen BEFORE UPDATE ON cases_supportinginfo
       FOR EACH ROW EXECUTE FUNCTION aspirasi_refuse_archived_part_change()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS trail_append_only ON cases_steprecord",
    "DROP TRIGGER IF EXISTS archived_case_frozen ON cases_aspiration",
    "DROP TRIGGER IF EXISTS archived_response_frozen ON cases_response",
    "DROP TRIGGER IF EXISTS archived_supporting_frozen ON cases_supportinginfo",
    "DROP FUNCTION IF EXISTS aspirasi_refuse_trail_change()",
    "DROP FUNCTION IF EXISTS aspirasi_refuse_archived_case_change()",
    "DROP FUNCTION IF EXISTS aspirasi_refuse_archived_part_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_categories")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
