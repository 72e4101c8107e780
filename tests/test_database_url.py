"""DATABASE_URL as the settings read it (aspirasi/settings.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from aspirasi.settings import database_from_url


def test_postgres_url_gives_host_port_and_credentials():
    found = database_from_url("postgres://aspirasi:rahasia%21@db.example:6543/aspirasi")
    assert found["ENGINE"] == "django.db.backends.postgresql"
    assert (found["HOST"], found["PORT"], found["NAME"]) == ("db.example", "6543", "aspirasi")
    assert (found["USER"], found["PASSWORD"]) == ("aspirasi", "rahasia!")
    assert found["OPTIONS"] == {}


def test_socket_directory_and_libpq_options_come_from_the_query():
    found = database_from_url(
        "postgresql://postgres@/aspirasi?host=/tmp/Bench-PG&sslmode=verify-full"
    )
    # A path in the host part would be lower-cased by the URL parser; the query keeps it.
    assert found["HOST"] == "/tmp/Bench-PG"
    assert found["OPTIONS"] == {"sslmode": "verify-full"}


def test_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x@y/z")
