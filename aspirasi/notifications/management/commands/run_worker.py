"""manage.py run_worker: deliver the outbox and run the periodic jobs (SLA watch, daily digest).

Start one next to the web server (scripts/run.sh does), or any number on other machines against
the same database: they share the outbox and the jobs by leasing rows (worker.py), with no other
queue. SIGTERM or Ctrl-C finishes the message or job in hand and stops; a second one stops at
once. A worker killed outright loses nothing: the message or job it held is taken up again by
another worker (or itself, restarted) once its lease has run out. A send never outlives its
lease: each SMTP session ends within half of it (see lease_warnings).
"""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aspirasi.notifications.config import WorkerConfig, worker_config
from aspirasi.notifications.worker import Worker


def lease_warnings(config: WorkerConfig, email_timeout: float) -> list[str]:
    """What in this configuration works against delivery.

    A message is held for at most `config.send_seconds` (half the lease) of SMTP, then the time
    to record the outcome: every session is cut off at that deadline and the lease is renewed
    right before DATA, so no setting lets a send outlive its lease. What a short lease does cost:
    a mail server slower to answer than EMAIL_TIMEOUT but still within it is cut off before its
    own timeout, and the message waits for its next attempt again and again.
    """
    budget = config.send_seconds
    if email_timeout and budget < email_timeout:
        return [
            f"an SMTP session may take at most {budget:g} s (half the lease of "
            f"{config.lease_seconds:g} s), less than EMAIL_TIMEOUT ({email_timeout:g} s): "
            f"a slow mail server is cut off and retried; a lease of at least "
            f"{2 * email_timeout:g} s avoids it"
        ]
    return []


class Command(BaseCommand):
    help = "Deliver outgoing messages and run the SLA watch and other periodic jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", help="unique name of this worker (default: host-pid)")
        parser.add_argument("--poll", type=float, help="seconds between looks for work when idle")
        parser.add_argument("--lease", type=float, help="seconds a message being sent is held")
        parser.add_argument("--backoff", type=float, help="first retry wait, in seconds")
        parser.add_argument("--backoff-max", type=float, help="longest retry wait, in seconds")
        parser.add_argument("--sla-every", type=float, help="seconds between SLA watch runs")
        parser.add_argument(
            "--job-lease",
            type=float,
            help="seconds a periodic job's run is held; a job whose worker died runs again after",
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="deliver messages only, no periodic jobs"
        )
        parser.add_argument(
            "--until-idle", action="store_true", help="stop when nothing is due (for scripts)"
        )

    def handle(self, *args, **options) -> None:
        config = worker_config(
            poll_seconds=options["poll"],
            lease_seconds=options["lease"],
            backoff_seconds=options["backoff"],
            backoff_max_seconds=options["backoff_max"],
            sla_watch_seconds=options["sla_every"],
            job_lease_seconds=options["job_lease"],
        )
        worker = Worker(
            worker_id=options["worker_id"], config=config, run_schedule=not options["no_schedule"]
        )

        def stop(signum, frame):
            if worker.stopping:
                raise SystemExit(128 + signum)
            worker.stop()

        for line in lease_warnings(config, getattr(settings, "EMAIL_TIMEOUT", None) or 0):
            self.stderr.write(f"warning: {line}")
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if options["verbosity"] >= 1:
            self.stdout.write(f"worker {worker.worker_id} running (Ctrl-C to stop)")
        done = worker.run(until_idle=options["until_idle"])
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"worker {worker.worker_id} stopped after {done} message(s) and job run(s)"
            )
