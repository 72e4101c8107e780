"""A revision approved in one process reaches the others at its effective moment, without a
restart: a second process (as a worker or the mail intake would) that keeps asking which SOP
is in force switches from revision 1 to revision 2 when revision 2 takes effect, not before."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from aspirasi.sop.registry import current_sop
from tests import sop_variants
from tests.factories import sop_revision
from tests.notifications.test_worker_process import REPO, WORKER_SETTINGS, database_json

pytestmark = pytest.mark.django_db(transaction=True)

# The second process: every 50 ms, the moment and the revision in force, one line each.
WATCH = """
import time
import django
django.setup()
from django.utils import timezone
from aspirasi.sop.registry import current_sop
for _ in range(400):
    revision = current_sop().revision  # read first: the moment printed is never earlier
    print(timezone.now().isoformat(), revision, flush=True)
    time.sleep(0.05)
"""


def test_a_second_process_follows_the_new_revision_from_its_effective_moment(tmp_path):
    assert current_sop().revision == 1  # revision 1 is there (a flushed database makes it)
    log = tmp_path / "watch.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "ASPIRASI_TEST_WORKER_DATABASE": database_json(),
        "ASPIRASI_SOP_RECHECK_SECONDS": "0.2",
    }
    with log.open("wb") as out:
        watcher = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WATCH], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(log, lambda lines: lines, "the second process to start")
        effective = timezone.now() + dt.timedelta(seconds=2)
        sop_revision(sop_variants.with_second_validation(), effective_from=effective)
        lines = _wait_for(
            log, lambda lines: any(r == 2 for _t, r in lines), "the switch to revision 2"
        )
    finally:
        watcher.kill()
        watcher.wait(timeout=10)
    first_on_2 = min(moment for moment, revision in lines if revision == 2)
    assert first_on_2 >= effective  # nothing changes before the effective moment
    assert first_on_2 <= effective + dt.timedelta(seconds=1.5)  # within a recheck or two
    assert all(revision == 1 for moment, revision in lines if moment < effective)


def _wait_for(log, predicate, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = []
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                lines.append((dt.datetime.fromisoformat(parts[0]), int(parts[1])))
        if predicate(lines):
            return lines
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s:\n{log.read_text()[-2000:]}")
