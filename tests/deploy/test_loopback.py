"""The one-machine deployment of docs/deploy.md, brought up for real on loopback.

The project is copied into a folder every user may read and installed there as the guide says
(a virtual environment on Debian's /usr/bin/python3.11, `uv sync --frozen --no-dev
--compile-bytecode`), and handed to an unprivileged service user (`nobody` stands in for the
guide's `aspirasi`). scripts/deploy-loopback.sh then runs, as that user with an empty
environment, the guide's release commands, the worker and gunicorn, against a PostgreSQL 15
server of this module's own and an SMTP server on loopback. Then, like a customer and like the
mail server: the home page and its stylesheet (hashed name, gzip), an aspiration sent through
the form (and its receipt arriving by mail), /sehat/ answering 200 once the worker made its first
backup, and the command of the guide's Postfix line, run as its user with an empty environment,
with a customer's message (a case opens) and a bounce (set aside, no case).

PostgreSQL only: it runs in the ASPIRASI_TEST_DB=postgres pass of scripts/test.sh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import os
import pwd
import re
import resource
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg
import pytest

from tests import pgserver
from tests.notifications.mailserver import MailServer, free_port

from .guide import APP, ENV_FILE, ROOT, postfix_pipe

TEST_DB = os.environ.get("ASPIRASI_TEST_DB", "sqlite").strip().lower() or "sqlite"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        TEST_DB != "postgres",
        reason="the loopback deployment runs on PostgreSQL 15, in the ASPIRASI_TEST_DB=postgres "
        "pass of scripts/test.sh",
    ),
]

DEBIAN_PYTHON = Path("/usr/bin/python3.11")
# Generous, for two shared cores: a healthy run is up in well under a minute.
START_TIMEOUT = 300
WAIT = 120
# What the copy leaves behind: version control, environments, caches, local data, build output.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "__pycache__",
    "*.pyc",
    "*.mo",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".import_linter_cache",
    "node_modules",
    "out",
)
CUSTOMER = "budi.santoso@students.unmul.ac.id"


# ---------------------------------------------------------------------------------------------
# The service user, the installed copy, the database, the mail server


@dataclass(frozen=True)
class ServiceUser:
    name: str
    uid: int
    gid: int
    prefix: list[str]  # runs a command as this user

    def own(self, path: Path) -> None:
        if os.geteuid() == 0:
            for place, directories, files in os.walk(path):
                os.chown(place, self.uid, self.gid)
                for name in directories + files:
                    os.lchown(os.path.join(place, name), self.uid, self.gid)


@pytest.fixture(scope="module")
def service_user() -> ServiceUser:
    """`nobody` as root (the guide's `aspirasi`); else whoever runs the tests."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return ServiceUser(me.pw_name, me.pw_uid, me.pw_gid, [])
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, but setpriv (util-linux) is missing to drop to `nobody`")
    nobody = pwd.getpwnam("nobody")
    prefix = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    return ServiceUser("nobody", nobody.pw_uid, nobody.pw_gid, [*prefix, "--"])


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    # Not pytest's tmp_path: its folders are closed to other users.
    place = Path(tempfile.mkdtemp(prefix="aspirasi-loopback-", dir="/tmp"))
    place.chmod(0o755)
    yield place
    shutil.rmtree(place, ignore_errors=True)


def _uv() -> str:
    for candidate in (
        os.environ.get("UV"),
        shutil.which("uv"),
        str(Path.home() / ".local" / "bin" / "uv"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("uv is not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def installed(workspace, service_user) -> Path:
    """The project as the guide installs it: a copy every user may read, a virtual environment
    on Debian's Python, the locked packages with their bytecode, owned by the service user."""
    if not DEBIAN_PYTHON.exists():
        pytest.skip(f"{DEBIAN_PYTHON} (Debian's python3.11, which every user can reach) is missing")
    app = workspace / "app"
    shutil.copytree(ROOT, app, ignore=NOT_COPIED, symlinks=True)
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    uv = _uv()
    for command in (
        [uv, "venv", "--quiet", "--python", str(DEBIAN_PYTHON)],
        [uv, "sync", "--quiet", "--frozen", "--no-dev", "--compile-bytecode"],
    ):
        result = subprocess.run(  # noqa: S603
            command, cwd=app, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
    service_user.own(app)
    return app


@pytest.fixture(scope="module")
def database() -> Iterator[pgserver.Server]:
    """A PostgreSQL 15 server of this module's own, its socket open to the service user."""
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as exc:
        pytest.fail(str(exc))
    # The socket lives in the server's folder, which initdb's user keeps closed.
    server.socket_dir.chmod(0o711)
    yield server
    prefix, _account = pgserver._as_server_user()
    pg_ctl = str(pgserver._bin_dir() / "pg_ctl")
    subprocess.run(  # noqa: S603
        [*prefix, pg_ctl, "-D", str(server.data_dir), "-m", "fast", "-w", "stop"],
        cwd=server.root,
        capture_output=True,
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# The deployment


@dataclass
class Deployment:
    url: str
    app: Path
    data: Path
    env_file: Path
    token: str
    database: pgserver.Server
    mail: MailServer
    user: ServiceUser
    log: Path
    started_in: float

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(
            host=str(self.database.socket_dir),
            port=self.database.port,
            user=self.database.user,
            dbname=self.database.database,
        ) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def deployment(installed, database, mail_server, service_user, workspace) -> Iterator[Deployment]:
    data = workspace / "data"
    data.mkdir()
    service_user.own(data)
    port = free_port()
    token = secrets.token_urlsafe(24)
    log = workspace / "deploy.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                *service_user.prefix,
                "env",
                "-i",
                "PATH=/usr/local/bin:/usr/bin:/bin",
                "bash",
                "scripts/deploy-loopback.sh",
                _database_url(database),
                str(data),
                str(port),
                str(mail_server.port),
                f"ASPIRASI_HEALTH_TOKEN={token}",
            ],
            cwd=installed,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = Deployment(
        url=f"http://127.0.0.1:{port}",
        app=installed,
        data=data,
        env_file=data / "aspirasi.env",
        token=token,
        database=database,
        mail=mail_server,
        user=service_user,
        log=log,
        started_in=0.0,
    )
    try:
        _wait_until_serving(site, process)
        site.started_in = time.monotonic() - started
        took = f"[test] serving {site.started_in:.1f} s after deploy-loopback.sh started"
        print(took)
        with log.open("a") as out:
            out.write(f"\n{took}\n")
        yield site
    finally:
        _stop_group(process)


def _database_url(server: pgserver.Server) -> str:
    """The server's unix socket folder as the URL's host, percent-encoded as libpq writes it."""
    host = quote(str(server.socket_dir), safe="")
    return f"postgres://{server.user}@{host}:{server.port}/{server.database}"


def _wait_until_serving(site: Deployment, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"deploy-loopback.sh exited with {process.returncode}:\n{site.log_tail()}")
        try:
            if Browser(site.url).get("/", timeout=5).status == 200:
                return
        except (URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{site.log_tail()}")


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the script's whole process group (gunicorn, its workers, the background
    worker), SIGKILL to whatever is left after a grace period."""
    group = process.pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------
# A browser, of sorts


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 30):
        return self._open(Request(self.base + path, headers=self._headers(headers)), timeout)

    def post_form(self, path: str, fields: dict[str, str], referer: str) -> Response:
        """A multipart/form-data POST, as a browser sends the aspiration form."""
        boundary = f"----aspirasi{uuid.uuid4().hex}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""'
            "\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
        )
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        headers = self._headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": self.base,
                "Referer": self.base + referer,
            }
        )
        return self._open(Request(self.base + path, data=body, headers=headers), 60)

    @staticmethod
    def _headers(extra: dict[str, str] | None) -> dict[str, str]:
        return {
            "User-Agent": "Mozilla/5.0 (aspirasi loopback test)",
            "Accept-Language": "id",
            **(extra or {}),
        }

    def _open(self, request: Request, timeout: float) -> Response:
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())


@dataclass
class FormReader(HTMLParser):
    """The fields of one form as a browser would send them untouched: inputs with their values
    (checkboxes and radios when checked), each select's selected or first option, textareas."""

    form_id: str
    action: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    _inside: bool = False
    _select: str | None = None
    _textarea: str | None = None

    def __post_init__(self):
        super().__init__()

    @classmethod
    def read(cls, html: str, form_id: str) -> FormReader:
        reader = cls(form_id)
        reader.feed(html)
        return reader

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self._inside, self.action = True, a.get("action", "")
        if not self._inside or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in {"file", "submit", "button"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            text = self.fields[self._textarea] + data
            # A browser drops the one line break that follows <textarea>.
            self.fields[self._textarea] = text.removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# ---------------------------------------------------------------------------------------------
# The tests


def test_the_home_page_is_styled_with_hashed_compressed_static_files(deployment):
    browser = Browser(deployment.url)
    home = browser.get("/")

    assert home.status == 200
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.text)
    assert stylesheet, home.text[:2000]
    # collectstatic's hashed name: the file may be cached for a year.
    assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.css", stylesheet.group(1))

    css = browser.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})

    assert css.status == 200
    assert css.headers.get("Content-Encoding") == "gzip"
    assert "immutable" in css.headers.get("Cache-Control", "")
    assert b"{" in gzip.decompress(css.body)


def test_an_aspiration_sent_through_the_form_is_received_and_its_receipt_mailed(deployment):
    browser = Browser(deployment.url)
    page = browser.get("/kirim/")
    assert page.status == 200
    form = FormReader.read(page.text, "aspiration-form")
    # What the browser sends: every field of the form as it came (the CSRF token and any other
    # hidden field included), with what the customer typed and chose.
    assert form.fields.get("csrfmiddlewaretoken") and form.fields.get("category"), form.fields
    address = "rina.kartika@students.unmul.ac.id"
    typed = {
        "privacy": "biasa",
        "customer_name": "Rina Kartika",
        "customer_type": "mahasiswa",
        "customer_number": "2109076042",
        "customer_email": address,
        "subject": "Kursi ruang C-201 patah",
        "body": "Tiga kursi di ruang C-201 patah sejak awal semester dan belum diganti.",
        "desired_outcome": "Kursi diganti.",
    }

    sent = browser.post_form(form.action or "/kirim/", {**form.fields, **typed}, "/kirim/")

    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', sent.text, re.S)
    assert sent.status == 200, f"{sent.status}: {errors or sent.text[:3000]}; sent {form.fields}"
    code = re.search(r'id="tracking-code">([^<]+)<', sent.text)
    assert code, sent.text[:3000]
    receipt = _wait_for_mail(deployment, address)
    assert code.group(1) in receipt.subject


def test_sehat_answers_200_once_the_worker_has_made_its_first_backup(deployment):
    browser = Browser(deployment.url)
    bearer = {"Authorization": f"Bearer {deployment.token}"}
    deadline = time.monotonic() + WAIT
    while True:
        answer = browser.get("/sehat/", headers=bearer)
        if answer.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)

    jobs = deployment.query(
        "SELECT name, next_run_at, last_ok, last_result, last_error FROM notifications_scheduledjob"
    )
    assert answer.status == 200, f"{answer.text}\njobs: {jobs}\n{deployment.log_tail()}"
    assert json.loads(answer.body)["healthy"] is True
    assert list((deployment.data / "backups").glob("aspirasi-*.tar"))
    plain = browser.get("/sehat/")
    assert (plain.status, plain.text) == (200, "sehat\n")


def test_a_customers_message_piped_as_the_guides_postfix_line_opens_a_case(deployment):
    subject = "AC ruang kuliah D-104 mati"
    cases_before = _count_cases(deployment)

    result = _pipe(deployment, _customer_message(subject))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("aspirasi: accepted: ")
    [(outcome, reason, case)] = deployment.query(
        "SELECT outcome, reason, aspiration_id FROM mailintake_inboundmail WHERE subject = %s",
        subject,
    )
    assert (outcome, reason) == ("opened", "") and case is not None
    assert _count_cases(deployment) == cases_before + 1
    [(code,)] = deployment.query("SELECT tracking_code FROM cases_aspiration WHERE id = %s", case)
    assert code in _wait_for_mail(deployment, CUSTOMER).subject


def test_a_bounce_piped_the_same_way_is_set_aside_without_a_case_or_a_reply(deployment):
    cases_before = _count_cases(deployment)
    mails_before = len(deployment.mail.received)

    result = _pipe(deployment, _bounce())

    assert result.returncode == 0, result.stderr
    [(outcome, reason, case)] = deployment.query(
        "SELECT outcome, reason, aspiration_id FROM mailintake_inboundmail WHERE subject = %s",
        "Undelivered Mail Returned to Sender",
    )
    assert (outcome, reason, case) == ("set_aside", "bounce", None)
    assert _count_cases(deployment) == cases_before
    time.sleep(3)  # the worker polls every second: a reply would have gone out by now
    assert len(deployment.mail.received) == mails_before


def test_check_intake_passes_as_the_pipe_user_and_names_what_breaks(deployment):
    check = _check_intake(deployment)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "PROBLEM" not in check.stdout
    assert f"The intake can work for {deployment.user.name}." in check.stdout

    # A source file changed after compileall: its bytecode is stale.
    source = deployment.app / "aspirasi" / "settings.py"
    status = source.stat()
    os.utime(source, (status.st_atime, status.st_mtime + 60))
    try:
        stale = _check_intake(deployment)
    finally:
        os.utime(source, (status.st_atime, status.st_mtime))
    assert stale.returncode == 1
    assert "PROBLEM  bytecode (aspirasi): 1 of " in stale.stdout

    if os.geteuid() == 0:  # the data folder given to another user
        media = deployment.data / "media"
        place = media if media.exists() else deployment.data
        os.chown(place, 0, 0)
        try:
            closed = _check_intake(deployment)
        finally:
            deployment.user.own(place)
        assert closed.returncode == 1
        assert f"PROBLEM  data: attached files are stored in {media}" in closed.stdout


# ---------------------------------------------------------------------------------------------
# Helpers


def _pipe(deployment: Deployment, raw: bytes) -> subprocess.CompletedProcess:
    """The guide's Postfix line (deploy/postfix-master.cf), its paths moved to this deployment,
    run as the service user with an empty environment and the message on standard input."""
    pipe = postfix_pipe()
    argv = [
        arg.replace(APP, str(deployment.app)).replace(ENV_FILE, str(deployment.env_file))
        for arg in pipe.argv
    ]
    started, cpu = time.monotonic(), _children_cpu()
    result = subprocess.run(  # noqa: S603
        [*deployment.user.prefix, "env", "-i", *argv],
        input=raw,
        capture_output=True,
        timeout=WAIT,
    )
    took = (
        f"[test] the intake as {deployment.user.name}: exit {result.returncode} in "
        f"{time.monotonic() - started:.2f} s, {_children_cpu() - cpu:.2f} s of CPU"
    )
    print(took)  # shown with pytest -rP
    with deployment.log.open("a") as out:
        out.write(took + "\n")
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _check_intake(deployment: Deployment) -> subprocess.CompletedProcess:
    """manage.py check_intake as root for the service user (it runs the check through runuser),
    or, without root, the wrapper's check as the current user; an empty environment either way."""
    if os.geteuid() == 0:
        command = [
            str(deployment.app / ".venv/bin/python"),
            "-B",  # as the guide says: root writes no bytecode into the service user's files
            "manage.py",
            "check_intake",
            f"--user={deployment.user.name}",
            f"--env-file={deployment.env_file}",
        ]
    else:
        command = [
            "env",
            "-i",
            str(deployment.app / "bin/aspirasi-mail-intake"),
            "--check",
            f"--env-file={deployment.env_file}",
        ]
    return subprocess.run(  # noqa: S603
        command, cwd=deployment.app, capture_output=True, text=True, timeout=WAIT, env={}
    )


def _as_postfix_pipes_it(raw: bytes, sender: str) -> bytes:
    """flags=DRq: Return-Path and Delivered-To on top, LF line ends."""
    trace = f"Return-Path: <{sender}>\nDelivered-To: aspirasi@ft.unmul.ac.id\n".encode()
    return trace + raw.replace(b"\r\n", b"\n")


def _customer_message(subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Budi Santoso <{CUSTOMER}>"
    message["To"] = "Aspirasi FT Unmul <aspirasi@ft.unmul.ac.id>"
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="students.unmul.ac.id")
    message.set_content(
        "Selamat pagi. AC di ruang kuliah D-104 mati sejak Senin, ruangan sangat panas saat "
        "kuliah siang. Mohon diperbaiki.\n\nBudi Santoso\n"
    )
    return _as_postfix_pipes_it(message.as_bytes(), CUSTOMER)


def _bounce() -> bytes:
    """A delivery status notification as Postfix pipes one in: the null sender is written
    <MAILER-DAEMON> in Return-Path."""
    dsn = f"""\
From: Mail Delivery System <MAILER-DAEMON@mx.students.unmul.ac.id>
To: aspirasi@ft.unmul.ac.id
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(dt.datetime.now(dt.UTC))}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"
Message-ID: {make_msgid(domain="mx.students.unmul.ac.id")}

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.students.unmul.ac.id

Final-Recipient: rfc822; rina.kartika@students.unmul.ac.id
Action: failed
Status: 5.1.1

--B--
"""
    trace = "Return-Path: <MAILER-DAEMON>\nDelivered-To: aspirasi@ft.unmul.ac.id\n"
    return (trace + dsn).encode()


def _count_cases(deployment: Deployment) -> int:
    [(count,)] = deployment.query("SELECT count(*) FROM cases_aspiration")
    return count


def _wait_for_mail(deployment: Deployment, address: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = deployment.mail.to(address)
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} within {WAIT} s:\n{deployment.log_tail()}")
