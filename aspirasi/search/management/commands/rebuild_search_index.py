"""Rebuild the whole term index (after changing the analyser, or to repair it)."""

import time

from django.core.management.base import BaseCommand

from aspirasi.search.indexing import REBUILD_BATCH, rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search term index of every case."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=REBUILD_BATCH)

    def handle(self, *args, batch_size: int, **options):
        start = time.perf_counter()

        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} cases indexed")

        total = rebuild_index(batch_size=batch_size, progress=progress)
        elapsed = time.perf_counter() - start
        self.stdout.write(self.style.SUCCESS(f"{total} cases indexed in {elapsed:.1f} s."))
