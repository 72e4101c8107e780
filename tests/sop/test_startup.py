"""Start-up really stops on a broken SOP file: `manage.py check` in a fresh process exits
non-zero and says which step and which field are at fault; the real file starts cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aspirasi.sop.registry import DEFAULT_SOP_FILE

PROJECT = Path(__file__).resolve().parents[2]
REAL_TEXT = DEFAULT_SOP_FILE.read_text(encoding="utf-8")


# The end of step 5 (step 6 reads the same up to its action's name).
STEP_5_TAIL = (
    'time = "10 menit"\noutput_id = "Diterima Kabag"\n'
    'output_en = "Received by the Head of Administration"\n'
    '  [[steps.actions]]\n  name = "hand_over"'
)
# Step 19's closing action.
ARCHIVE = '  name = "archive"\n  label_id = "Arsipkan"\n  label_en = "Archive"\n  to = "closed"'


def broken(old: str, new: str) -> str:
    assert REAL_TEXT.count(old) == 1, old
    return REAL_TEXT.replace(old, new)


def manage_check(sop_file: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ASPIRASI_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        ASPIRASI_SOP_FILE=str(sop_file),
        DJANGO_SETTINGS_MODULE="aspirasi.settings",
        ASPIRASI_DATA_DIR=str(data_dir),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_real_sop_file_starts_cleanly(tmp_path):
    sop_file = tmp_path / "sp54.toml"
    sop_file.write_text(REAL_TEXT, encoding="utf-8")
    result = manage_check(sop_file, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            broken('number = 7\nactor = "head_of_administration"', 'number = 7\nactor = "satpam"'),
            ["step 7", "field 'actor'", "satpam"],
        ),
        (
            broken(ARCHIVE, ARCHIVE.replace('to = "closed"', "to = 18")),
            ["step 14", "field 'actions'", "never closes"],
        ),
        (
            broken(STEP_5_TAIL, STEP_5_TAIL.replace('"10 menit"', '"1 minggu"')),
            ["step 5", "field 'time'", "1 minggu"],
        ),
        (
            # The office screens look for the role that keeps the settings: none left.
            broken("keeps_office_settings = true\n", ""),
            ["sp54.toml", "[roles]", "field 'keeps_office_settings'"],
        ),
        (
            broken('kind = "report_receipt"\n', ""),
            ["sp54.toml", "field 'kind'", "report_receipt"],
        ),
    ],
    ids=[
        "unknown-actor",
        "path-c-never-closes",
        "time-1-minggu",
        "no-role-keeps-the-office",
        "nobody-receives-the-report",
    ],
)
def test_a_broken_sop_file_stops_start_up_naming_step_and_field(tmp_path, text, expected):
    assert text != REAL_TEXT
    sop_file = tmp_path / "sp54.toml"
    sop_file.write_text(text, encoding="utf-8")
    result = manage_check(sop_file, tmp_path)
    assert result.returncode != 0
    assert "The SOP file cannot be used" in result.stderr
    for words in expected:
        assert words in result.stderr, result.stderr[-2000:]


def test_a_missing_sop_file_stops_start_up(tmp_path):
    result = manage_check(tmp_path / "nowhere.toml", tmp_path)
    assert result.returncode != 0
    assert "does not exist" in result.stderr
