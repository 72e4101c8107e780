"""`manage.py check --deploy` is clean with the production environment the README names."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # Start from a clean slate: nothing of the test run (its settings module, a DATABASE_URL,
    # other ASPIRASI_* variables) may leak into the production check.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ASPIRASI_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        ASPIRASI_DEBUG="0",
        ASPIRASI_SECRET_KEY=secrets.token_urlsafe(50),
        ASPIRASI_ALLOWED_HOSTS="aspirasi.example.ac.id",
        ASPIRASI_SITE_URL="https://aspirasi.example.ac.id",
        ASPIRASI_DATA_DIR=str(tmp_path),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_the_production_environment(tmp_path):
    result = check_deploy(production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # The embedded default (DEBUG on, the development key) is not fit for production.
        ({"ASPIRASI_DEBUG": "1", "ASPIRASI_SECRET_KEY": ""}, "security.W018"),
        ({"ASPIRASI_SECRET_KEY": "pendek"}, "security.W009"),
        # Mailed tracking links would point at the development address, or go in the clear.
        ({"ASPIRASI_SITE_URL": None}, "aspirasi.W001"),
        ({"ASPIRASI_SITE_URL": "http://aspirasi.example.ac.id"}, "aspirasi.W001"),
    ],
    ids=["debug-on", "short-secret-key", "no-site-url", "plain-http-site-url"],
)
def test_deploy_check_fails_on_an_unsafe_environment(tmp_path, overrides, expected):
    result = check_deploy(production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert expected in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = check_deploy(production_env(tmp_path, ASPIRASI_SECRET_KEY=""))

    assert result.returncode != 0
    assert "ASPIRASI_SECRET_KEY must be set" in result.stderr
