"""The command the MTA pipes mail into, run as the MTA runs it: a subprocess with an empty
environment, the message on standard input, and only its exit status to go by (0 accepted,
75 try again later, 65 not a message). The settings come from the --env-file it is given, which
points it at this test run's database."""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from aspirasi.cases.models import Aspiration
from aspirasi.channels.models import ChannelHealth
from aspirasi.mailintake.imap import ImapAccount, poll_imap
from aspirasi.mailintake.models import InboundMail
from aspirasi.notifications.models import Message

from .imap_server import TinyImapServer
from .mails import as_in_mailbox, as_piped, mail, reseed_categories

BIN = Path(settings.BASE_DIR) / "bin" / "aspirasi-mail-intake"
# Generous: a cold start of Python and Django on a busy machine; the command's own deadline
# (ASPIRASI_MAIL_DEADLINE) is what the tests check.
RUN_TIMEOUT = 120


@pytest.fixture
def intake_env(transactional_db, tmp_path) -> Path:
    """An env file that points the command at the test database (SQLite file or PostgreSQL)."""
    reseed_categories()
    db = connection.settings_dict
    lines = [f"ASPIRASI_DATA_DIR={tmp_path}"]
    if connection.vendor == "postgresql":
        # libpq takes the socket directory and port from PGHOST/PGPORT when the URL has none.
        lines += [
            f"DATABASE_URL=postgres://{db['USER']}@/{db['NAME']}",
            f"PGHOST={db['HOST']}",
            f"PGPORT={db['PORT']}",
        ]
    else:
        lines.append(f"DATABASE_URL=sqlite://{db['NAME']}")
    path = tmp_path / "aspirasi.env"
    path.write_text("\n".join(lines) + "\n")
    return path


def with_lines(env_file: Path, *lines: str) -> Path:
    env_file.write_text(env_file.read_text() + "\n".join(lines) + "\n")
    return env_file


def run_intake(raw: bytes, env_file: Path | None) -> subprocess.CompletedProcess:
    args = [str(BIN)] + (["--env-file", str(env_file)] if env_file else [])
    return subprocess.run(args, input=raw, env={}, capture_output=True, timeout=RUN_TIMEOUT)


