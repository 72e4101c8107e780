"""What /sehat/ looks at: the database, the background worker, the data disk, the last backup.

Each check says ok or what is wrong, in words an IT unit can act on; nothing here raises."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from aspirasi.backups.archive import latest_backup
from aspirasi.notifications.models import WorkerBeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def all_checks(now: dt.datetime | None = None) -> list[Check]:
    now = now or timezone.now()
    database = check_database()
    checks = [database, check_disk()]
    # Without a database the worker and backup records cannot be read; say so once.
    if database.ok:
        checks.append(check_worker(now))
    checks.append(check_backup(now))
    return checks


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"the database does not answer: {exc}")
    return Check("database", True, connection.vendor)


def check_worker(now: dt.datetime) -> Check:
    limit = dt.timedelta(seconds=settings.ASPIRASI_HEALTH_WORKER_SECONDS)
    try:
        beat = WorkerBeat.objects.filter(stopped_at__isnull=True).order_by("-seen_at").first()
    except DatabaseError as exc:
        return Check("worker", False, f"cannot read the workers' heartbeats: {exc}")
    if beat is None:
        return Check("worker", False, "no background worker is running (manage.py run_worker)")
    age = now - beat.seen_at
    if age > limit:
        return Check(
            "worker",
            False,
            f"the background worker was last seen {int(age.total_seconds())} s ago "
            f"(on {beat.host}); mail and deadline warnings wait",
        )
    return Check("worker", True, f"{beat.worker_id} seen {int(age.total_seconds())} s ago")


def check_disk() -> Check:
    minimum = settings.ASPIRASI_HEALTH_MIN_FREE_MB * 1024 * 1024
    for place in _data_places():
        try:
            free = shutil.disk_usage(place).free
        except OSError as exc:
            return Check("disk", False, f"cannot read {place}: {exc}")
        if free < minimum:
            return Check(
                "disk",
                False,
                f"only {free // (1024 * 1024)} MB free on {place} "
                f"(at least {settings.ASPIRASI_HEALTH_MIN_FREE_MB:g} MB wanted)",
            )
    return Check("disk", True, "enough room")


def _data_places() -> list[Path]:
    places = [Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR)]
    if settings.ASPIRASI_BACKUP_DIR:
        places.append(Path(settings.ASPIRASI_BACKUP_DIR))
    return [p if p.exists() else _existing_parent(p) for p in places]


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_backup(now: dt.datetime) -> Check:
    if not settings.ASPIRASI_BACKUP_DIR:
        return Check("backup", False, "no backup directory is set (ASPIRASI_BACKUP_DIR)")
    latest = latest_backup(Path(settings.ASPIRASI_BACKUP_DIR))
    if latest is None:
        return Check("backup", False, f"no backup in {settings.ASPIRASI_BACKUP_DIR} yet")
    age = now - latest.created_at
    limit = dt.timedelta(hours=settings.ASPIRASI_BACKUP_MAX_AGE_HOURS)
    if age > limit:
        hours = age.total_seconds() / 3600
        return Check("backup", False, f"the last backup ({latest.path.name}) is {hours:.0f} h old")
    return Check("backup", True, latest.path.name)
