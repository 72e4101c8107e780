"""Backups: the database and the uploaded files together in one archive, with a manifest.

An archive is a tar file holding `manifest.json` (when it was made, the database's vendor and
migration state, every member's size and SHA-256), the database (SQLite's online backup, or
PostgreSQL's `pg_dump --format=custom`) and `media/`. Archives hold the identities behind
confidential cases, so they are written readable by their owner only (0600) and may be
encrypted with GnuPG and a key file the admin keeps (`gpg --decrypt` opens one without this
code). Restoring checks every checksum before anything is replaced, refuses a system that
holds cases unless forced, and migrates an archive of an older release up to date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "aspirasi-backup/1"
PREFIX = "aspirasi-"
SUFFIXES = (".tar", ".tar.gpg")
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: dt.datetime


# ---------------------------------------------------------------------------------------------
# Making a backup


def make_backup(destination: Path, *, key_file: Path | None = None) -> Path:
    """Write an archive into `destination` (a directory: a new, dated file; else that file).
    Returns its path."""
    if connection.in_atomic_block:
        # SQLite's online backup waits forever on the write lock its own transaction holds.
        raise BackupError("a backup cannot be made inside a database transaction")
    now = timezone.now()
    target = _target(destination, now, encrypted=key_file is not None)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        work = Path(work)
        members = work / "members"
        members.mkdir()
        database = _dump_database(members)
        files = _copy_media(members)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, **_entry(members, database)},
            "migrations": _migration_state(),
            "files": [_entry(members, f) for f in files],
        }
        (members / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        plain = work / "archive.tar"
        with _private_file(plain) as out, tarfile.open(fileobj=out, mode="w") as tar:
            for name in [MANIFEST, database, *files]:
                tar.add(members / name, arcname=name, recursive=False)
        written = _encrypt(plain, key_file, work) if key_file else plain
        os.chmod(written, 0o600)
        os.replace(written, target)
    return target


def _target(destination: Path, now: dt.datetime, *, encrypted: bool) -> Path:
    suffix = ".tar.gpg" if encrypted else ".tar"
    if destination.is_dir() or not destination.name.endswith(SUFFIXES):
        return destination / f"{PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}{suffix}"
    return destination


def _dump_database(members: Path) -> str:
    if connection.vendor == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(members / name)
        try:
            # SQLite's online backup: a consistent copy while the app keeps writing.
            connection.connection.backup(target)
        finally:
            target.close()
        return name
    if connection.vendor == "postgresql":
        name = "database.pgdump"
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges"], members / name)
        return name
    raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def _copy_media(members: Path) -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    names = []
    if not media.exists():
        return names
    for path in sorted(p for p in media.rglob("*") if p.is_file()):
        relative = path.relative_to(media)
        if relative.parts[0] == "staging" or relative.name.startswith("."):
            continue  # half-received uploads: not part of any case
        name = f"media/{relative.as_posix()}"
        (members / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, members / name)
        names.append(name)
    return names


def _entry(root: Path, name: str) -> dict:
    path = root / name
    return {"file": name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


@contextmanager
def _private_file(path: Path) -> Iterator:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


def _encrypt(plain: Path, key_file: Path, work: Path) -> Path:
    encrypted = work / "archive.tar.gpg"
    _gpg(["--symmetric", "--cipher-algo", "AES256", "-o", str(encrypted), str(plain)], key_file)
    return encrypted


def _gpg(arguments: list[str], key_file: Path) -> None:
    if not key_file.is_file():
        raise BackupError(f"the key file {key_file} does not exist")
    with tempfile.TemporaryDirectory(prefix="aspirasi-gpg-") as home:
        result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            ["gpg", "--homedir", home, "--batch", "--yes", "--quiet", "--pinentry-mode",
             "loopback", "--passphrase-file", str(key_file), *arguments],
            capture_output=True,
            text=True,
        )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"gpg failed (wrong key, or not an encrypted archive): {result.stderr}")


def _run_pg(command: list[str], output: Path | None = None, *, extra: list[str] = ()) -> None:
    db = connection.settings_dict
    given = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }
    # Only what the settings name: an empty value would override the environment's own
    # (PGHOST, a peer-authenticated socket) and send pg_dump to the wrong server.
    env = {**os.environ, **{key: str(value) for key, value in given.items() if value}}
    arguments = [*command, *extra] + (["-f", str(output)] if output is not None else [])
    try:
        result = subprocess.run(arguments, env=env, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL 15 client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


# ---------------------------------------------------------------------------------------------
# Keeping backups


def backups_in(directory: Path) -> list[BackupInfo]:
    """The archives in `directory`, oldest first, dated by their names."""
    found = []
    for path in directory.glob(f"{PREFIX}*"):
        stamp = path.name.removeprefix(PREFIX).split(".", 1)[0]
        try:
            created = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        if path.name.endswith(SUFFIXES):
            found.append(BackupInfo(path, created))
    return sorted(found, key=lambda b: b.created_at)


def latest_backup(directory: Path) -> BackupInfo | None:
    found = backups_in(directory) if directory.is_dir() else []
    return found[-1] if found else None


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives; returns what was deleted."""
    old = backups_in(directory)[:-keep] if keep > 0 else []
    for backup in old:
        backup.path.unlink(missing_ok=True)
    return [b.path for b in old]


# ---------------------------------------------------------------------------------------------
# Restoring


def restore(source: Path, *, force: bool = False, key_file: Path | None = None) -> dict:
    """Restore an archive into this system (web server and worker stopped), then migrate.
    Returns the manifest."""
    if not source.is_file():
        raise BackupError(f"there is no archive at {source}")
    with tempfile.TemporaryDirectory(prefix="aspirasi-restore-") as work:
        work = Path(work)
        plain = source
        if source.name.endswith(".gpg"):
            if key_file is None:
                raise BackupError("the archive is encrypted: give the key file (--key-file)")
            plain = work / "archive.tar"
            _gpg(["--decrypt", "-o", str(plain), str(source)], key_file)
        members = work / "members"
        manifest = _unpack(plain, members)
        if not force and _holds_cases():
            raise BackupError(
                "this system already holds cases; restoring would replace them. "
                "Run restore with --force to replace them."
            )
        _restore_database(members, manifest)
        _restore_media(members, manifest)
    connections.close_all()
    call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _unpack(archive: Path, members: Path) -> dict:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            tar.extractall(members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"the archive is damaged and cannot be read: {exc}") from exc
    try:
        manifest = json.loads((members / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"the archive has no readable manifest: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"not an Aspirasi archive (format {manifest.get('format')!r})")
    for entry in [manifest["database"], *manifest["files"]]:
        path = members / entry["file"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(
                f"the archive is damaged: {entry['file']} does not match its checksum"
            )
    return manifest


def _holds_cases() -> bool:
    tables = connection.introspection.table_names()
    if "cases_aspiration" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM cases_aspiration LIMIT 1")
        return cursor.fetchone() is not None


def _restore_database(members: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the archive holds a {vendor} database; this system runs on {connection.vendor}"
        )
    dump = members / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(dump)
    else:
        _restore_postgresql(dump)


def _restore_sqlite(dump: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(dump, staged)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgresql(dump: Path) -> None:
    with connection.cursor() as cursor:
        # Everything of the schema goes, newer tables included, so that the archive's own
        # migration state is the truth and `migrate` brings it up to date.
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connections.close_all()
    _run_pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"], extra=["-d",
            str(connection.settings_dict["NAME"]), str(dump)])  # fmt: skip


def _restore_media(members: Path, manifest: dict) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        target = media / entry["file"].removeprefix("media/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(members / entry["file"], target)
