"""The database's clock, which every worker shares.

Leases and due times in the outbox are compared with "now" by workers on several machines; if
each used its own clock, a worker whose clock runs fast would take over messages whose lease has
not run out by anyone else's. So claims, renewals, retries and the periodic jobs' leases read the
time from the database server (PostgreSQL's clock_timestamp(), the real time even inside a
transaction). SQLite has no server: its clock is that of the machine holding the file, which
every worker on it shares (SQLite is not for several machines); reading it through SQL keeps one
code path. Other databases fall back to this machine's clock.

What is left on a machine's own clock: when a message is first due (enqueue: a web server whose
clock is off sends a message a little early or late, never twice), and the times shown to the
admin (sent_at, a job's last_finished_at, the workers' beats).
"""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.utils import timezone


def database_now(using: str = "default") -> dt.datetime:
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = "SELECT clock_timestamp()"
    elif connection.vendor == "sqlite":
        sql = "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"
    else:
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        (value,) = cursor.fetchone()
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    elif timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value
