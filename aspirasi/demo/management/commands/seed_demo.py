from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from aspirasi.demo.seeding import ACTING, DEMO_OFFICIALS, DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "On an empty database: create demo officials and sample cases on every SOP path."

    def handle(self, *args, **options):
        if get_user_model().objects.exists():
            self.stdout.write("Database already has users; demo data left as it is.")
        else:
            made = seed()
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {made} sample cases."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for official in DEMO_OFFICIALS:
            if official.position:
                role = official.position
            elif official.username == ACTING[0]:
                role = f"Plh {ACTING[1]} (acting official)"
            else:
                role = "admin (Django admin at /admin/)"
            self.stdout.write(f"  {official.username:10} {role}")
