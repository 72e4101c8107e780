"""Helpers for migrations that rebuild a table holding an archive trigger (see 0003)."""

import importlib

_triggers = importlib.import_module("aspirasi.cases.migrations.0003_archive_triggers")


def recreate_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _triggers.SQLITE_REVERSE + _triggers.SQLITE:
        schema_editor.execute(statement)
