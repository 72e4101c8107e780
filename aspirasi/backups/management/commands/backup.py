"""manage.py backup PATH: the database and the uploaded files in one archive (see
aspirasi/backups/archive.py). PATH is a directory (a new dated archive in it) or a file name
ending in .tar (.tar.gpg when encrypted)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aspirasi.backups.archive import BackupError, make_backup, prune


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a directory, or the archive's file name")
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="encrypt with GnuPG and the key file (ASPIRASI_BACKUP_KEY_FILE or --key-file)",
        )
        parser.add_argument("--key-file", help="the key (passphrase) file for --encrypt")
        parser.add_argument(
            "--keep", type=int, help="then delete all but the newest N archives in the directory"
        )

    def handle(self, *args, **options):
        key = options["key_file"] or settings.ASPIRASI_BACKUP_KEY_FILE
        if options["encrypt"] and not key:
            raise CommandError("--encrypt needs a key file: --key-file or ASPIRASI_BACKUP_KEY_FILE")
        try:
            path = make_backup(
                Path(options["path"]), key_file=Path(key) if options["encrypt"] else None
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
        if options["keep"]:
            for old in prune(path.parent, options["keep"]):
                self.stdout.write(f"deleted {old}")
