"""Gunicorn's settings for Aspirasi, read from the same environment as the application's.

Every way of starting the web server uses this file (scripts/serve.sh, the systemd unit
deploy/aspirasi-web.service, scripts/deploy-loopback.sh):

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py aspirasi.wsgi

- ASPIRASI_WEB_WORKERS (default 2): worker processes; about one per core, each takes one request
  at a time and holds about 100 MB.
- ASPIRASI_BIND (default 127.0.0.1:8000): where gunicorn listens; keep it on loopback when nginx
  is in front on the same machine.
- ASPIRASI_TRUSTED_PROXIES (default: none): the proxies in front, addresses or networks,
  comma-separated: gunicorn's --forwarded-allow-ips (whose X-Forwarded-Proto it believes) and
  the application's rate limit (whose X-Forwarded-For it believes) take the same list.
"""

import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


workers = _number("ASPIRASI_WEB_WORKERS", 2)
bind = [os.environ.get("ASPIRASI_BIND", "").strip() or "127.0.0.1:8000"]
# Gunicorn wants the comma-separated text; empty: no proxy is believed.
forwarded_allow_ips = ",".join(
    address.strip()
    for address in os.environ.get("ASPIRASI_TRUSTED_PROXIES", "").split(",")
    if address.strip()
)
# Requests and errors go to standard output and error: journald keeps and rotates them.
accesslog = "-"
errorlog = "-"
# A PDF of a long case takes a few seconds; a request still running after this is cut off.
timeout = 60
# Finish the requests in hand on SIGTERM (systemctl stop/restart) before leaving.
graceful_timeout = 30
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
