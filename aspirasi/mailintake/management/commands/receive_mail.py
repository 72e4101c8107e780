"""manage.py receive_mail < message.eml: the same as bin/aspirasi-mail-intake, for a shell that
already has the project's environment."""

import sys

from django.core.management.base import BaseCommand

from aspirasi.mailintake.cli import take


class Command(BaseCommand):
    help = (
        "Take one e-mail (RFC 822) from standard input; "
        "exit 0, 75 (try again) or 65 (empty or too large)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--via", default="pipe", choices=["pipe", "imap"])

    def handle(self, *args, **options):
        status = take(sys.stdin.buffer.read(), via=options["via"])
        if status:
            sys.exit(status)
