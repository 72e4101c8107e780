"""Load benchmark (issue 16): the production server under wrk, each page as a share of a bare
Django view served the same way in the same run.

    uv run python bench/data.py --db sqlite --cases 10000 --out /tmp/asp-10k   # the data
    uv run python bench/load.py --data /tmp/asp-10k                            # 3 x 20 s
    uv run python bench/load.py --data /tmp/asp-10k --duration 5 --repeats 1 --only home,case
    uv run python bench/load.py --data /tmp/asp-10k --json /tmp/asp-10k/load.json

--data DIR is a database prepared by bench/data.py, described by DIR/bench.json:
{"database_url": "" (SQLite in DIR) or "postgres://...", "official": {"username", "password"},
"tracking_path": "/lacak/<code>/<secret>/", "case_path": "/meja/kasus/<code>/",
"search_word": "...", "cases": N}. Nothing else of the builder is relied on.

What it does:
1. Copies the project (without .git, .venv, var and caches) into --app-dir and starts the
   README's production command there, `bash scripts/serve.sh`, with ASPIRASI_DATA_DIR=DIR (or
   DATABASE_URL from bench.json), a fresh secret key, ASPIRASI_DEBUG=0, ASPIRASI_HTTPS=0,
   ASPIRASI_BIND on a free loopback port, ASPIRASI_WEB_WORKERS (2), ASPIRASI_RATE_LIMIT_FACTOR
   raised and ASPIRASI_LOG_LEVEL=WARNING. A copy, because serve.sh's set-up re-syncs the
   virtual environment without the development packages, which would pull pytest and ruff from
   under anyone working in this tree (--in-place runs it here all the same).
2. Starts the ceiling, bench/hello_wsgi.py, with the same gunicorn settings file and worker
   count on another port, from the same virtual environment.
3. Signs the official in through the real sign-in form (CSRF token, POST) for a session cookie,
   and checks that every scenario's page answers 200 and is the page meant.
4. Runs wrk for each scenario, --warmup seconds once (discarded), then --repeats rounds of
   --duration seconds each, the scenarios in turn within a round. Every answer whose status is
   not the page's (bench/wrk/*.lua) is an error; so is every wrk socket error or timeout.
   The submission is a GET of the form and a POST with its CSRF token and one-time key, one
   connection per wrk thread (bench/wrk/submit.lua); its rate counts the POSTs answered 302 to
   the receipt, its latency is the POSTs', and the cases in the database are counted before
   and after each run (at least one per receipt, at most one per POST).
5. Prints the table (median req/s of the repeats, share of the ceiling's median, medians of
   the repeats' p50 and p95, errors) and writes every run with --json. Exits 1 on any error.

Both servers run in process groups of their own and are stopped (SIGTERM to the group, then
SIGKILL) at the end, on an error and on Ctrl-C; they and wrk are started under setpriv
--pdeathsig, so they also end if this script is killed. bench/README.md says more.

wrk is the Debian package: `bash scripts/install-system-packages.sh --bench`, or
`sudo apt-get install -y wrk`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
SIGN_IN = "/meja/masuk/"
SUBMIT = "/kirim/"
START_TIMEOUT = 900  # serve.sh sets up, migrates and collects the static files first
WRK_TIMEOUT = "60s"  # gunicorn's own timeout (deploy/gunicorn.conf.py)
RATE_LIMIT_FACTOR = "1000000"
# What the copy of the project leaves behind (tests/deploy/test_loopback.py copies the same way).
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
INSTALL_WRK = "bash scripts/install-system-packages.sh --bench   (or: sudo apt-get install -y wrk)"


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str
    server: str = "app"  # "app" or "hello"
    staff: bool = False  # needs the official's session cookie
    script: str = "page.lua"
    must_contain: str = ""  # checked once on the page before the runs


def scenarios(info: dict) -> list[Scenario]:
    code = info["case_path"].rstrip("/").rsplit("/", 1)[-1]
    tracking_code = info["tracking_path"].strip("/").split("/")[1]
    return [
        Scenario("ceiling", "bare Django view (the ceiling)", "/", server="hello"),
        Scenario("home", "public home page (reads nothing)", "/", must_contain='href="/kirim/"'),
        Scenario(
            "submit",
            "public submit (CSRF, POST)",
            SUBMIT,
            script="submit.lua",
            must_contain='name="once"',
        ),
        Scenario(
            "tracking", "public tracking page", info["tracking_path"], must_contain=tracking_code
        ),
        Scenario("inbox", "staff inbox, first page", "/meja/", staff=True, must_contain="<table"),
        Scenario(
            "search",
            "inbox search, common word",
            "/meja/?q=" + quote(info["search_word"]),
            staff=True,
            must_contain="<table",
        ),
        Scenario("case", "case page", info["case_path"], staff=True, must_contain=code),
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Drive the production server with wrk; each page as a share of a bare "
        "Django view served the same way in the same run.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--data", required=True, type=Path, help="folder made by bench/data.py")
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per scenario, discarded")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument(
        "--threads", type=int, default=2, help="wrk threads (the submission: one per connection)"
    )
    parser.add_argument("--workers", type=int, default=2, help="ASPIRASI_WEB_WORKERS")
    parser.add_argument(
        "--only", default="", help="comma-separated scenarios (the ceiling always runs)"
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="GET pages with Accept-Encoding: gzip, as browsers do (the form's page never)",
    )
    parser.add_argument("--json", type=Path, help="write every run and the table here")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "aspirasi-bench-app",
        help="where the project is copied and served from (its .venv is kept between runs)",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="serve from this tree instead of a copy (serve.sh re-syncs its .venv)",
    )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.repeats < 1 or args.warmup < 0:
        parser.error("need --duration >= 1, --repeats >= 1, --warmup >= 0")
    if args.connections < 1 or args.threads < 1 or args.workers < 1:
        parser.error("need --connections, --threads and --workers >= 1")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_bench_json(folder: Path) -> dict:
    path = folder / "bench.json"
    try:
        info = json.loads(path.read_text())
    except FileNotFoundError:
        sys.exit(f"{path} is missing: make the data with bench/data.py --out {folder}")
    need = ["database_url", "official", "tracking_path", "case_path", "search_word"]
    missing = [name for name in need if name not in info]
    if missing or not {"username", "password"} <= set(info.get("official") or {}):
        sys.exit(f"{path} lacks {', '.join(missing) or 'official.username/password'}")
    if not info["database_url"] and not (folder / "aspirasi.sqlite3").exists():
        sys.exit(f"{folder / 'aspirasi.sqlite3'} is missing and bench.json names no database_url")
    return info


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_app(args: argparse.Namespace) -> Path:
    """The project as a deployment has it: this tree's files, a virtual environment of its own."""
    if args.in_place:
        return ROOT
    app = args.app_dir.resolve()
    if app == ROOT or ROOT in app.parents:
        sys.exit(f"--app-dir {app} is inside the project; choose another folder")
    app.mkdir(parents=True, exist_ok=True)
    for entry in app.iterdir():  # the previous copy, but its virtual environment
        if entry.name == ".venv":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(ROOT, app, ignore=NOT_COPIED, symlinks=True, dirs_exist_ok=True)
    return app


