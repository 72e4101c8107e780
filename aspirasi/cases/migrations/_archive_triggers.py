"""Helpers for migrations that rebuild a table holding an archive trigger (see 0003)."""

import importlib

_triggers = importlib.import_module("aspirasi.cases.migrations.0003_archive_triggers")


def recreate_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _triggers.SQLITE_REVERSE + _triggers.SQLITE:
        schema_editor.execute(statement)



def drop_on_sqlite(apps, schema_editor):
    """Before rebuilding a table SQLite must not hold triggers that name it (a rebuild renames
    the table, and SQLite then refuses a trigger on another table that reads it)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _triggers.SQLITE_REVERSE:
        schema_editor.execute(statement)


def with_triggers_off_on_postgresql(change):
    """A RunPython function that runs `change(apps, schema_editor)` with PostgreSQL's archive
    triggers disabled (a migration filling a new column of closed cases and of the trail).
    On SQLite call it between drop_on_sqlite and recreate_on_sqlite."""

    def run(apps, schema_editor):
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            for table, trigger in _PG_TRIGGERS:
                schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        change(apps, schema_editor)
        if postgres:
            for table, trigger in _PG_TRIGGERS:
                schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")

    return run


_PG_TRIGGERS = [
    ("cases_steprecord", "trail_append_only"),
    ("cases_aspiration", "archived_case_frozen"),
]
