"""manage.py run_worker: deliver the outbox and run the schedule (SLA watch, sweep, digest).

Start one next to the web server (scripts/run.sh does), or any number on other machines against
the same database. SIGTERM or Ctrl-C finishes the task in hand and stops; a second one stops at
once. A worker killed outright loses nothing: what it held is taken over after its lease.
"""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aspirasi.notifications.config import worker_config
from aspirasi.notifications.worker import Worker


class Command(BaseCommand):
    help = "Deliver outgoing messages and run the SLA watch and other periodic jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", help="unique name of this worker (default: host-pid)")
        parser.add_argument("--poll", type=float, help="seconds between looks for work when idle")
        parser.add_argument("--lease", type=float, help="seconds a message being sent is held")
        parser.add_argument("--backoff", type=float, help="first retry wait, in seconds")
        parser.add_argument("--backoff-max", type=float, help="longest retry wait, in seconds")
        parser.add_argument(
            "--sweep-every", type=float, help="seconds between sweeps for lost work"
        )
        parser.add_argument("--sla-every", type=float, help="seconds between SLA watch runs")
        parser.add_argument(
            "--stale-task", type=float, help="seconds after which a RUNNING task is taken as lost"
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="run tasks only, no periodic jobs"
        )
        parser.add_argument(
            "--until-idle", action="store_true", help="stop when no task is ready (for scripts)"
        )

    def handle(self, *args, **options) -> None:
        config = worker_config(
            poll_seconds=options["poll"],
            lease_seconds=options["lease"],
            backoff_seconds=options["backoff"],
            backoff_max_seconds=options["backoff_max"],
            sweep_seconds=options["sweep_every"],
            sla_watch_seconds=options["sla_every"],
            stale_task_seconds=options["stale_task"],
        )
        worker = Worker(
            worker_id=options["worker_id"], config=config, run_schedule=not options["no_schedule"]
        )

        def stop(signum, frame):
            if worker.stopping:
                raise SystemExit(128 + signum)
            worker.stop()

        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 0
        if config.lease_seconds < 2 * timeout:
            # A send still running when its lease ends may be taken over and sent twice.
            self.stderr.write(
                f"warning: the lease ({config.lease_seconds:g} s) is shorter than twice "
                f"EMAIL_TIMEOUT ({timeout:g} s)"
            )
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if options["verbosity"] >= 1:
            self.stdout.write(f"worker {worker.worker_id} running (Ctrl-C to stop)")
        done = worker.run(until_idle=options["until_idle"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"worker {worker.worker_id} stopped after {done} task(s)")
