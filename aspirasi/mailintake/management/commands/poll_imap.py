"""manage.py poll_imap: take the unseen messages of the faculty's IMAP mailbox in (run it from
cron or a systemd timer every minute or two)."""

from django.core.management.base import BaseCommand, CommandError

from aspirasi.mailintake.imap import ImapUnavailable, poll_imap


class Command(BaseCommand):
    help = "Take every unseen message of the IMAP mailbox (ASPIRASI_IMAP_*) into Aspirasi."

    def handle(self, *args, **options):
        try:
            result = poll_imap()
        except ImapUnavailable as exc:
            raise CommandError(f"IMAP mailbox unavailable: {exc}") from exc
        for received in result.taken:
            self.stdout.write(f"{received.mail.message_id or '-'}: {received.summary}")
        for refused in result.refused:
            self.stdout.write(f"refused, left in the mailbox: {refused}")
        if result.error:
            raise CommandError(f"stopped early, the rest waits for the next round: {result.error}")
        self.stdout.write(f"{len(result.taken)} message(s) taken in")
