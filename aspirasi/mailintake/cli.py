"""The command the mail server pipes each message into (bin/aspirasi-mail-intake).

Postfix runs it from master.cf, without a shell, as an unprivileged user with an empty
environment: the line is deploy/postfix-master.cf, and docs/deploy.md ("Mail in") installs it.

Exit status follows sysexits(3), which is how the MTA decides what to do with the message:

- 0  accepted: it opened or joined a case, was set aside (bounce, auto-reply...), or had been
     received before. The MTA forgets it.
- 75 EX_TEMPFAIL: the database is locked or unreachable, the settings cannot be loaded, or the
     run took longer than the deadline. Nothing was kept; the MTA queues the message and tries
     again later (a retry of a message that was in fact stored is recognised and not doubled).
- 65 EX_DATAERR: the input is empty, not a message at all, or larger than
     ASPIRASI_MAIL_MAX_BYTES (nothing of it is stored). The MTA bounces it to its sender with
     our output; for the size limit that output begins with 5.3.4, the enhanced status code
     (message too big) Postfix then puts in the bounce instead of its own for 65.

Nothing else is ever returned: a message we cannot read is still stored (set aside as "failed").
The environment comes from --env-file (KEY=VALUE lines; variables already set win), so the MTA's
empty environment is enough. The deadline (ASPIRASI_MAIL_DEADLINE seconds, default 60) is kept by
a watchdog thread, which ends the process even while it waits on a database lock.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
# RFC 3463 "message too big for system": Postfix's pipe takes a leading status from the output.
TOO_BIG = "5.3.4"
DEFAULT_DEADLINE = 60.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aspirasi-mail-intake",
        description="Take one e-mail (RFC 822) from standard input into Aspirasi.",
    )
    parser.add_argument("--env-file", help="KEY=VALUE lines to add to the environment")
    parser.add_argument("--via", default="pipe", choices=["pipe", "imap"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Read the whole message before anything can fail: it must not be half-consumed.
    raw = sys.stdin.buffer.read()
    try:
        if args.env_file:
            load_env_file(Path(args.env_file))
        deadline = float(os.environ.get("ASPIRASI_MAIL_DEADLINE") or DEFAULT_DEADLINE)
    except (OSError, ValueError) as exc:
        return _say(EX_TEMPFAIL, f"temporary failure: cannot read the settings: {exc}")
    start_watchdog(deadline)
    return take(raw, via=args.via, setup=True)


def take(raw: bytes, *, via: str = "pipe", setup: bool = False) -> int:
    """Store one message and say what became of it; returns the exit status."""
    if not raw.strip():
        return _say(EX_DATAERR, "rejected: the input is empty, not an e-mail")
    try:
        if setup:
            _setup_django()
        from .intake import NotAMessage, TooLarge, receive_mail
    except Exception as exc:
        return _say(EX_TEMPFAIL, f"temporary failure: cannot start: {_short(exc)}")
    try:
        received = receive_mail(raw, via=via)
    except NotAMessage:
        _close_connections()
        return _say(EX_DATAERR, "rejected: the input is empty, not an e-mail")
    except TooLarge as exc:
        _close_connections()
        return _say(EX_DATAERR, f"rejected, {exc}", status_code=TOO_BIG)
    except Exception as exc:
        # The database is locked or away, or something failed before the message could be
        # stored: nothing was kept, so the MTA must keep it.
        if not _is_database_error(exc):
            _report(ok=False, detail=f"temporary failure: {_short(exc)}")
        _close_connections()
        return _say(EX_TEMPFAIL, f"temporary failure, try again later: {_short(exc)}")
    _report(ok=received.mail.reason != "failed", detail=f"last message: {received.summary}")
    _close_connections()
    return _say(EX_OK, f"accepted: {received.summary}")


def load_env_file(path: Path) -> None:
    """KEY=VALUE lines (blank lines and # comments skipped, optional quotes around the value);
    a variable already in the environment is left as it is."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ValueError(f"{path}: not a KEY=VALUE line: {line[:40]!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def start_watchdog(seconds: float) -> threading.Timer:
    """End the process with EX_TEMPFAIL once `seconds` have passed, whatever it is doing.

    os._exit from another thread works even while the main thread waits inside the database
    driver. An unfinished transaction is rolled back by the database; one that had just committed
    is recognised as already received when the MTA tries again.
    """

    def expire() -> None:
        sys.stderr.write(f"temporary failure: no result within {seconds:g} s\n")
        sys.stderr.flush()
        os._exit(EX_TEMPFAIL)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspirasi.settings")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    import django

    django.setup()


def _report(*, ok: bool, detail: str) -> None:
    """Tell the step-1 register how the intake is doing; never fails the message for it."""
    try:
        from aspirasi.channels.health import report_health

        report_health("email", "intake", ok=ok, detail=detail)
    except Exception:  # the database may be the very thing that is down
        pass


def _is_database_error(exc: BaseException) -> bool:
    from django.db import DatabaseError, InterfaceError

    return isinstance(exc, DatabaseError | InterfaceError)


def _close_connections() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # closing is best effort
        pass


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def _say(status: int, message: str, *, status_code: str = "") -> int:
    stream = sys.stdout if status == EX_OK else sys.stderr
    stream.write(f"{status_code} aspirasi: {message}\n".lstrip())
    stream.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
