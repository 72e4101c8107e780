"""docs/deploy.md, the scripts and deploy/ say the same thing.

Every command scripts/deploy-loopback.sh (which tests/deploy/test_loopback.py runs) and
scripts/serve.sh run is written in the guide's blocks marked `<!-- loopback -->`; the systemd
units run those same commands; the files the guide quotes are the files in deploy/. And what
the guide promises about the intake command holds: a killed intake dies by its signal (which
Postfix defers), and an interpreter out of the pipe user's reach is named with the directory
that keeps it out."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .guide import (
    APP,
    DEPLOY,
    ENV_FILE,
    GUIDE,
    ROOT,
    loopback_commands,
    postfix_pipe,
    quoted_files,
    script_commands,
    unit_value,
)

SCRIPTS = ["scripts/deploy-loopback.sh", "scripts/serve.sh"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_command_a_script_runs_is_written_in_the_guide(script):
    guide = loopback_commands()
    ran = script_commands(ROOT / script)

    assert ran, f"{script} runs nothing between its markers"
    missing = [command for command in ran if command not in guide]
    assert not missing, (
        f"{script} runs commands that docs/deploy.md's <!-- loopback --> blocks do not have "
        f"(change both): {missing}"
    )


def test_the_loopback_runs_the_whole_release_and_both_services():
    ran = script_commands(ROOT / "scripts" / "deploy-loopback.sh")
    for needed in (
        "manage.py migrate",
        "manage.py createcachetable",
        "manage.py collectstatic",
        "-m compileall",
        "manage.py run_worker",
        "gunicorn",
    ):
        assert any(needed in command for command in ran), needed


@pytest.mark.parametrize("unit", ["aspirasi-web.service", "aspirasi-worker.service"])
def test_the_systemd_units_run_what_the_loopback_runs(unit):
    path = DEPLOY / unit
    command = unit_value(path, "ExecStart")

    assert unit_value(path, "WorkingDirectory") == APP
    assert unit_value(path, "EnvironmentFile") == ENV_FILE
    assert command.startswith(f"{APP}/")
    assert command.removeprefix(f"{APP}/") in script_commands(ROOT / "scripts/deploy-loopback.sh")


def test_the_files_the_guide_quotes_are_the_files_in_deploy():
    quoted = quoted_files()

    assert quoted, "docs/deploy.md quotes no file of deploy/"
    for name, text in quoted.items():
        assert (ROOT / name).read_text(encoding="utf-8") == text, f"{name} differs from the guide"
    guide = GUIDE.read_text(encoding="utf-8")
    for path in sorted(DEPLOY.iterdir()):
        if path.is_file():
            assert f"deploy/{path.name}" in guide, f"docs/deploy.md never mentions {path}"


def test_the_postfix_line_runs_the_intake_itself_without_a_shell():
    pipe = postfix_pipe()

    assert pipe.argv[0] == f"{APP}/bin/aspirasi-mail-intake"
    assert pipe.argv[1:] == ["--env-file", ENV_FILE]
    assert pipe.user != "root"


def test_a_killed_intake_dies_by_its_signal_which_postfix_defers():
    """The wrapper execs Python: the process the MTA waits for is Python itself. Killed, it dies
    by the signal (Postfix defers the message); a shell around it would exit 137 (a bounce)."""
    intake = subprocess.Popen(  # noqa: S603
        [str(ROOT / "bin" / "aspirasi-mail-intake")],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={},
    )
    try:
        cmdline = Path(f"/proc/{intake.pid}/cmdline")
        deadline = time.monotonic() + 30
        while b"aspirasi.mailintake.cli" not in cmdline.read_bytes():
            assert intake.poll() is None, f"the intake exited early with {intake.returncode}"
            assert time.monotonic() < deadline, "the wrapper never became Python"
            time.sleep(0.01)
        intake.send_signal(signal.SIGKILL)
        assert intake.wait(timeout=30) == -signal.SIGKILL
    finally:
        if intake.poll() is None:
            intake.kill()
            intake.wait()


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASPIRASI_")}
    result = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "serve.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "ASPIRASI_SECRET_KEY is not set" in result.stderr


def _nobody() -> pwd.struct_passwd:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("runs the intake as another user: needs root and setpriv (util-linux)")
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("there is no user `nobody` to run the intake as")


def test_the_intake_names_the_directory_that_keeps_python_out_of_the_pipe_users_reach():
    """What a new user met under Postfix: .venv/bin/python links into root's own Python. The
    check and the pipe both name the directory the MTA's user may not enter."""
    nobody = _nobody()
    place = Path(tempfile.mkdtemp(prefix="aspirasi-closed-", dir="/tmp"))
    try:
        place.chmod(0o755)
        closed = place / "private"
        (closed / "bin").mkdir(parents=True)
        closed.chmod(0o700)
        (closed / "bin" / "python3").symlink_to(Path(sys.executable).resolve())
        app = place / "app"
        (app / "bin").mkdir(parents=True)
        (app / ".venv" / "bin").mkdir(parents=True)
        shutil.copy2(ROOT / "bin" / "aspirasi-mail-intake", app / "bin")
        (app / ".venv" / "bin" / "python").symlink_to(closed / "bin" / "python3")
        as_nobody = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}"]
        as_nobody += ["--clear-groups", "--", "env", "-i", str(app / "bin/aspirasi-mail-intake")]

        check = subprocess.run(  # noqa: S603
            [*as_nobody, "--check"], capture_output=True, text=True, timeout=60
        )
        piped = subprocess.run(  # noqa: S603
            as_nobody, input="Subject: x\n\nx\n", capture_output=True, text=True, timeout=60
        )
    finally:
        shutil.rmtree(place)

    assert check.returncode == 1
    assert "PROBLEM  interpreter:" in check.stdout
    assert f"nobody may not enter {closed} (drwx------ root:" in check.stdout
    assert piped.returncode == 75  # EX_TEMPFAIL: Postfix keeps the message and tries again
    assert piped.stderr.startswith("aspirasi: temporary failure: ")
    assert f"may not enter {closed}" in piped.stderr
