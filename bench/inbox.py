"""Benchmark: the inbox's first page with many cases in the database.

Fills a fresh database with N cases (default 100,000; 2,000 of them waiting on WD I, the rest
spread over the other positions or closed, each with a trail) using bulk inserts, then times
the inbox page for the WD I holder through Django's test client (server time, no network).

    uv run python bench/inbox.py                      # SQLite file in a temp dir
    DATABASE_URL=postgres://... uv run python bench/inbox.py
    ASPIRASI_BENCH_POSTGRES=1 uv run python bench/inbox.py   # throwaway PostgreSQL server
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOTAL = int(os.environ.get("ASPIRASI_BENCH_CASES", "100000"))
WAITING = int(os.environ.get("ASPIRASI_BENCH_WAITING", "2000"))


def configure() -> str:
    tmp = tempfile.mkdtemp(prefix="aspirasi-bench-")
    os.environ.setdefault("ASPIRASI_DATA_DIR", tmp)
    if os.environ.get("ASPIRASI_BENCH_POSTGRES") and not os.environ.get("DATABASE_URL"):
        from tests.pgserver import start_server

        server = start_server()
        os.environ["DATABASE_URL"] = server.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspirasi.settings")
    os.environ["ASPIRASI_DEBUG"] = "1"
    os.environ["ASPIRASI_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def fill() -> object:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from aspirasi.cases.models import Aspiration, Category, StepRecord
    from aspirasi.officials.models import Holding

    User = get_user_model()
    wd1 = User.objects.create_user("wd1", password="x")
    Holding.objects.create(user=wd1, position="wd1", starts_on=dt.date(2020, 1, 1))
    clerk = User.objects.create_user("clerk", password="x")
    categories = list(Category.objects.all())
    rng = random.Random(54)
    now = timezone.now()
    others = ["kasubbag", "kabag_tu", "wd2", "wd3", "dekan"]
    batch, trail = [], []
    start = time.perf_counter()
    for i in range(TOTAL):
        arrived = now - dt.timedelta(minutes=rng.randint(10, 60 * 24 * 700))
        if i < WAITING:
            state = {
                "status": "open",
                "current_step": rng.choice([9, 10, 11, 12, 17, 18, 19]),
                "current_position": "wd1",
            }
        elif i < TOTAL // 10:
            state = {"status": "open", "current_step": 4, "current_position": rng.choice(others)}
        else:
            state = {
                "status": "closed",
                "closure": rng.choice("ABC"),
                "closed_at": arrived + dt.timedelta(days=2),
            }
        if state["status"] == "open":
            state.update(step_arrived_at=arrived, step_due_at=arrived + dt.timedelta(hours=8))
        batch.append(
            Aspiration(
                tracking_code=f"ASP-BENCH-{i:07d}",
                secret_hash="0" * 64,
                sop_number="SOP/FAK. TEKNIK-UNMUL/SP-54",
                sop_revision="2018-01-05",
                channel="website",
                category=categories[i % len(categories)],
                subject=f"Aspirasi nomor {i} tentang layanan fakultas",
                body="Isi aspirasi " * 20,
                customer_name="Pelanggan",
                arrived_at=arrived,
                entered_at=arrived,
                version=3,
                **state,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                saved = Aspiration.objects.bulk_create(batch)
                for case in saved:
                    for seq in (1, 2, 3):
                        trail.append(
                            StepRecord(
                                aspiration=case,
                                seq=seq,
                                step=seq + 1,
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
                        )
                StepRecord.objects.bulk_create(trail)
            batch, trail = [], []
    if batch:
        with transaction.atomic():
            Aspiration.objects.bulk_create(batch)
    print(
        f"filled {TOTAL:,} cases (+{3 * TOTAL:,} step records) in "
        f"{time.perf_counter() - start:.1f} s"
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return wd1


def measure(user) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/meja/")  # warm caches (SOP, holidays, templates)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        response = client.get("/meja/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/meja/")
    reset_queries()
    print(
        f"inbox first page: median {statistics.median(times):.1f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95) - 1]:.1f} ms, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    vendor = configure()
    print(f"database: {vendor}")
    measure(fill())
