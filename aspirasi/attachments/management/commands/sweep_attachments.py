from django.core.management.base import BaseCommand

from aspirasi.attachments.services import sweep


class Command(BaseCommand):
    help = "Finish interrupted attachment moves and remove staged files no case refers to."

    def handle(self, *args, **options):
        moved, removed = sweep()
        self.stdout.write(f"moved {moved}, removed {removed}")
