"""Settings for the test suite: the project's own, with a cheap password hasher.

The database is SQLite by default, in a real file (not in memory) so that the WAL journal and the
IMMEDIATE transactions of aspirasi/settings.py are what the tests exercise, and threads share it.
With ASPIRASI_TEST_DB=postgres the tests run on a throwaway PostgreSQL 15 server started for this
process (tests/pgserver.py).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from aspirasi.settings import *  # noqa: F403
from aspirasi.settings import sqlite_database
from tests import pgserver

# The default hasher costs a good part of a second per user on purpose; tests make many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_DB = os.environ.get("ASPIRASI_TEST_DB", "sqlite").strip().lower() or "sqlite"

if TEST_DB == "postgres":
    _pg = pgserver.server()
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": str(_pg.socket_dir),
            "PORT": str(_pg.port),
            "USER": _pg.user,
            "PASSWORD": "",
            "NAME": _pg.database,
            "CONN_MAX_AGE": 0,
        }
    }
elif TEST_DB == "sqlite":
    # Not DATABASE_URL, not ./var: a directory of this process's own, removed at exit.
    _sqlite_dir = Path(tempfile.mkdtemp(prefix="aspirasi-test-sqlite-"))
    atexit.register(shutil.rmtree, _sqlite_dir, ignore_errors=True)
    pgserver.exit_cleanly_on_sigterm()
    DATABASES = {
        "default": {
            **sqlite_database(_sqlite_dir / "aspirasi.sqlite3"),
            "TEST": {"NAME": str(_sqlite_dir / "test.sqlite3")},
        }
    }
else:
    raise RuntimeError(f"ASPIRASI_TEST_DB must be 'sqlite' or 'postgres', not {TEST_DB!r}")

# The whole suite under a changed SOP (tests/sop_variants.py): what breaks then is a test that
# spells the SOP out instead of walking it.
SOP_VARIANT = os.environ.get("ASPIRASI_TEST_SOP_VARIANT", "").strip()
if SOP_VARIANT:
    from tests.sop_variants import variant_text

    _sop_dir = Path(tempfile.mkdtemp(prefix="aspirasi-test-sop-"))
    atexit.register(shutil.rmtree, _sop_dir, ignore_errors=True)
    ASPIRASI_SOP_FILE = str(_sop_dir / f"{SOP_VARIANT}.toml")
    Path(ASPIRASI_SOP_FILE).write_text(variant_text(SOP_VARIANT), encoding="utf-8")
