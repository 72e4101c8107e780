"""A throwaway PostgreSQL 15 server for the test suite.

`start()` runs initdb in a fresh temporary directory and starts a server that listens only on a
unix socket in that directory (no TCP), trusts every local connection and skips fsync: nothing
in it has to survive the test run. It is stopped and its directory removed when the process
exits. PostgreSQL refuses to run as root, so as root the directory is handed to the `postgres`
user and the server binaries run through `runuser -u postgres --`.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("ASPIRASI_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = 5432  # only names the socket file (.s.PGSQL.5432); the directory is ours alone
BINARIES = ("initdb", "pg_ctl", "postgres", "createdb")
SUPERUSER = "postgres"
DATABASE = "aspirasi"

SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    # The concurrency tests want a deadlock reported quickly, not after the default second.
    "deadlock_timeout": "'200ms'",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Server:
    root: Path
    data_dir: Path
    socket_dir: Path
    port: int
    user: str
    database: str

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"


_server: Server | None = None
_lock = threading.Lock()


def server() -> Server:
    """The server of this process, started on first use."""
    global _server
    with _lock:
        if _server is None:
            _server = start()
        return _server


def _bin_dir() -> Path:
    """Where PostgreSQL 15's server binaries are: PG_BIN, else wherever pg_ctl on PATH points."""
    candidates = [PG_BIN]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in BINARIES):
            break
    else:
        raise PostgresUnavailable(
            f"PostgreSQL 15 is not installed: no {', '.join(BINARIES)} in {PG_BIN} (nor next to "
            "a pg_ctl on PATH). Install the Debian package postgresql-15 "
            "(bash scripts/install-system-packages.sh), or point ASPIRASI_PG_BIN at the "
            "directory that holds them."
        )
    version = subprocess.run(  # noqa: S603
        [str(directory / "postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if " 15." not in version:
        raise PostgresUnavailable(
            f"The tests need PostgreSQL 15, but {directory / 'postgres'} is {version or 'unknown'}."
        )
    return directory


def _as_server_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs server binaries, and the account they run as when root."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "Running as root, and PostgreSQL refuses to run as root, but there is no `postgres` "
            "user to run it as (the Debian package postgresql-15 creates one)."
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("Running as root, but `runuser` (util-linux) is missing.")
    return [runuser, "-u", "postgres", "--"], account


def _run(command: list[str], *, cwd: Path, what: str, log: Path | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - fixed binaries, our own arguments
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        details = (result.stdout + result.stderr).strip()
        if log is not None and log.exists():
            details += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
        raise PostgresUnavailable(
            f"Could not {what} the throwaway PostgreSQL server "
            f"(exit {result.returncode}): {' '.join(command)}\n{details}"
        )


def start(root: Path | None = None, keep: bool = False) -> Server:
    """initdb and start a new server; it stops and its directory goes when the process exits.

    With `root` (a new directory) and `keep`, it is made there and left running for another
    process (the benchmarks: bench/data.py); `stop_kept(root)` stops it."""
    bin_dir = _bin_dir()
    initdb, pg_ctl, createdb = (str(bin_dir / name) for name in ("initdb", "pg_ctl", "createdb"))
    prefix, account = _as_server_user()
    if root is None:
        # Short path: the socket's full path must stay under the ~107 bytes a unix socket allows.
        root = Path(tempfile.mkdtemp(prefix="aspirasi-pg-", dir="/tmp"))
    else:
        root.mkdir(parents=True)
    if account is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
    srv = Server(root, root / "data", root, PORT, SUPERUSER, DATABASE)
    started = False

    def stop() -> None:
        if started:
            subprocess.run(  # noqa: S603
                [*prefix, pg_ctl, "-D", str(srv.data_dir), "-m", "immediate", "-w", "stop"],
                cwd=root,
                capture_output=True,
                check=False,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)

    if not keep:
        atexit.register(stop)
        exit_cleanly_on_sigterm()
    _run(
        [
            *prefix,
            initdb,
            "-D",
            str(srv.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        ],
        cwd=root,
        what="initialise (initdb)",
    )
    settings = dict(SERVER_SETTINGS, unix_socket_directories=f"'{srv.socket_dir}'", port=PORT)
    with (srv.data_dir / "postgresql.conf").open("a") as conf:
        conf.write("\n# aspirasi test server\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    started = True
    _run(
        [*prefix, pg_ctl, "-D", str(srv.data_dir), "-l", str(srv.log_file), "-w", "-t", "60"]
        + ["start"],
        cwd=root,
        what="start (pg_ctl start)",
        log=srv.log_file,
    )
    _run(
        [createdb, "-h", str(srv.socket_dir), "-p", str(PORT), "-U", SUPERUSER, DATABASE],
        cwd=root,
        what="create the database in",
        log=srv.log_file,
    )
    return srv


def stop_kept(root: Path) -> None:
    """Stop a server that `start(root, keep=True)` left running (its files stay)."""
    prefix, _account = _as_server_user()
    subprocess.run(  # noqa: S603
        [*prefix, str(_bin_dir() / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "-w", "stop"],
        cwd=root,
        capture_output=True,
        check=False,
        timeout=60,
    )


def exit_cleanly_on_sigterm() -> None:
    """Let a plain `kill` run the atexit clean-up too (by default SIGTERM skips it).

    SIGTERM becomes KeyboardInterrupt, which pytest takes as "stop the run" (a SystemExit raised
    inside a test would only fail that test and go on).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
