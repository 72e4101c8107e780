"""bench/data.py builds a database the app can serve: cases copied from ones the real engine
walked, with their trails, warnings, surveys and search terms (issues 15 and 16)."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aspirasi.cases.tracking import hash_secret

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "data"
    command = [sys.executable, str(ROOT / "bench" / "data.py"), "--cases", "400"]
    command += ["--templates", "36", "--waiting", "0", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=600)  # noqa: S603
    return out


def test_builder_makes_the_cases_it_was_asked_for_with_their_trails(built):
    bench = json.loads((built / "bench.json").read_text())
    db = sqlite3.connect(built / "aspirasi.sqlite3")
    assert bench["cases"] == 400
    assert db.execute("SELECT COUNT(*) FROM cases_aspiration").fetchone()[0] == 400
    open_cases = db.execute("SELECT COUNT(*) FROM cases_aspiration WHERE status = 'open'")
    assert open_cases.fetchone()[0] >= 40  # a tenth, and the open templates
    # Every closed case has a trail (an open one may still wait for the clerk to receive it),
    # and copies took their own working times: some late, most not.
    bare = db.execute(
        "SELECT COUNT(*) FROM cases_aspiration a WHERE status = 'closed' AND NOT EXISTS "
        "(SELECT 1 FROM cases_steprecord r WHERE r.aspiration_id = a.id)"
    )
    assert bare.fetchone()[0] == 0
    late, met = db.execute(
        "SELECT SUM(met = 0), SUM(met = 1) FROM cases_steprecord WHERE kind = 'step'"
    ).fetchone()
    assert 0 < late < met
    # Search terms copied for the copies too, and the indexes dropped for the load are back.
    with_terms = db.execute("SELECT COUNT(DISTINCT aspiration_id) FROM search_searchterm")
    assert with_terms.fetchone()[0] == 400
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"trail_step_key_done", "search_term_by_case", "asp_arrived"} <= indexes


def test_tracking_link_and_counter_work_for_the_app(built):
    bench = json.loads((built / "bench.json").read_text())
    db = sqlite3.connect(built / "aspirasi.sqlite3")
    _lacak, code, secret = bench["tracking_path"].strip("/").split("/")
    stored = db.execute("SELECT secret_hash FROM cases_aspiration WHERE tracking_code = ?", [code])
    assert stored.fetchone()[0] == hash_secret(secret)
    # The next submission's code is new: the counter is at the highest code of its year.
    for year, last in db.execute("SELECT year, last FROM cases_trackingcounter"):
        highest = db.execute(
            "SELECT MAX(tracking_code) FROM cases_aspiration WHERE tracking_code LIKE ?",
            [f"ASP-{year}-%"],
        ).fetchone()[0]
        assert highest == f"ASP-{year}-{last:06d}"
