"""manage.py restore PATH: put an archive made by `manage.py backup` back, then migrate.

Stop the web server and the worker first. A system that holds cases is only replaced with
--force; a damaged archive is refused before anything changes."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aspirasi.backups.archive import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an archive, then migrate."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive (.tar, or .tar.gpg when encrypted)")
        parser.add_argument(
            "--force", action="store_true", help="replace a system that already holds cases"
        )
        parser.add_argument("--key-file", help="the key file of an encrypted archive")

    def handle(self, *args, **options):
        key = options["key_file"] or settings.ASPIRASI_BACKUP_KEY_FILE or None
        try:
            manifest = restore(
                Path(options["path"]), force=options["force"], key_file=Path(key) if key else None
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the archive of {manifest['created_at']} "
            f"({len(manifest['files'])} file(s)), and migrated"
        )
