#!/usr/bin/env bash
# Aspirasi in production, in one command: set up (scripts/setup.sh), bring the database and the
# static files up to date, compile the bytecode, start the background worker and serve with
# gunicorn. The settings come from the environment (README, "Production"); from a file:
#
#   set -a; . /etc/aspirasi/aspirasi.env; set +a; bash scripts/serve.sh
#
# ASPIRASI_DEBUG is 0 unless set otherwise, and without ASPIRASI_SECRET_KEY nothing starts.
# This process becomes gunicorn (exec), so a supervisor's signals reach it directly; the worker
# runs beside it and is sent SIGTERM when gunicorn ends. Gunicorn takes ASPIRASI_WEB_WORKERS
# (default 2), ASPIRASI_BIND (default 127.0.0.1:8000) and ASPIRASI_TRUSTED_PROXIES through
# deploy/gunicorn.conf.py. docs/deploy.md runs the same commands as systemd units.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ASPIRASI_SECRET_KEY:-}" ]; then
    echo "scripts/serve.sh: ASPIRASI_SECRET_KEY is not set, and production does not start" \
        "without it. Make one with" >&2
    echo "  python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2
    echo "and keep it in the settings (README, \"Production\"; docs/deploy.md)." >&2
    exit 1
fi
export ASPIRASI_DEBUG="${ASPIRASI_DEBUG:-0}"

bash scripts/setup.sh --production
# The data folder (SQLite's file when there is no DATABASE_URL, media, collected static files).
mkdir -p "${ASPIRASI_DATA_DIR:-var}"

# >>> docs/deploy.md: the guide's commands, verbatim (tests/deploy/test_guide.py checks)
.venv/bin/python -m compileall -q aspirasi
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py check --deploy
setpriv --pdeathsig TERM -- .venv/bin/python manage.py run_worker &
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py aspirasi.wsgi
# <<< docs/deploy.md