def base_env() -> dict[str, str]:
    """This environment without anything of the project's own settings or of `uv run`."""
    dropped = {"DATABASE_URL", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "DJANGO_SETTINGS_MODULE"}
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ASPIRASI_") and k not in dropped and not k.startswith("PYTHON")
    }
    venv_bin = str(ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin
    )
    local_bin = str(Path.home() / ".local" / "bin")  # where scripts/setup.sh puts uv
    if local_bin not in env["PATH"].split(os.pathsep):
        env["PATH"] = local_bin + os.pathsep + env["PATH"]
    return env


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the server's whole process group (gunicorn, its workers, the background
        worker), SIGKILL to whatever is left after gunicorn's graceful timeout."""
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            self.process.wait()
            return
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=30)


def start(name: str, command: list[str], app: Path, env: dict, port: int, logs: Path) -> Server:
    log_path = logs / f"{name}.log"
    with open(log_path, "wb") as errors:
        process = subprocess.Popen(  # noqa: S603
            ["setpriv", "--pdeathsig", "TERM", "--", *command],
            cwd=app,
            env=env,
            # gunicorn's access log (a line per request) goes to standard output: dropped here,
            # as it would go to the journal; errors and warnings go to the log file.
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log_path)


def wait_until_answering(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(
                f"{server.name} exited with {server.process.returncode} before answering; "
                f"{server.log_path}:\n{server.log_tail()}"
            )
        try:
            if Browser(server.url).get(path, timeout=5).status == 200:
                return
        except (URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    sys.exit(f"{server.name} did not answer within {timeout:.0f} s:\n{server.log_tail()}")


# --- a browser, of sorts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), NoRedirects())

    def get(self, path: str, timeout: float = 60) -> Response:
        return self._open(Request(self.base + path), timeout)

    def post(self, path: str, fields: dict[str, str], timeout: float = 60) -> Response:
        body = urlencode(fields).encode()
        request = Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        return self._open(request, timeout)

    def _open(self, request: Request, timeout: float) -> Response:
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            status, headers, body = error.code, error.headers, error.read()
        return Response(status, dict(headers.items()), body.decode("utf-8", errors="replace"))

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        sys.exit("no CSRF token on the sign-in page")
    return found[1]


def sign_in(app: Server, official: dict) -> str:
    """The official signed in through the real form; returns the Cookie header to send."""
    browser = Browser(app.url)
    page = browser.get(SIGN_IN)
    if page.status != 200:
        sys.exit(f"GET {SIGN_IN} answered {page.status}")
    answer = browser.post(
        SIGN_IN,
        {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": official["username"],
            "password": official["password"],
        },
    )
    if answer.status != 302 or not any(c.name == "sessionid" for c in browser.cookies):
        sys.exit(
            f"signing {official['username']} in answered {answer.status} without a session "
            "(wrong password in bench.json?)"
        )
    return browser.cookie_header()


def check_page(server: Server, scenario: Scenario, cookie: str) -> None:
    """The page measured is the one meant: 200 (no redirect to the sign-in page), and a mark
    of its content."""
    browser = Browser(server.url)
    request = Request(server.url + scenario.path)
    if scenario.staff:
        request.add_header("Cookie", cookie)
    answer = browser._open(request, 120)
    if answer.status != 200:
        sys.exit(f"{scenario.key}: GET {scenario.path} answered {answer.status}, not 200")
    if scenario.must_contain and scenario.must_contain not in answer.text:
        sys.exit(f"{scenario.key}: GET {scenario.path} lacks {scenario.must_contain!r}")


def count_cases(app: Path, env: dict) -> int:
    """The cases in the served database, counted through the application's own models."""
    code = (
        "import django; django.setup(); "
        "from aspirasi.cases.models import Aspiration; print(Aspiration.objects.count())"
    )
    result = subprocess.run(  # noqa: S603
        [str(app / ".venv" / "bin" / "python"), "-c", code],
        cwd=app,
        env={**env, "DJANGO_SETTINGS_MODULE": "aspirasi.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"counting the cases failed:\n{result.stderr}")
    return int(result.stdout.strip().splitlines()[-1])


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class Run:
    scenario: str
    repeat: int  # 0 for the warm-up
    rate: float  # requests a second (the submission: receipts a second)
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    raw: dict = field(default_factory=dict)
    note: str = ""


def run_wrk(
    server: Server,
    scenario: Scenario,
    args: argparse.Namespace,
    seconds: int,
    cookie: str,
    tag: str,
) -> dict:
    if scenario.script == "submit.lua":
        threads = connections = args.connections  # one connection per thread: see the script
    else:
        connections = args.connections
        threads = min(args.threads, connections)
    command = ["setpriv", "--pdeathsig", "TERM", "--", "wrk"]  # ends with this script
    command += ["-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--timeout", WRK_TIMEOUT, "--latency", "-s", str(WRK_SCRIPTS / scenario.script)]
    if scenario.staff:
        command += ["-H", f"Cookie: {cookie}"]
    if args.gzip and scenario.script == "page.lua":
        command += ["-H", "Accept-Encoding: gzip"]
    command += [server.url + scenario.path, "--", "200" if scenario.script == "page.lua" else tag]
    result = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        sys.exit(
            f"wrk failed for {scenario.key} ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    raw = json.loads(lines[-1][len("BENCH ") :])
    raw.update(threads=threads, connections=connections, seconds=seconds)
    return raw


def measure(
    server: Server,
    scenario: Scenario,
    args: argparse.Namespace,
    repeat: int,
    cookie: str,
    counter: dict,
    app: Path,
    env: dict,
) -> Run:
    seconds = args.warmup if repeat == 0 else args.duration
    tag = f"{counter['run']}r{repeat}"
    raw = run_wrk(server, scenario, args, seconds, cookie, tag)
    duration = raw["duration_us"] / 1e6
    socket_errors = sum(
        raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    errors = socket_errors + raw["unexpected"]
    note = raw.get("first_unexpected", "")
    if scenario.script == "submit.lua":
        before = counter["cases"]
        counter["cases"] = count_cases(app, env)
        made = counter["cases"] - before
        raw["cases_made"] = made
        # Every receipt is a case; a POST still in flight when wrk stopped may have made one.
        if not raw["receipts"] <= made <= raw["posts"]:
            errors += 1
            note = (
                f"{made} cases made for {raw['receipts']} receipts and {raw['posts']} POSTs; "
                + note
            )
        return Run(
            scenario.key,
            repeat,
            raw["receipts"] / duration,
            raw["post_p50_us"] / 1000,
            raw["post_p95_us"] / 1000,
            raw["post_p99_us"] / 1000,
            errors,
            raw,
            note,
        )
    return Run(
        scenario.key,
        repeat,
        raw["requests"] / duration,
        raw["p50_us"] / 1000,
        raw["p95_us"] / 1000,
        raw["p99_us"] / 1000,
        errors,
        raw,
        note,
    )


# --- the report -------------------------------------------------------------------------------


def spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values) * 100 if values else 0.0


def summarise(chosen: list[Scenario], runs: list[Run]) -> dict:
    rows = {}
    for scenario in chosen:
        mine = [r for r in runs if r.scenario == scenario.key and r.repeat > 0]
        rows[scenario.key] = {
            "label": scenario.label,
            "rate": statistics.median(r.rate for r in mine),
            "rates": [round(r.rate, 1) for r in mine],
            "spread_percent": spread([r.rate for r in mine]),
            "p50_ms": statistics.median(r.p50_ms for r in mine),
            "p95_ms": statistics.median(r.p95_ms for r in mine),
            "p99_ms": statistics.median(r.p99_ms for r in mine),
            "errors": sum(r.errors for r in mine),
        }
    ceiling = rows["ceiling"]["rate"]
    for row in rows.values():
        row["share_percent"] = row["rate"] / ceiling * 100 if ceiling else 0.0
    return rows


def table(rows: dict, runs: list[Run], header: str) -> str:
    ceiling = rows["ceiling"]
    lines = [
        header,
        "",
        f"Bare Django view (the ceiling) in the same run: **{ceiling['rate']:,.0f} req/s** "
        f"(median of {len(ceiling['rates'])} repeats; spread {ceiling['spread_percent']:.0f} %; "
        f"p50 {ceiling['p50_ms']:.2f} ms, p95 {ceiling['p95_ms']:.2f} ms). "
        "Shares are of that figure.",
        "",
        "| scenario | req/s | share | p50 | p95 | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, row in rows.items():
        if key == "ceiling":
            continue
        lines.append(
            f"| {row['label']} | {row['rate']:.1f}/s | {row['share_percent']:.2f} % "
            f"| {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms | {row['errors']} |"
        )
    lines.append("")
    for key, row in rows.items():
        lines.append(
            f"{key}: req/s per repeat {', '.join(f'{r:.1f}' for r in row['rates'])} "
            f"(spread {row['spread_percent']:.0f} %), p99 {row['p99_ms']:.1f} ms"
        )
    submits = [r for r in runs if r.scenario == "submit" and r.repeat > 0]
    if submits:
        raw = [r.raw for r in submits]
        seconds = sum(r["duration_us"] for r in raw) / 1e6
        lines.append(
            "submit: the rate counts POSTs answered 302 to the receipt, p50/p95 are theirs; each "
            f"came after a GET of the form (GET p50 "
            f"{statistics.median(r['get_p50_us'] for r in raw) / 1000:.1f} ms); "
            f"{sum(r['requests'] for r in raw) / seconds:.1f} GET+POST requests/s; "
            f"{sum(r['cases_made'] for r in raw)} cases made for "
            f"{sum(r['receipts'] for r in raw)} receipts; "
            f"{sum(r.raw['cases_made'] for r in runs if r.scenario == 'submit')} cases added to "
            "the database in all (warm-up included)."
        )
    for run in runs:
        if run.errors:
            lines.append(
                f"ERRORS {run.scenario} (repeat {run.repeat}): {run.errors}; "
                f"first: {run.note or 'a socket error or timeout'}"
            )
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------


def stop_on_sigterm() -> None:
    def leave(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit(f"wrk is not installed; install it with\n  {INSTALL_WRK}")
    if shutil.which("setpriv") is None:
        sys.exit("setpriv (util-linux) is missing; scripts/serve.sh needs it too")
    data = args.data.resolve()
    info = read_bench_json(data)
    everything = scenarios(info)
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = wanted - {s.key for s in everything}
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    chosen = [s for s in everything if not wanted or s.key in wanted or s.key == "ceiling"]
    if info["search_word"].lower() in (WRK_SCRIPTS / "submit.lua").read_text().lower():
        log(f"warning: the submissions' text holds {info['search_word']!r}, the search word")
    stop_on_sigterm()

    app = prepare_app(args)
    logs = Path(tempfile.mkdtemp(prefix="aspirasi-load-logs-"))
    app_port, hello_port = free_port(), free_port()
    while hello_port == app_port:
        hello_port = free_port()
    secret_key = secrets.token_urlsafe(50)
    env = base_env()
    env.update(
        ASPIRASI_SECRET_KEY=secret_key,
        ASPIRASI_DEBUG="0",
        ASPIRASI_HTTPS="0",
        ASPIRASI_ALLOWED_HOSTS="127.0.0.1,localhost",
        ASPIRASI_SITE_URL=f"http://127.0.0.1:{app_port}",
        ASPIRASI_BIND=f"127.0.0.1:{app_port}",
        ASPIRASI_WEB_WORKERS=str(args.workers),
        ASPIRASI_RATE_LIMIT_FACTOR=RATE_LIMIT_FACTOR,
        ASPIRASI_LOG_LEVEL="WARNING",
        ASPIRASI_DATA_DIR=str(data),
        # No SMTP server here: the worker hands the receipts to Django's dummy backend.
        ASPIRASI_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    if info["database_url"]:
        env["DATABASE_URL"] = info["database_url"]
    hello_env = {**env, "ASPIRASI_BIND": f"127.0.0.1:{hello_port}"}
    database = "PostgreSQL" if info["database_url"] else "SQLite"

    servers: list[Server] = []
    try:
        log(f"serving {data} ({database}) from {app} with scripts/serve.sh; logs in {logs}")
        started = time.monotonic()
        servers.append(start("serve.sh", ["bash", "scripts/serve.sh"], app, env, app_port, logs))
        wait_until_answering(servers[0], "/", START_TIMEOUT)
        log(f"the application answers on {servers[0].url} after {time.monotonic() - started:.0f} s")
        hello_command = [".venv/bin/gunicorn", "-c", "deploy/gunicorn.conf.py", "bench.hello_wsgi"]
        servers.append(start("hello", hello_command, app, hello_env, hello_port, logs))
        wait_until_answering(servers[1], "/", 120)
        app_server, hello_server = servers
        by_name = {"app": app_server, "hello": hello_server}

        cookie = sign_in(app_server, info["official"])
        for scenario in chosen:
            check_page(by_name[scenario.server], scenario, cookie)
        log("signed in as " + info["official"]["username"] + "; every page answers 200")
        counter = {"run": secrets.token_hex(3), "cases": 0}
        if any(s.script == "submit.lua" for s in chosen):
            counter["cases"] = count_cases(app, env)

        runs: list[Run] = []
        rounds = ([0] if args.warmup else []) + list(range(1, args.repeats + 1))
        for repeat in rounds:
            for scenario in chosen:
                run = measure(
                    by_name[scenario.server], scenario, args, repeat, cookie, counter, app, env
                )
                runs.append(run)
                what = "warm-up" if repeat == 0 else f"repeat {repeat}/{args.repeats}"
                log(
                    f"{what} {scenario.key}: {run.rate:.1f}/s, p50 {run.p50_ms:.1f} ms, "
                    f"p95 {run.p95_ms:.1f} ms, {run.errors} errors"
                    + (f" ({run.note})" if run.errors else "")
                )
    finally:
        for server in reversed(servers):
            server.stop()

    rows = summarise(chosen, runs)
    cases = info.get("cases")
    size = f"{cases:,} cases" if isinstance(cases, int) else "an unknown number of cases"
    header = (
        f"Aspirasi under wrk, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{size} on {database}; gunicorn {args.workers} sync workers (scripts/serve.sh, "
        f"DEBUG off); wrk {args.connections} connections, {args.repeats} x {args.duration} s "
        "per scenario; "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )
    report = table(rows, runs, header)
    print(report)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "data": str(data),
                    "database": database,
                    "cases": info.get("cases"),
                    "settings": {
                        k: v for k, v in vars(args).items() if k not in {"data", "json", "app_dir"}
                    },
                    "rows": rows,
                    "runs": [asdict(r) for r in runs],
                },
                indent=2,
            )
        )
    shutil.rmtree(logs, ignore_errors=True)
    return 1 if any(run.errors for run in runs) else 0  # the warm-ups' errors too


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped on the way out
        sys.exit(130)
