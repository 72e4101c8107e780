"""Benchmark: the inbox's first page with many cases in the database (issue 5).

Fills a fresh database with --cases cases (default 100,000), --waiting of them (default 2,000)
waiting on WD I at its steps and the rest open at other desks (a tenth of all cases) or closed,
each with a trail, and with the deadline warnings the SLA watch would have raised. Then it times
GET /meja/ for the WD I holder through Django's test client: the whole server side (middleware,
session, view, queries, template with the filter form, due marks and warnings block), no network.
It runs with DEBUG off, as in production (queries are counted with CaptureQueriesContext).

Prints median, p95 and the number of queries per database, and PASS/FAIL against --limit
(50 ms) on both median and p95; exits 1 when any database fails. It also prints the median of a
fixed pure-Python loop timed through the run ("reference loop"): the shared machine's speed
drifts, and this shows how fast it was.

    uv run python bench/inbox.py                       # SQLite and PostgreSQL, 100k / 2,000
    uv run python bench/inbox.py --db sqlite --cases 20000 --waiting 500 --runs 50
    uv run python bench/inbox.py --db postgres --explain    # query plans of the page's queries
    uv run python bench/inbox.py --db sqlite --profile      # cProfile of the measured requests

SQLite lives in a temporary directory, PostgreSQL 15 is a throwaway server (tests/pgserver.py);
both are removed when the run ends. With --db both each database runs in its own process
(Django configures one database per process), and the requests are timed in a fresh process
after the fill, as a server worker would serve them (not one holding the fill's garbage).
Wall time on a shared machine varies with its load: compare runs made at the same time.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import datetime as dt
import io
import json
import math
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INBOX_URL = "/meja/"
BATCH = 5000
TRAIL_LENGTH = 3
USER = "wd1"  # the official whose inbox is measured
OTHER_HOLDERS = ["kasubbag", "kabag_tu", "wd2", "wd3", "dekan"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the inbox's first page with many cases in SQLite and/or PostgreSQL.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the database")
    parser.add_argument(
        "--waiting", type=int, default=2000, help=f"open cases waiting on {USER}'s position"
    )
    parser.add_argument("--runs", type=int, default=50, help="measured requests")
    parser.add_argument("--limit", type=float, default=50.0, help="limit in ms (median and p95)")
    parser.add_argument("--seed", type=int, default=54)
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of every query of the page"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the measured requests"
    )
    parser.add_argument(
        "--profile-sort", default="cumulative", help="pstats sort key (cumulative, tottime...)"
    )
    parser.add_argument(
        "--profile-filter", default="", help="regular expression on the profile's lines"
    )
    # Internal: how the script runs itself for one database, and for the measurement.
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    parser.add_argument("--measure-in", help=argparse.SUPPRESS)
    parser.add_argument("--pg-socket", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_in and args.db == "both":
        parser.error("--measure-in needs --db sqlite or --db postgres")
    if args.cases < 1 or args.runs < 1 or not 0 <= args.waiting <= args.cases:
        parser.error("need --cases >= 1, --runs >= 1 and 0 <= --waiting <= --cases")
    return args


# --- one database, in this process ------------------------------------------------------------


def configure(db: str, data_dir: str, pg_socket: str | None) -> None:
    """Production settings (DEBUG off) on the benchmark's database, and django.setup()."""
    os.environ["ASPIRASI_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if db == "postgres":
        # The production settings for PostgreSQL (CONN_MAX_AGE, health checks); the host is
        # the throwaway server's socket directory, set below.
        os.environ["DATABASE_URL"] = "postgres://postgres@localhost:5432/aspirasi"
    os.environ["DJANGO_SETTINGS_MODULE"] = "aspirasi.settings"
    # As in production: DEBUG off (no query log, cached templates).
    os.environ["ASPIRASI_DEBUG"] = "0"
    os.environ["ASPIRASI_SECRET_KEY"] = "bench-" + "x" * 50
    os.environ["ASPIRASI_ALLOWED_HOSTS"] = "testserver"
    os.environ["ASPIRASI_SSL_REDIRECT"] = "0"
    os.environ.setdefault("ASPIRASI_LOG_LEVEL", "WARNING")
    from django.conf import settings

    if db == "postgres":
        from tests import pgserver

        settings.DATABASES["default"].update(
            HOST=pg_socket, PORT=str(pgserver.PORT), NAME=pgserver.DATABASE
        )
    # No collectstatic here: static URLs without the hashed manifest (the page's own work is
    # what is measured).
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    import django

    django.setup()


def _positions_for(sop) -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {}
    for code, position in sop.positions.items():
        by_role.setdefault(position.role, []).append(code)
    return by_role


def fill(total: int, waiting: int, seed: int):
    """The cases, their trails, the SLA watch's warnings and the officials; returns WD I."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from aspirasi.cases.choices import Channel, CustomerType
    from aspirasi.cases.models import Aspiration, Category, StepRecord
    from aspirasi.clock.calendar import faculty_calendar
    from aspirasi.clock.models import CalendarDay
    from aspirasi.notifications.models import DeadlineWarning
    from aspirasi.officials.models import Holding
    from aspirasi.sop.registry import current_sop, revision_in_force

    User = get_user_model()
    start_day = dt.date(2020, 1, 1)
    official = User.objects.create_user(USER, password="x")
    Holding.objects.create(user=official, position=USER, starts_on=start_day)
    for code in OTHER_HOLDERS:
        user = User.objects.create_user(code, password="x")
        Holding.objects.create(user=user, position=code, starts_on=start_day)
    clerk = User.objects.get(username="kasubbag")
    rng = random.Random(seed)
    today = timezone.localdate()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=today - dt.timedelta(days=d), kind=CalendarDay.Kind.DAY_OFF)
        for d in sorted(rng.sample(range(1, 700), 20))
    )
    categories = list(Category.objects.all())
    sop = current_sop()
    calendar = faculty_calendar()
    steps = [s for s in sop.case_steps() if s.time.is_limited]
    by_role = _positions_for(sop)
    own_steps = [s for s in steps if USER in by_role.get(s.actor, [])]
    now = timezone.now()
    channels = Channel.values
    customer_types = CustomerType.values

    def open_state(position_choices: list[str], step):
        arrived = now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 12))
        position = rng.choice(position_choices)
        due = calendar.add(arrived, step.time.working_seconds(calendar.seconds_per_day))
        return {
            "status": "open",
            "current_step": step.number,
            "current_position": position,
            "step_arrived_at": arrived,
            "step_due_at": due,
        }

    def warnings_of(case) -> list:
        """What the SLA watch raised: this visit's (if late), and earlier visits' for some."""
        rows = []
        if case.status == "open" and case.step_due_at < now:
            superior = sop.positions[case.current_position].superior or ""
            soon = case.step_arrived_at + (case.step_due_at - case.step_arrived_at) * 0.8
            for level, raised in (("due_soon", soon), ("overdue", case.step_due_at)):
                rows.append(
                    DeadlineWarning(
                        aspiration=case,
                        step=case.current_step,
                        step_arrived_at=case.step_arrived_at,
                        position=case.current_position,
                        superior_position=superior if level == "overdue" else "",
                        level=level,
                        due_at=case.step_due_at,
                        raised_at=raised,
                        # The overdue warning took the "due soon" one's place.
                        settled_at=case.step_due_at if level == "due_soon" else None,
                    )
                )
        if rng.random() < 0.3:  # an earlier visit was late too
            step = rng.choice(steps)
            position = rng.choice(by_role[step.actor])
            arrived = case.arrived_at + dt.timedelta(hours=1)
            due = arrived + dt.timedelta(hours=8)
            rows.append(
                DeadlineWarning(
                    aspiration=case,
                    step=step.number,
                    step_arrived_at=arrived,
                    position=position,
                    superior_position=sop.positions[position].superior or "",
                    level="overdue",
                    due_at=due,
                    raised_at=due,
                    settled_at=due + dt.timedelta(hours=2),  # the case moved on, as it has
                )
            )
        return rows

    def trail_of(case) -> list:
        return [
            StepRecord(
                aspiration=case,
                seq=seq,
                step=seq + 1,
                step_key=sop.step_key(seq + 1),
                action="x",
                position="kasubbag",
                actor=clerk,
                actor_name="clerk",
                arrived_at=case.arrived_at,
                done_at=case.arrived_at,
                working_seconds=60,
                standard_seconds=600,
                standard_text="10 menit",
                met=True,
                output="x",
            )
            for seq in range(1, TRAIL_LENGTH + 1)
        ]

    counts = {"trail": 0, "warnings": 0}

    def flush(batch: list) -> None:
        with transaction.atomic():
            saved = Aspiration.objects.bulk_create(batch)
            trail = [record for case in saved for record in trail_of(case)]
            warnings = [w for case in saved for w in warnings_of(case)]
            StepRecord.objects.bulk_create(trail)
            DeadlineWarning.objects.bulk_create(warnings)
        counts["trail"] += len(trail)
        counts["warnings"] += len(warnings)

    other_open = max(total // 10, waiting)
    others_by_step = {
        s.number: [p for p in by_role[s.actor] if p != USER] for s in steps if s.actor in by_role
    }
    other_steps = [s for s in steps if others_by_step.get(s.number)]
    started = time.perf_counter()
    batch: list = []
    for i in range(total):
        arrived = now - dt.timedelta(minutes=rng.randint(60 * 24 * 12, 60 * 24 * 700))
        if i < waiting:
            state = open_state([USER], rng.choice(own_steps))
            arrived = min(arrived, state["step_arrived_at"])
        elif i < other_open:
            step = rng.choice(other_steps)
            state = open_state(others_by_step[step.number], step)
            arrived = min(arrived, state["step_arrived_at"])
        else:
            state = {
                "status": "closed",
                "closure": rng.choice("ABCABCABC") if rng.random() < 0.95 else "spam",
                "closed_at": arrived + dt.timedelta(days=rng.randint(1, 10)),
                "answered_at": arrived + dt.timedelta(days=1),
            }
        batch.append(
            Aspiration(
                tracking_code=f"ASP-BENCH-{i:07d}",
                secret_hash="0" * 64,
                sop_number=sop.number,
                revision_id=revision_in_force(),
                channel=rng.choice(channels),
                category=rng.choice(categories),
                customer_type=rng.choice(customer_types),
                subject=f"Aspirasi nomor {i} tentang layanan fakultas",
                body="Isi aspirasi tentang layanan akademik fakultas. " * 8,
                customer_name="Pelanggan",
                arrived_at=arrived,
                entered_at=arrived,
                version=TRAIL_LENGTH,
                **state,
            )
        )
        if len(batch) == BATCH:
            flush(batch)
            batch = []
    if batch:  # the last, partial batch
        flush(batch)
    # What autovacuum would have done after the inserts (statistics, visibility map).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"filled {total:,} cases ({waiting:,} waiting on {USER}), {counts['trail']:,} step "
        f"records, {counts['warnings']:,} deadline warnings in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return official


def reference_ms() -> float:
    """This machine's speed just now: the median time of a fixed pure-Python loop (about 15 ms
    on a quiet spell of the 2-core machine these figures were taken on). A shared machine's
    speed drifts by up to 2x within minutes; this lets runs be compared."""

    def loop() -> int:
        total = 0
        for i in range(300_000):
            total += i * i % 7
        return total

    times = []
    for _ in range(15):
        started = time.perf_counter()
        loop()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def check_page(response, waiting: int) -> None:
    """The page measured is the real one: 200, a full first page, the form and the warnings."""
    from aspirasi.desk.views import INBOX_PAGE_SIZE

    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'id="case-filters"' in html, "no filter form"
    rows = html.count('<td class="mark ')
    assert rows == min(waiting, INBOX_PAGE_SIZE), f"{rows} rows on the first page"
    if waiting:
        assert 'id="deadline-warnings"' in html, "no warnings block"


def explain(statements: list[tuple[str, tuple]]) -> None:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for sql, params in statements:
        print(f"\n-- {sql}\n   params {params!r}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(v) for v in row))


def measure(user, args) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)

    def get():
        return client.get(INBOX_URL, secure=True)

    for _ in range(3):  # warm: SOP, holidays, compiled templates, connection
        check_page(get(), args.waiting)

    statements: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        check_page(get(), args.waiting)
    query_count = len(captured.captured_queries)

    profiler = cProfile.Profile() if args.profile else None
    times = []
    reference = [reference_ms()]
    for run in range(args.runs):
        if run and run % 25 == 0:  # the machine's speed, through the measurement
            reference.append(reference_ms())
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        response = get()
        elapsed = (time.perf_counter() - started) * 1000
        if profiler:
            profiler.disable()
        assert response.status_code == 200
        times.append(elapsed)

    if args.explain:
        explain(statements)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.profile_sort)
        stats.print_stats(*([args.profile_filter] if args.profile_filter else []), 60)
        print(out.getvalue())
    return {
        "db": connection.vendor,
        "cases": args.cases,
        "waiting": args.waiting,
        "runs": args.runs,
        "median": statistics.median(times),
        "p95": p95(times),
        "min": min(times),
        "queries": query_count,
        "limit": args.limit,
        "reference": statistics.median([*reference, reference_ms()]),
    }


def run_one(args, argv: list[str]) -> dict | None:
    """Fill a fresh database, then measure in a fresh process, as a server worker would be
    (not one carrying the fill's garbage and caches)."""
    data_dir = tempfile.mkdtemp(prefix="aspirasi-bench-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    pg_socket = None
    if args.db == "postgres":
        from tests import pgserver

        pg_socket = str(pgserver.start().socket_dir)  # stopped and removed at exit
    configure(args.db, data_dir, pg_socket)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    fill(args.cases, args.waiting, args.seed)
    connections.close_all()
    extra = ["--measure-in", data_dir] + (["--pg-socket", pg_socket] if pg_socket else [])
    return _in_child(args.db, _without(argv, "--db", "--result-file") + extra)


def measure_only(args) -> dict:
    configure(args.db, args.measure_in, args.pg_socket)
    from django.contrib.auth import get_user_model

    return measure(get_user_model().objects.get(username=USER), args)


# --- reporting ----------------------------------------------------------------------------------


def passed(result: dict) -> bool:
    return result["median"] < result["limit"] and result["p95"] < result["limit"]


def report(result: dict) -> str:
    verdict = "PASS" if passed(result) else "FAIL"
    return (
        f"{result['db']:<10} {result['cases']:>9,} cases, {result['waiting']:,} waiting: "
        f"median {result['median']:.1f} ms, p95 {result['p95']:.1f} ms "
        f"(min {result['min']:.1f}), {result['queries']} queries, {result['runs']} runs, "
        f"reference loop {result['reference']:.1f} ms "
        f"-> {verdict} (limit {result['limit']:g} ms on median and p95)"
    )


def _in_child(db: str, argv: list[str]) -> dict | None:
    """This script in a new process for one database; its result comes back in a file."""
    with tempfile.TemporaryDirectory(prefix="aspirasi-bench-result-") as tmp:
        result_file = Path(tmp) / "result.json"
        command = [sys.executable, __file__, *argv, "--db", db, "--result-file", str(result_file)]
        process = subprocess.Popen(command)  # noqa: S603 - this very script
        try:
            code = process.wait()
        except BaseException:  # stopped: let the child clean up (its database, its server)
            process.terminate()
            process.wait(timeout=120)
            raise
        if code not in (0, 1) or not result_file.exists():
            print(f"{db}: the benchmark did not finish (exit {code})", file=sys.stderr)
            return None
        return json.loads(result_file.read_text())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    from tests.pgserver import exit_cleanly_on_sigterm

    exit_cleanly_on_sigterm()  # a plain kill still removes the temporary database and server
    if args.measure_in:
        result = measure_only(args)
    elif args.db == "both":
        results = []
        for db in ("sqlite", "postgres"):
            print(f"== {db} ==", flush=True)
            results.append(_in_child(db, _without(argv, "--db", "--result-file")))
        print("\n== inbox first page ==")
        for result in results:
            if result is not None:
                print(report(result))
        return 0 if all(r is not None and passed(r) for r in results) else 1
    else:
        result = run_one(args, argv)
        if result is None:
            return 2
    if args.result_file:
        Path(args.result_file).write_text(json.dumps(result))
    else:
        print(report(result), flush=True)
    return 0 if passed(result) else 1


def _without(argv: list[str], *options: str) -> list[str]:
    """argv less the given options (and their values)."""
    rest, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in options:
            skip = True
        elif not any(arg.startswith(option + "=") for option in options):
            rest.append(arg)
    return rest


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("stopped; temporary database removed", file=sys.stderr)
        sys.exit(130)