@contextlib.contextmanager
def database_locked():
    """Another writer holds the database: on SQLite the write lock, on PostgreSQL an exclusive
    lock on the intake's table."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE mailintake_inboundmail IN ACCESS EXCLUSIVE MODE")
        else:
            cursor.execute("DELETE FROM mailintake_inboundmail WHERE id < 0")
        yield


def short_lock_wait(env_file: Path) -> Path:
    """Give up on a lock after 0.3 s instead of waiting (SQLite's busy timeout, PostgreSQL's
    lock_timeout through libpq's PGOPTIONS)."""
    if connection.vendor == "postgresql":
        return with_lines(env_file, "PGOPTIONS=-c lock_timeout=300")
    return with_lines(env_file, "ASPIRASI_SQLITE_TIMEOUT=0.3")


def test_the_mail_server_pipes_a_message_in_with_an_empty_environment(intake_env):
    done = run_intake(mail(), intake_env)
    assert done.returncode == 0, done.stderr.decode()
    case = Aspiration.objects.get()
    assert done.stdout.decode().strip() == f"aspirasi: accepted: opened {case.tracking_code}"
    assert InboundMail.objects.get().via == InboundMail.Via.PIPE
    health = ChannelHealth.objects.get(channel="email", probe="intake")
    assert health.ok and case.tracking_code in health.detail


def test_a_message_the_mail_server_delivers_again_is_not_doubled(intake_env):
    raw = mail()
    assert run_intake(raw, intake_env).returncode == 0
    again = run_intake(raw, intake_env)
    assert again.returncode == 0
    assert "already received: opened" in again.stdout.decode()
    assert Aspiration.objects.count() == 1 and InboundMail.objects.count() == 1


def test_a_bounce_is_accepted_and_set_aside(intake_env):
    bounce = mail(sender="MAILER-DAEMON@mx.example.com", headers={"Auto-Submitted": "auto-replied"})
    done = run_intake(bounce, intake_env)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == "aspirasi: accepted: set_aside (bounce)"
    assert not Aspiration.objects.exists()


def test_empty_input_is_refused_for_good_with_65(intake_env):
    done = run_intake(b"", intake_env)
    assert done.returncode == 65
    assert "empty" in done.stderr.decode()
    assert not InboundMail.objects.exists()


def test_a_locked_database_is_a_temporary_failure_and_the_retry_is_accepted(intake_env):
    env_file = short_lock_wait(intake_env)
    raw = mail()
    with database_locked():
        locked = run_intake(raw, env_file)
    assert locked.returncode == 75, locked.stderr.decode()
    assert "temporary failure" in locked.stderr.decode()
    assert not InboundMail.objects.exists()
    # The MTA tries again once the lock is gone.
    retry = run_intake(raw, env_file)
    assert retry.returncode == 0, retry.stderr.decode()
    assert Aspiration.objects.count() == 1


def test_a_run_that_outlasts_its_deadline_exits_75(intake_env):
    # The database would make it wait 30 s (SQLite) or forever (PostgreSQL); the deadline ends
    # the run after one second with a temporary failure.
    env_file = with_lines(intake_env, "ASPIRASI_SQLITE_TIMEOUT=30", "ASPIRASI_MAIL_DEADLINE=1")
    with database_locked():
        started = time.monotonic()
        done = run_intake(mail(), env_file)
        elapsed = time.monotonic() - started
    assert done.returncode == 75
    assert "no result within 1 s" in done.stderr.decode()
    assert elapsed < 25
    assert not InboundMail.objects.exists()


def test_an_unreachable_database_is_a_temporary_failure(tmp_path):
    env_file = tmp_path / "aspirasi.env"
    # Nothing listens on port 1: the connection is refused at once.
    env_file.write_text(f"ASPIRASI_DATA_DIR={tmp_path}\n{UNREACHABLE}")
    done = run_intake(mail(), env_file)
    assert done.returncode == 75
    assert "temporary failure" in done.stderr.decode()


UNREACHABLE = "DATABASE_URL=postgres://aspirasi@127.0.0.1:1/aspirasi\n"


@pytest.mark.parametrize(
    "content", [None, "ASPIRASI_DEBUG=perhaps\n" + UNREACHABLE, "not a setting\n" + UNREACHABLE]
)
def test_settings_that_cannot_be_loaded_are_a_temporary_failure(tmp_path, content):
    env_file = tmp_path / "aspirasi.env"
    if content is not None:
        env_file.write_text(content)
    done = run_intake(mail(), env_file)
    assert done.returncode == 75, done.stderr.decode()
    assert "temporary failure" in done.stderr.decode()


def test_an_oversize_message_is_refused_for_good_with_the_size_limit_and_nothing_is_stored(
    intake_env,
):
    env_file = with_lines(intake_env, "ASPIRASI_MAIL_MAX_BYTES=20000")
    done = run_intake(mail(body="Foto terlampir.\n" + "A" * 30_000), env_file)
    assert done.returncode == 65
    said = done.stderr.decode()
    # Postfix's pipe puts a leading enhanced status code into its bounce: message too big.
    assert said.startswith("5.3.4 aspirasi: rejected, over the size limit: the message is")
    assert "larger than the 20 KB this address accepts" in said
    assert not InboundMail.objects.exists() and not Aspiration.objects.exists()
    assert run_intake(mail(), env_file).returncode == 0  # a message within the limit is taken


def test_the_same_message_by_pipe_then_from_the_mailbox_with_crlf_makes_one_case(intake_env):
    raw = mail()
    piped = run_intake(as_piped(raw), intake_env)
    assert piped.returncode == 0, piped.stderr.decode()
    with TinyImapServer([as_in_mailbox(raw)]) as server:
        polled = poll_imap(
            ImapAccount(
                host="127.0.0.1",
                port=server.port,
                user="aspirasi",
                password="rahasia",
                ssl=False,
                timeout=10,
            )
        )
        assert server.seen() == {1}
    assert [r.duplicate for r in polled.taken] == [True]
    assert Aspiration.objects.count() == 1 and InboundMail.objects.get().via == "pipe"
    assert Message.objects.filter(kind="receipt").count() == 1
