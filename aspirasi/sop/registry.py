"""Which SOP applies: the revision in force now (for new cases and the office's screens), and
the revision each case keeps (`sop_of_revision`).

Approved revisions never change, so each is read and checked once per process and kept. Which
one is in force is looked up again at most every ASPIRASI_SOP_RECHECK_SECONDS, so a revision
approved in one process (the web server) reaches the others (workers, the mail intake) without
a restart; a revision already known takes effect at its exact moment.

The definition file (ASPIRASI_SOP_FILE, by default sp54.toml) is checked at start-up and becomes
revision 1 of an empty database; after that, revisions are made on the SOP screens.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from .definition import Sop, SopDefinitionError, build_from_text, load_sop

DEFAULT_SOP_FILE = Path(__file__).with_name("sp54.toml")
# Revision 1 of a database made from the shipped file: in force from the SOP's own date.
FIRST_EFFECTIVE = dt.datetime(2018, 1, 5, tzinfo=dt.UTC)

_lock = threading.Lock()
_parsed: dict[int, Sop] = {}
_in_force: list[tuple[dt.datetime, int]] = []  # (effective_from, pk), earliest first
_checked_at: float | None = None


def sop_file() -> Path:
    return Path(getattr(settings, "ASPIRASI_SOP_FILE", None) or DEFAULT_SOP_FILE)


@cache
def file_sop() -> Sop:
    """The definition file, checked (start-up; revision 1 of an empty database)."""
    return load_sop(sop_file())


def current_sop(at: dt.datetime | None = None) -> Sop:
    """The revision in force at `at` (now by default)."""
    pk = revision_in_force(at)
    return sop_of_revision(pk) if pk is not None else file_sop()


def revision_in_force(at: dt.datetime | None = None) -> int | None:
    """The primary key of the revision in force at `at`; the earliest one for a moment before
    any (an aspiration on paper older than the first revision). None only before migrate."""
    entries = _approved_revisions()
    if not entries:
        return None
    at = at or timezone.now()
    chosen = entries[0][1]
    for effective_from, pk in entries:
        if effective_from <= at:
            chosen = pk
    return chosen


def approved_revisions() -> list[int]:
    """The primary keys of every approved revision, the earliest in force first."""
    return [pk for _effective, pk in _approved_revisions()]


def sop_of_revision(pk: int) -> Sop:
    """The definition of revision `pk` (approved revisions are read once per process)."""
    sop = _parsed.get(pk)
    if sop is not None:
        return sop
    from .models import SopRevision

    row = SopRevision.objects.only("number", "state", "source").get(pk=pk)
    sop = replace(build_from_text(row.source, source=str(row)), revision=row.number or 0)
    if row.is_approved:
        _parsed[pk] = sop
    return sop


def forget() -> None:
    """Read the revisions again on next use (tests; after an approval in this process)."""
    global _checked_at
    with _lock:
        _parsed.clear()
        _in_force.clear()
        _checked_at = None


def _approved_revisions() -> list[tuple[dt.datetime, int]]:
    global _checked_at
    recheck = float(getattr(settings, "ASPIRASI_SOP_RECHECK_SECONDS", 10))
    now = time.monotonic()
    if _checked_at is not None and now - _checked_at < recheck and _in_force:
        return _in_force
    from .models import SopRevision

    made_now = False
    try:
        entries = _read_in_force(SopRevision)
        if not entries:
            ensure_first_revision()
            entries = _read_in_force(SopRevision)
            # Made inside someone's transaction, it may yet be rolled back: not remembered.
            made_now = transaction.get_connection().in_atomic_block
    except (DatabaseError, RuntimeError):
        # No table yet (before migrate, `manage.py check`), or no database at all (a test
        # that does not use one: pytest-django raises RuntimeError): the file is all there is.
        return []
    if made_now:
        return entries
    with _lock:
        _in_force[:] = entries
        _checked_at = now
    return entries


def _read_in_force(model) -> list[tuple[dt.datetime, int]]:
    return list(
        model.objects.filter(state=model.State.APPROVED)
        .order_by("effective_from", "number")
        .values_list("effective_from", "pk")
    )


def ensure_first_revision():
    """Make the definition file revision 1 of a database that has no revision (a new
    installation; a test database emptied by a flush). Returns it."""
    from .models import SopRevision

    first = SopRevision.objects.filter(number=1).first()
    if first is not None:
        return first
    header = file_sop()
    try:
        with transaction.atomic():
            return SopRevision.objects.create(
                number=1,
                state=SopRevision.State.APPROVED,
                source=sop_file().read_text(encoding="utf-8"),
                summary="Revisi awal, dari berkas definisi SOP.",
                drafted_by_name=header.issuer,
                drafted_at=FIRST_EFFECTIVE,
                approved_by_name=header.approved_by,
                approved_at=FIRST_EFFECTIVE,
                issued_on=_made(header),
                effective_from=FIRST_EFFECTIVE,
            )
    except IntegrityError:  # another process made it first
        return SopRevision.objects.get(number=1)


def _made(sop: Sop) -> dt.date | None:
    try:
        return dt.date.fromisoformat(sop.made)
    except ValueError:
        return None


__all__ = [
    "DEFAULT_SOP_FILE",
    "SopDefinitionError",
    "approved_revisions",
    "current_sop",
    "ensure_first_revision",
    "file_sop",
    "forget",
    "revision_in_force",
    "sop_of_revision",
]
