"""Build a realistic Aspirasi database of any size for the benchmarks (issues 15 and 16).

    uv run python bench/data.py --cases 1000000 --out /tmp/asp-1m              # SQLite
    uv run python bench/data.py --db postgres --cases 1000000 --out /tmp/pg-1m
    uv run python bench/data.py --stop /tmp/pg-1m      # stop the PostgreSQL server it left

How: first a few hundred *template* cases go through the real engine (`submit_aspiration` and
`walk_case`, acting as the demo's officials), taken from the 320 aspirations of
aspirasi/demo/data/aspirations.jsonl: every path to its end, validations that fail and go back,
closures outside the flow, and cases stopped at every step. Then each of the --cases cases is a
copy of one template with its own times, inserted in bulk: the case, its trail, supporting
information, responses and search terms as the engine and the indexer wrote them for the
template. A copy's steps take their own working time (around the step's standard, about one
in five late), so every figure of the management review varies; the warnings the SLA watch
raises, survey answers, attachment metadata and follow-ups are added as they would arise.

What comes out (defaults): a year of history; about a tenth open across the desks, --waiting
(2,000) of them at the vice dean WD I's steps, reached in the last 12 days; the rest closed.
The demo's officials sign in with the demo password. DIR/bench.json says what the load test
and the other benchmarks need: the database, an official, a tracking link, a case page and a
common search word.

SQLite is DIR/aspirasi.sqlite3 (ASPIRASI_DATA_DIR=DIR). PostgreSQL 15 is a server of its own
in DIR/pg, listening on a socket there, left running for the benchmarks (stop it with --stop).
Times are copied as working time to wall time by a fixed ratio, not through the calendar: the
figures read the working time each record holds, as the engine wrote it.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 2000
WAITING_USER = "wd1"
OPEN_WINDOW = dt.timedelta(days=12)
HISTORY = dt.timedelta(days=365)
# Wall time per working second for steps longer than half a working day: 24 h a day against
# 8.5 working hours, and weekends.
WALL_PER_WORKING = 3.9
# Working time of a step against its standard: lognormal with P(time <= standard) ~ 0.8.
LATE_MU, LATE_SIGMA = -0.5, 0.6
SURVEY_SHARE = 0.25
ATTACHMENT_SHARE = 0.05
FOLLOW_UP_SHARE = 0.02
SEARCH_WORD = "nilai"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fill a fresh Aspirasi database with many realistic cases.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="the data directory to make (must not exist)")
    parser.add_argument("--waiting", type=int, default=2000, help="open cases at WD I's steps")
    parser.add_argument("--open-share", type=float, default=0.1)
    parser.add_argument("--templates", type=int, default=240, help="cases walked by the engine")
    parser.add_argument("--seed", type=int, default=54)
    parser.add_argument("--stop", type=Path, help="stop the PostgreSQL server of a data directory")
    args = parser.parse_args(argv)
    if args.stop is None:
        if args.out is None:
            parser.error("--out is required")
        if args.out.exists() and any(args.out.iterdir()):
            parser.error(f"{args.out} exists and is not empty")
        if args.cases < args.templates or not 0 <= args.waiting <= args.cases * args.open_share:
            parser.error("need --cases >= --templates and --waiting <= --cases * --open-share")
    return args


# --- the database -----------------------------------------------------------------------------


def configure(data_dir: Path, database_url: str = "") -> None:
    """Production settings (DEBUG off) on the data directory's database; django.setup()."""
    os.environ["ASPIRASI_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aspirasi.settings"
    os.environ["ASPIRASI_DEBUG"] = "0"
    os.environ.setdefault("ASPIRASI_SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("ASPIRASI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("ASPIRASI_HTTPS", "0")
    os.environ.setdefault("ASPIRASI_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def postgres_url(socket_dir: Path) -> str:
    from tests import pgserver

    return f"postgres://{pgserver.SUPERUSER}@/{pgserver.DATABASE}?host={socket_dir}"


def start_postgres(root: Path) -> str:
    """A PostgreSQL 15 server of its own in root/ (kept after this process); its URL."""
    from tests import pgserver

    server = pgserver.start(root=root, keep=True)
    return postgres_url(server.socket_dir)


def stop_postgres(root: Path) -> None:
    from tests import pgserver

    pgserver.stop_kept(root)


def read_bench(data_dir: Path) -> dict:
    return json.loads((data_dir / "bench.json").read_text())


# --- templates: real cases through the real engine --------------------------------------------


@dataclass
class Template:
    case_id: int
    is_open: bool
    at_waiting_user: bool = False
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> the case's rows
    blueprints: list = field(default_factory=list)


def make_templates(count: int, rng: random.Random, now: dt.datetime) -> list[Template]:
    """Walk `count` aspirations through the engine: closed along every path, with failed
    validations and closures outside the flow, and open at every step."""
    from aspirasi.cases.intake import submit_aspiration
    from aspirasi.cases.models import Category
    from aspirasi.cases.walking import Walker, WalkError, walk_case, with_verdict
    from aspirasi.demo.seeding import WD_CODES, input_of, load_rows
    from aspirasi.sop.registry import current_sop

    sop = current_sop()
    rows = load_rows()
    categories = {c.code: c for c in Category.objects.all()}
    closures = [c for c in sop.closures.values() if "duplicate_of" not in c.requires]
    templates: list[Template] = []
    start = now - dt.timedelta(days=500)
    for index in range(count):
        row = rows[index % len(rows)]
        moment = start + dt.timedelta(hours=3 * index)
        case = submit_aspiration(input_of(row, categories, moment), now=moment).aspiration
        path = row["expected_path"]
        vice_dean = WD_CODES.get(row["expected_wd"] or "", "") or rng.choice(["wd1", "wd2", "wd3"])
        texts = {
            "response": row["response"],
            "supporting_info": f"Data terkait: {row['subject']}",
            "reason": "Data pendukung belum lengkap.",
        }
        kind = index % 12
        is_open = kind in (0, 1, 2)
        if kind in (1, 2):  # open at every step of paths B and C, many at WD I's desk
            path, vice_dean = rng.choice("BC"), WAITING_USER
        try:
            if is_open:  # stopped somewhere along its path
                walk_case(
                    case,
                    path=path,
                    limit=(index // 12 * 3 + kind) % 16,
                    start=moment,
                    gap=dt.timedelta(minutes=40),
                    vice_dean=vice_dean,
                    texts=texts,
                )
            elif kind == 3:  # closed outside the flow
                closure = rng.choice(closures).name
                walker = Walker(case, start=moment, texts=texts)
                walker.to(until=closure)
                walker.act(closure)
            elif kind == 4 and path != "A":  # a validation that failed once
                walk_case(
                    case,
                    via=[with_verdict("invalid")],
                    path=path,
                    start=moment,
                    gap=dt.timedelta(minutes=40),
                    vice_dean=vice_dean,
                    texts=texts,
                )
            else:
                walk_case(
                    case,
                    path=path,
                    start=moment,
                    gap=dt.timedelta(minutes=40),
                    vice_dean=vice_dean,
                    texts=texts,
                )
        except WalkError:
            pass  # the case stays where the walk stopped: still a real case
        case.refresh_from_db()
        templates.append(
            Template(
                case_id=case.pk,
                is_open=case.status == "open",
                at_waiting_user=case.status == "open" and case.current_position == WAITING_USER,
            )
        )
    return templates


# --- copying ----------------------------------------------------------------------------------


def copied_models():
    """(model, its foreign key to the case) for the rows a copy takes from its template."""
    from aspirasi.cases.models import Response, StepRecord, SupportingInfo
    from aspirasi.search.models import SearchDocument

    return [
        (StepRecord, "aspiration_id"),
        (SupportingInfo, "aspiration_id"),
        (Response, "aspiration_id"),
        (SearchDocument, "aspiration_id"),
    ]


@dataclass
class Blueprint:
    """A template's rows of one table as tuples, and which columns a copy changes."""

    table: str
    columns: list[str]
    rows: list[tuple]
    fk: int
    id: int | None
    times: list[int]  # datetime columns

    @classmethod
    def of(cls, table: str, fk: str, rows: list[dict]) -> Blueprint:
        columns = list(rows[0])
        times = [
            i for i, c in enumerate(columns) if any(isinstance(r[c], dt.datetime) for r in rows)
        ]
        return cls(
            table,
            columns,
            [tuple(_naive(r[c]) for c in columns) for r in rows],
            columns.index(fk),
            columns.index("id") if "id" in columns else None,
            times,
        )


def _naive(value):
    return naive_utc(value) if isinstance(value, dt.datetime) else value


def load_template_rows(templates: list[Template]) -> None:
    from aspirasi.cases.models import Aspiration

    by_id = {t.case_id: t for t in templates}
    for case in Aspiration.objects.filter(pk__in=by_id).values():
        by_id[case["id"]].rows["case"] = [{k: _naive(v) for k, v in case.items()}]
    for model, fk in copied_models():
        for row in model.objects.filter(**{f"{fk}__in": list(by_id)}).order_by().values():
            row = {k: _naive(v) for k, v in row.items()}
            by_id[row[fk]].rows.setdefault(model._meta.db_table, []).append(row)
    for template in templates:
        trail = template.rows.get("cases_steprecord", [])
        trail.sort(key=lambda r: r["seq"])
        template.blueprints = [
            Blueprint.of(model._meta.db_table, fk, template.rows[model._meta.db_table])
            for model, fk in copied_models()
            if template.rows.get(model._meta.db_table)
        ]


class Inserter:
    """Rows gathered per table and written in batches with the database's own value adapters."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.pending: dict[str, tuple[list[str], list[tuple]]] = {}
        self.counts: dict[str, int] = {}
        # Times are kept as naive UTC while copying: SQLite stores their text as Django
        # does, PostgreSQL takes them marked as UTC.
        if connection.vendor == "sqlite":
            self.adapt = str
        else:
            self.adapt = lambda value: value.replace(tzinfo=dt.UTC)

    def add(self, table: str, row: dict) -> None:
        columns, rows = self.pending.setdefault(table, (list(row), []))
        rows.append(tuple(self._value(row[c]) for c in columns))

    def rows_for(self, table: str, columns: list[str]) -> list:
        """The list to append a table's rows to, already adapted, in the order of `columns`."""
        return self.pending.setdefault(table, (columns, []))[1]

    def _value(self, value):
        if isinstance(value, dt.datetime):
            return self.adapt(naive_utc(value))
        return value

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cursor:
            for table, (columns, rows) in self.pending.items():
                if not rows:
                    continue
                quoted = ", ".join(self.connection.ops.quote_name(c) for c in columns)
                if self.connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * len(columns))
                    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
                    self.connection.connection.executemany(sql, rows)
                self.counts[table] = self.counts.get(table, 0) + len(rows)
        self.pending = {}


def naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


class Timeline:
    """A copy's times: the template's trail re-timed, and any other time of the template moved
    with the last step done before it."""

    def __init__(self, template_trail: list[dict], arrival: dt.datetime, rng: random.Random):
        self.old_start = template_trail[0]["arrived_at"] if template_trail else None
        self.old_marks: list[dt.datetime] = []
        self.new_marks: list[dt.datetime] = []
        self.records: list[tuple[int, int | None, bool | None, dt.datetime, dt.datetime]] = []
        moment = arrival
        for record in template_trail:
            standard = record["standard_seconds"]
            if standard:
                working = max(1, int(standard * rng.lognormvariate(LATE_MU, LATE_SIGMA)))
                met = working <= standard
            else:
                working = rng.randint(60, 2 * 8 * 3600)
                met = None
            wall = working if working < 4 * 3600 else working * WALL_PER_WORKING
            arrived, moment = moment, moment + dt.timedelta(seconds=wall)
            self.records.append((working, standard, met, arrived, moment))
            self.old_marks.append(record["done_at"])
            self.new_marks.append(moment)
        self.arrival = arrival
        self.end = moment

    def map(self, value: dt.datetime | None, old_arrival: dt.datetime) -> dt.datetime | None:
        if value is None:
            return None
        index = bisect.bisect_right(self.old_marks, value) - 1
        if index < 0:
            return self.arrival + (value - old_arrival)
        return self.new_marks[index] + (value - self.old_marks[index])

    def shifted(self, by: dt.timedelta) -> Timeline:
        self.arrival += by
        self.end += by
        self.new_marks = [m + by for m in self.new_marks]
        self.records = [(w, s, m, a + by, d + by) for (w, s, m, a, d) in self.records]
        return self


def build(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from aspirasi.cases.models import Aspiration, TrackingCounter
    from aspirasi.cases.tracking import hash_secret
    from aspirasi.demo.seeding import DEMO_PASSWORD, create_officials

    rng = random.Random(args.seed)
    now = timezone.now()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    create_officials()
    templates = make_templates(args.templates, rng, now)
    load_template_rows(templates)
    print(
        f"{len(templates)} templates walked by the engine in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    ids = IdSource()
    inserter = Inserter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -500000")  # 500 MB for the index builds
            # The copies point only at rows made before them; checking each link row by row
            # would double the load's time.
            cursor.execute("PRAGMA foreign_keys = OFF")
    with connection.cursor() as cursor:
        # Search terms are copied by the database itself at the end (about 50 per case): the
        # templates' terms, and which template each copy was made from.
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_terms AS SELECT term, aspiration_id AS template_id, "
            "in_request, in_handling FROM search_searchterm"
        )
        cursor.execute("CREATE INDEX bench_terms_template ON bench_terms (template_id)")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy (case_id BIGINT PRIMARY KEY, template_id BIGINT)"
        )
    put_back_indexes = without_indexes(connection)
    copies = args.cases - len(templates)
    closed = [t for t in templates if not t.is_open and t.rows.get("cases_steprecord")]
    waiting = [t for t in templates if t.at_waiting_user]
    open_elsewhere = [t for t in templates if t.is_open and not t.at_waiting_user]
    if args.waiting and not waiting:
        raise SystemExit("no template stopped at WD I's steps; raise --templates")
    open_count = int(args.cases * args.open_share)
    plan = (
        [("waiting", rng.choice(waiting)) for _ in range(args.waiting)]
        + [("open", rng.choice(open_elsewhere)) for _ in range(max(0, open_count - args.waiting))]
        + [("closed", rng.choice(closed)) for _ in range(max(0, copies - open_count))]
    )
    plan = plan[:copies]
    # Closed cases arrive over the year in order, so codes and ids rise with time.
    now = naive_utc(now)
    arrivals = sorted(now - HISTORY * rng.random() for _ in plan)
    closed_so_far: list[tuple[dt.datetime, int]] = []
    per_year = dict(TrackingCounter.objects.values_list("year", "last"))
    sample = {}
    fill_started = time.perf_counter()
    for number, ((state, template), arrival) in enumerate(zip(plan, arrivals, strict=True)):
        case_row = template.rows["case"][0]
        timeline = Timeline(template.rows.get("cases_steprecord", []), arrival, rng)
        if state != "closed":  # its current step reached in the last 12 days
            target_end = now - OPEN_WINDOW * rng.random()
            timeline.shifted(target_end - timeline.end)
        elif timeline.end > now:
            timeline.shifted(now - timeline.end - dt.timedelta(minutes=rng.randint(5, 600)))
        case_id = ids.next("cases_aspiration")
        year = timezone.localtime(timeline.arrival.replace(tzinfo=dt.UTC)).year
        per_year[year] = per_year.get(year, 0) + 1
        code = f"ASP-{year}-{per_year[year]:06d}"
        secret = None
        if not sample.get(state):
            secret = secrets.token_urlsafe(16)
            sample[state] = {"code": code, "secret": secret}
        new_case = copy_case(case_row, case_id, code, timeline)
        if secret:
            new_case["secret_hash"] = hash_secret(secret)
        if rng.random() < FOLLOW_UP_SHARE:
            earlier = [pk for closed_at, pk in closed_so_far[-500:] if closed_at < timeline.arrival]
            if earlier:
                new_case["follow_up_of_id"] = rng.choice(earlier)
        inserter.add("cases_aspiration", new_case)
        copy_children(inserter, ids, template, case_id, case_row, timeline)
        inserter.rows_for("bench_copy", ["case_id", "template_id"]).append(
            (case_id, template.case_id)
        )
        add_warnings(inserter, ids, new_case, template, timeline, now)
        add_survey(inserter, ids, new_case, rng, now)
        add_attachment(inserter, ids, new_case, rng)
        if new_case["status"] == "closed" and new_case["closed_at"]:
            closed_so_far.append((new_case["closed_at"], case_id))
        if (number + 1) % BATCH == 0:
            inserter.flush()
            if (number + 1) % (BATCH * 50) == 0:
                rate = (number + 1) / (time.perf_counter() - fill_started)
                print(f"  {number + 1:,} copies ({rate:,.0f}/s)", flush=True)
    inserter.flush()
    print(f"{len(plan):,} copies in {time.perf_counter() - fill_started:.0f} s", flush=True)
    copy_search_terms(connection, inserter)
    put_back_indexes()
    for year, last in per_year.items():
        TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})
    finish_database(connection)
    at_desk = Aspiration.objects.get(
        tracking_code=(sample.get("waiting") or sample["open"])["code"]
    )
    result = {
        "database_url": os.environ.get("DATABASE_URL", ""),
        "cases": Aspiration.objects.count(),
        "official": {"username": WAITING_USER, "password": DEMO_PASSWORD},
        "tracking_path": f"/lacak/{sample['closed']['code']}/{sample['closed']['secret']}/",
        "case_path": f"/meja/kasus/{at_desk.tracking_code}/",
        "search_word": SEARCH_WORD,
        "rows": inserter.counts,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return result


def copy_search_terms(connection, inserter) -> None:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_searchterm (term, aspiration_id, in_request, in_handling) "
            "SELECT t.term, b.case_id, t.in_request, t.in_handling "
            "FROM bench_copy b JOIN bench_terms t ON t.template_id = b.template_id "
            "ORDER BY b.case_id"
        )
        inserter.counts["search_searchterm"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_copy")
        cursor.execute("DROP TABLE bench_terms")
    print(
        f"{inserter.counts['search_searchterm']:,} search terms copied in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


class IdSource:
    """Primary keys handed out here, after the highest the engine used."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        if table not in self.last:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self.last[table] = cursor.fetchone()[0]
        self.last[table] += 1
        return self.last[table]

    def take(self, table: str, count: int) -> int:
        """`count` ids in a row; the first."""
        first = self.next(table)
        self.last[table] += count - 1
        return first


def copy_case(row: dict, case_id: int, code: str, timeline: Timeline) -> dict:
    old = row["arrived_at"]
    new = dict(row, id=case_id, tracking_code=code, duplicate_of_id=None, follow_up_of_id=None)
    for name, value in row.items():
        if isinstance(value, dt.datetime):
            new[name] = timeline.map(value, old)
    new["arrived_at"] = new["entered_at"] = timeline.arrival
    if row["status"] == "open" and row["step_due_at"] and row["step_arrived_at"]:
        new["step_due_at"] = new["step_arrived_at"] + (row["step_due_at"] - row["step_arrived_at"])
    return new


def copy_children(inserter, ids, template, case_id, case_row, timeline) -> None:
    old = case_row["arrived_at"]
    adapt = inserter.adapt
    for blueprint in template.blueprints:
        out = inserter.rows_for(blueprint.table, blueprint.columns)
        first = ids.take(blueprint.table, len(blueprint.rows)) if blueprint.id is not None else 0
        trail = blueprint.table == "cases_steprecord"
        if trail:
            columns = blueprint.columns
            at = [columns.index(c) for c in ("working_seconds", "met", "arrived_at", "done_at")]
        for index, row in enumerate(blueprint.rows):
            values = list(row)
            if blueprint.id is not None:
                values[blueprint.id] = first + index
            values[blueprint.fk] = case_id
            for i in blueprint.times:
                if values[i] is not None:
                    values[i] = adapt(timeline.map(values[i], old))
            if trail:
                working, _standard, met, arrived, done = timeline.records[index]
                values[at[0]], values[at[1]] = working, met
                values[at[2]], values[at[3]] = adapt(arrived), adapt(done)
            out.append(values)


def add_warnings(inserter, ids, case, template, timeline, now) -> None:
    """Every late step had its overdue warning (settled when the case moved on); an open case
    past its due time has its own, unsettled."""
    from aspirasi.sop.registry import sop_of_revision

    sop = sop_of_revision(case["revision_id"])
    trail = template.rows.get("cases_steprecord", [])
    visits = [
        (r["step"], r["position"], arrived, arrived + dt.timedelta(seconds=standard), done)
        for r, (_w, standard, met, arrived, done) in zip(trail, timeline.records, strict=True)
        if met is False and r["kind"] == "step"
    ]
    if case["status"] == "open" and case["step_due_at"] and case["step_due_at"] < now:
        visits.append(
            (
                case["current_step"],
                case["current_position"],
                case["step_arrived_at"],
                case["step_due_at"],
                None,
            )
        )
    for step, position, arrived, due, settled in visits:
        superior = sop.positions[position].superior if position in sop.positions else ""
        inserter.add(
            "notifications_deadlinewarning",
            {
                "id": ids.next("notifications_deadlinewarning"),
                "aspiration_id": case["id"],
                "step": step,
                "step_arrived_at": arrived,
                "position": position,
                "superior_position": superior or "",
                "level": "overdue",
                "due_at": due,
                "raised_at": due,
                "settled_at": settled,
            },
        )


def add_survey(inserter, ids, case, rng, now) -> None:
    if not case["answered_at"] or rng.random() >= SURVEY_SHARE:
        return
    submitted = case["answered_at"] + dt.timedelta(hours=rng.randint(1, 72))
    if submitted > now:
        return
    answers = {f"u{n}": rng.choices([1, 2, 3, 4], weights=[1, 3, 10, 8])[0] for n in range(1, 10)}
    inserter.add(
        "survey_surveyresponse",
        {
            "id": ids.next("survey_surveyresponse"),
            "aspiration_id": case["id"],
            "submitted_at": submitted,
            **answers,
            "comment": "",
            "age": None,
            "sex": "",
            "education": "",
            "occupation": "",
        },
    )


def add_attachment(inserter, ids, case, rng) -> None:
    if rng.random() >= ATTACHMENT_SHARE:
        return
    inserter.add(
        "attachments_attachment",
        {
            "id": ids.next("attachments_attachment"),
            "aspiration_id": case["id"],
            "kind": "lampiran",
            "response_id": None,
            "public_id": secrets.token_hex(16),
            "stored_name": secrets.token_hex(16),
            "original_name": "" if case["privacy"] == "anonim" else "foto.jpg",
            "content_type": "image/jpeg",
            "extension": "jpg",
            "size": rng.randint(50_000, 4_000_000),
            "sha256": secrets.token_hex(32),
            "uploaded_at": case["arrived_at"],
        },
    )


BULK_TABLES = (
    "cases_aspiration",
    "cases_steprecord",
    "cases_supportinginfo",
    "cases_response",
    "search_searchterm",
    "search_searchdocument",
    "notifications_deadlinewarning",
    "survey_surveyresponse",
    "attachments_attachment",
)


def without_indexes(connection):
    """Drop the bulk tables' secondary indexes (and on PostgreSQL their unique and foreign-key
    constraints) for the load; returns what puts them back. Building an index once over sorted
    rows is many times faster than keeping it up to date row by row."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(BULK_TABLES))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                BULK_TABLES,
            )
            found = cursor.fetchall()
            for name, _sql in found:
                cursor.execute(f'DROP INDEX "{name}"')
            restore = [sql for _name, sql in found]
        else:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype IN ('u', 'f') "
                "AND conrelid::regclass::text = ANY(%s) ORDER BY contype DESC",
                [list(BULK_TABLES)],
            )
            constraints = cursor.fetchall()
            for table, name, _definition in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [list(BULK_TABLES)],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            restore = [definition for _name, definition in indexes] + [
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for table, name, definition in reversed(constraints)
            ]

    def put_back() -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in restore:
                cursor.execute(sql)
        print(
            f"{len(restore)} indexes rebuilt in {time.perf_counter() - started:.0f} s", flush=True
        )

    return put_back


def finish_database(connection) -> None:
    """Sequences past the ids given here (PostgreSQL), and statistics as autovacuum or
    `manage.py` maintenance would have them."""
    from django.apps import apps
    from django.core.management.color import no_style

    if connection.vendor == "postgresql":
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.stop is not None:
        stop_postgres(args.stop / "pg")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    database_url = ""
    if args.db == "postgres":
        database_url = start_postgres(args.out / "pg")
    configure(args.out, database_url)
    try:
        result = build(args)
    except BaseException:
        if args.db == "postgres":
            stop_postgres(args.out / "pg")
        raise
    (args.out / "bench.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    if args.db == "postgres":
        print(
            f"PostgreSQL keeps running; stop it with: uv run python bench/data.py --stop {args.out}"
        )
    return 0


def remove(data_dir: Path) -> None:
    if (data_dir / "pg").exists():
        stop_postgres(data_dir / "pg")
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
