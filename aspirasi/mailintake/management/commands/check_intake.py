"""manage.py check_intake: can the e-mail intake work when the mail server runs it?

The mail server runs bin/aspirasi-mail-intake as its own unprivileged user with an empty
environment, and anything that user cannot reach or write makes every message wait in its queue.
This check runs exactly that way and says, in plain words, what is wrong:

    sudo -u aspirasi env -i /opt/aspirasi/app/bin/aspirasi-mail-intake --check \\
        --env-file /etc/aspirasi/aspirasi.env
    .venv/bin/python -B manage.py check_intake --user aspirasi \\
        --env-file /etc/aspirasi/aspirasi.env                        # as root

(the second runs the first through runuser; -B keeps root's Python from writing bytecode into
the service user's files, which would hide what is missing). What it looks at, as that user:

- the interpreter: .venv/bin/python and every link and directory on its way (the shell wrapper
  says which directory is closed when Python cannot even start);
- the settings: the env file can be read, the settings load, DEBUG is off;
- the database: it answers, every migration is applied, and it takes writes ("attempt to write
  a readonly database" is what SQLite says to a user who may not write its file or folder);
- the data folder: attached files can be stored in MEDIA_ROOT;
- bytecode: aspirasi's modules, and those of the installed packages and of Python's library
  that a message loads, are compiled and current, since a user who may not write __pycache__
  compiles them again for every message (about 2.2 s of CPU instead of 0.9 s).

Exit status 0 when the intake can work, 1 when something is wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.util import MAGIC_NUMBER, cache_from_source
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

PROJECT_ROOT = Path(__file__).resolve().parents[4]
WRAPPER = PROJECT_ROOT / "bin" / "aspirasi-mail-intake"
GUIDE = "docs/deploy.md"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'PROBLEM':<8} {self.name}: {self.detail}"


def main(argv: list[str] | None = None) -> int:
    """The check as the wrapper runs it (bin/aspirasi-mail-intake --check), as the mail server's
    user: prints one line per finding and returns 0 when the intake can work."""
    parser = argparse.ArgumentParser(
        prog="aspirasi-mail-intake --check",
        description="Say whether the e-mail intake can work for the user running this.",
    )
    parser.add_argument("--env-file", help="the KEY=VALUE file the pipe line gives the intake")
    args = parser.parse_args(argv)
    findings = run_checks(Path(args.env_file) if args.env_file else None)
    for finding in findings:
        print(finding.line())
    problems = [f for f in findings if not f.ok]
    if problems:
        print(f"{len(problems)} problem(s): the intake cannot work for {_user()} as it is.")
        return 1
    print(f"The intake can work for {_user()}.")
    return 0


def run_checks(env_file: Path | None) -> list[Finding]:
    sys.dont_write_bytecode = True  # look at the bytecode as it is, write none
    findings = [check_user(), check_interpreter()]
    settings_finding = load_settings(env_file)
    findings.append(settings_finding)
    if settings_finding.ok:
        findings += [check_database(), check_media()]
        _load_the_intake()
    # Last: by now every module a message needs is loaded, so their bytecode can be looked at.
    return [*findings, *check_bytecode()]


# ---------------------------------------------------------------------------------------------
# Who, and with which Python


def check_user() -> Finding:
    if os.geteuid() == 0:
        return Finding(
            "user",
            False,
            "this runs as root, which proves nothing: the mail server never runs the intake as "
            "root. Run it as the pipe's user: .venv/bin/python -B manage.py check_intake "
            "--user aspirasi --env-file /etc/aspirasi/aspirasi.env",
        )
    return Finding("user", True, f"{_user()} (uid {os.geteuid()})")


def check_interpreter() -> Finding:
    venv_python = PROJECT_ROOT / ".venv" / "bin" / "python"
    chain = " -> ".join(str(p) for p in _link_chain(venv_python))
    version = ".".join(str(n) for n in sys.version_info[:3])
    return Finding("interpreter", True, f"Python {version}: {chain}")


def _link_chain(path: Path) -> list[Path]:
    chain = [path]
    while path.is_symlink() and len(chain) < 40:
        path = path.parent / os.readlink(path)
        chain.append(path)
    return chain


# ---------------------------------------------------------------------------------------------
# Bytecode


def check_bytecode() -> list[Finding]:
    """aspirasi's modules, and those of the installed packages and of Python's own library that
    a message loads: each compiled, and current."""
    project = PROJECT_ROOT / "aspirasi"
    paths = sysconfig.get_paths()
    places = {
        "packages": Path(paths["purelib"]),
        "Python's library": Path(paths["stdlib"]),
    }
    loaded: dict[str, list[Path]] = {name: [] for name in places}
    for module in list(sys.modules.values()):
        source = getattr(module, "__file__", None) or ""
        if not source.endswith(".py") or Path(source).is_relative_to(project):
            continue
        for name, place in places.items():  # site-packages lies inside the library on Debian
            if Path(source).is_relative_to(place):
                loaded[name].append(Path(source))
                break
    python, library = Path(sys.executable).resolve(), places["Python's library"]
    fixes = {
        "packages": f"cd {PROJECT_ROOT} && .venv/bin/python -m compileall -q .venv/lib",
        "Python's library": f"(as root) {python} -m compileall -q {library}",
    }
    findings = [
        _bytecode_finding(
            "bytecode (aspirasi)",
            project,
            list(_python_files(project)),
            f"cd {PROJECT_ROOT} && .venv/bin/python -m compileall -q aspirasi",
        )
    ]
    for name, sources in loaded.items():
        if sources:
            findings.append(
                _bytecode_finding(f"bytecode ({name})", places[name], sources, fixes[name])
            )
    return findings


def _bytecode_finding(name: str, root: Path, sources: list[Path], fix: str) -> Finding:
    stale = [source for source in sources if not _compiled(source)]
    if not stale:
        return Finding(name, True, f"{len(sources)} modules in {root} compiled")
    writable = os.access(stale[0].parent, os.W_OK)
    consequence = (
        "the first messages compile them again" if writable else "every message compiles them again"
    )
    return Finding(
        name,
        False,
        f"{len(stale)} of {len(sources)} modules in {root} are not compiled or changed since "
        f"(e.g. {stale[0].relative_to(root)}): {consequence} (with nothing compiled, a message "
        f"costs about 2.2 s of CPU instead of 0.9 s). Run, as the owner of the files: {fix}",
    )


def _python_files(root: Path) -> Iterable[Path]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]
        for file in files:
            if file.endswith(".py"):
                yield Path(directory) / file


def _compiled(source: Path) -> bool:
    """Whether the cached bytecode of `source` exists and matches it, as the import system
    checks it (magic number; source mtime and size, or a hash-based pyc)."""
    try:
        with open(cache_from_source(str(source)), "rb") as pyc:
            header = pyc.read(16)
        status = source.stat()
    except OSError:
        return False
    if len(header) < 16 or header[:4] != MAGIC_NUMBER:
        return False
    if int.from_bytes(header[4:8], "little") & 0b1:  # hash-based: checked or trusted
        return True
    mtime = int.from_bytes(header[8:12], "little")
    size = int.from_bytes(header[12:16], "little")
    return mtime == int(status.st_mtime) & 0xFFFFFFFF and size == status.st_size & 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# Settings, database, data folder


def _load_the_intake() -> None:
    # What fails to load here, the database and settings findings have said already.
    with contextlib.suppress(Exception):
        import aspirasi.mailintake.intake  # noqa: F401


def load_settings(env_file: Path | None) -> Finding:
    from aspirasi.mailintake.cli import load_env_file

    if env_file is not None:
        try:
            load_env_file(env_file)
        except OSError as exc:
            return Finding(
                "settings",
                False,
                f"{_user()} cannot read {env_file}: {exc.strerror} ({_describe(env_file)}). "
                f"Make it readable by that user's group: chgrp aspirasi {env_file} && "
                f"chmod 640 {env_file}",
            )
        except ValueError as exc:
            return Finding("settings", False, f"{exc}")
    elif not any(key.startswith("ASPIRASI_") or key == "DATABASE_URL" for key in os.environ):
        return Finding(
            "settings",
            False,
            "no settings given: the intake would use the development defaults (SQLite in "
            f"{PROJECT_ROOT / 'var'}, DEBUG on). Give the pipe line --env-file "
            "/etc/aspirasi/aspirasi.env, and this check the same.",
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspirasi.settings")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings
    except Exception as exc:
        return Finding("settings", False, f"the settings do not load: {_short(exc)}")
    source = f"from {env_file}" if env_file else "from the environment"
    if settings.DEBUG:
        return Finding(
            "settings",
            False,
            f"{source}, but DEBUG is on: these are the development defaults, not production "
            "settings (ASPIRASI_DEBUG=0 and the rest belong in the env file).",
        )
    database = settings.DATABASES["default"]
    return Finding(
        "settings",
        True,
        f"{source}: DEBUG off, database {database['ENGINE'].rsplit('.', 1)[-1]} "
        f"{database['NAME']}, data in {settings.DATA_DIR}",
    )


def check_database() -> Finding:
    from django.db import DEFAULT_DB_ALIAS, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    from aspirasi.mailintake.models import InboundMail

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return Finding(
                "database",
                False,
                f"{len(pending)} migration(s) not applied (e.g. {pending[0][0]}): run "
                "manage.py migrate as the service user.",
            )
        # A write that changes nothing still needs the right to write: SQLite's "attempt to
        # write a readonly database", PostgreSQL's "permission denied" show up here.
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            InboundMail.objects.filter(pk=-1).update(note="")
    except Exception as exc:
        return Finding("database", False, _database_problem(connection, exc))
    finally:
        connection.close()
    return Finding("database", True, f"{connection.vendor} answers, is migrated, takes writes")


def _database_problem(connection, exc: Exception) -> str:
    text = f"the database refuses {_user()}: {_short(exc)}"
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        return (
            f"{text}. SQLite needs {_user()} to write both the file and its folder (for the "
            f"journal): {path} is {_describe(path)}, {path.parent} is {_describe(path.parent)}. "
            f"Give the data folder to the one user the web server, the worker and the intake "
            f"run as: chown -R aspirasi: {path.parent}"
        )
    return f'{text}. See {GUIDE}, "PostgreSQL".'


def check_media() -> Finding:
    from django.conf import settings

    media = Path(settings.MEDIA_ROOT)
    place = media
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        if place == media:
            handle, name = tempfile.mkstemp(dir=media, prefix=".check-intake-")
            os.close(handle)
            os.unlink(name)
        else:  # the intake creates MEDIA_ROOT on its first attachment
            os.rmdir(tempfile.mkdtemp(dir=place, prefix=".check-intake-"))
    except OSError as exc:
        return Finding(
            "data",
            False,
            f"attached files are stored in {media}, but {_user()} cannot write {place} "
            f"({exc.strerror}; {_describe(place)}). Give the data folder to the one user the "
            f"web server, the worker and the intake run as: chown -R aspirasi: "
            f"{settings.DATA_DIR}",
        )
    return Finding("data", True, f"attached files can be stored in {media}")


# ---------------------------------------------------------------------------------------------


def _user() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def _describe(path: Path) -> str:
    """Owner, group and mode, as `ls -l` shows them."""
    import grp
    import pwd

    try:
        status = path.stat()
    except OSError as exc:
        return exc.strerror or "unreadable"
    try:
        owner = pwd.getpwuid(status.st_uid).pw_name
    except KeyError:
        owner = str(status.st_uid)
    try:
        group = grp.getgrgid(status.st_gid).gr_name
    except KeyError:
        group = str(status.st_gid)
    return f"{stat.filemode(status.st_mode)} {owner}:{group}"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:400]


def _program(name: str) -> str:
    """A system program, found also when this runs with an empty environment."""
    path = os.environ.get("PATH", "") + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
    found = shutil.which(name, path=path)
    if found is None:
        raise CommandError(f"{name} is missing (util-linux and coreutils have it)")
    return found


class Command(BaseCommand):
    help = (
        "Say whether the e-mail intake can work when the mail server runs it: as --user (through "
        "runuser, so run this as root), with an empty environment and --env-file."
    )
    # It looks at another process's settings, not at this one's.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", help="the user the mail server runs the intake as (Postfix's pipe user=)"
        )
        parser.add_argument("--env-file", help="the env file the pipe line gives the intake")

    def handle(self, *args, user=None, env_file=None, **options):
        command = [_program("env"), "-i", str(WRAPPER), "--check"]
        if env_file:
            command += ["--env-file", str(Path(env_file).resolve())]
        if user and user != _user():
            if os.geteuid() != 0:
                raise CommandError(
                    f"only root can run the check as {user}; or run it as {user} yourself: "
                    f"sudo -u {user} {' '.join(command)}"
                )
            command = [_program("runuser"), "-u", user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        self.stdout.write(result.stdout, ending="")
        if result.stderr:
            self.stderr.write(result.stderr, ending="")
        if result.returncode:
            sys.exit(result.returncode)


if __name__ == "__main__":
    sys.exit(main())
