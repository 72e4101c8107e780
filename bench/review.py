"""Benchmark: the management review for a year, on a database built by bench/data.py (issue 15).

    uv run python bench/review.py --cases 1000000                 # build in a temp dir, SQLite
    uv run python bench/review.py --db postgres --cases 1000000
    uv run python bench/review.py --data /tmp/asp-1m              # a database built before

Times, as the Dean, through Django's test client with production settings (DEBUG off): the
dashboard `/meja/tinjauan/` for the year (every figure, chart and table of the page), and the
year's period report PDF `/meja/tinjauan/laporan.pdf`. Prints median and maximum of --runs
requests each, against the issue's limits (3 s and 10 s), and exits 1 when one is over.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

LIMITS = {"dashboard": 3.0, "report": 10.0}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--data", type=Path, help="a data directory made by bench/data.py")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000, help="when building")
    parser.add_argument("--year", type=int, help="the year reviewed (default: this year)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one dashboard request")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> int:
    bench = data.read_bench(args.data)
    if bench["database_url"]:
        os.environ["DATABASE_URL"] = bench["database_url"]
    data.configure(args.data, bench["database_url"])
    from django.conf import settings

    # No collectstatic: static URLs without the hashed manifest (the page's work is measured).
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from aspirasi.cases.models import Aspiration

    year = args.year or timezone.localdate().year
    client = Client()
    client.force_login(get_user_model().objects.get(username="dekan"))
    query = {"period": "year", "year": str(year)}
    cases = Aspiration.objects.filter(arrived_at__year=year).count()
    print(f"{bench['cases']:,} cases, {cases:,} arrived in {year}", flush=True)
    failed = False
    for name, url in (("dashboard", "/meja/tinjauan/"), ("report", "/meja/tinjauan/laporan.pdf")):
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            response = client.get(url, query, secure=True)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            body = b"".join(response) if response.streaming else response.content
            assert len(body) > 1000, (url, len(body))
        median, worst = statistics.median(times), max(times)
        verdict = "PASS" if worst <= LIMITS[name] else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{name:10} median {median:6.2f} s  max {worst:6.2f} s  limit {LIMITS[name]:.0f} s "
            f" {verdict}",
            flush=True,
        )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        client.get("/meja/tinjauan/", query, secure=True)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 1 if failed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.data is not None:
        return measure(args)
    with tempfile.TemporaryDirectory(prefix="asp-review-", dir="/tmp") as tmp:
        out = Path(tmp) / "data"
        build = [sys.executable, str(ROOT / "bench" / "data.py"), "--db", args.db]
        build += ["--cases", str(args.cases), "--out", str(out)]
        subprocess.run(build, check=True)  # noqa: S603
        try:
            again = [sys.executable, __file__, "--data", str(out), "--runs", str(args.runs)]
            if args.year:
                again += ["--year", str(args.year)]
            return subprocess.run(again, check=False).returncode  # noqa: S603
        finally:
            data.remove(out)


if __name__ == "__main__":
    sys.exit(main())
