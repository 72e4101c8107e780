#!/usr/bin/env bash
# Set up and start Aspirasi on its embedded default: SQLite in ./var, with demo officials.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$HOME/.local/bin:$PATH"
mkdir -p var
uv run python manage.py migrate -v 0
uv run python manage.py createcachetable  # the rate-limit counters (aspirasi/web/ratelimit.py)
uv run python manage.py seed_demo
ADDR="${ASPIRASI_ADDR:-127.0.0.1:8000}"
echo
echo "Aspirasi runs at http://$ADDR/  (staff desk: http://$ADDR/meja/)"
# The background worker (outgoing mail, the SLA watch, the daily digest) runs beside the web
# server and stops with it. Without an SMTP server, the demo's mail is written to var/mail/.
if [ -z "${ASPIRASI_SMTP_HOST:-}" ]; then
    export ASPIRASI_EMAIL_BACKEND="${ASPIRASI_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}"
    echo "Outgoing mail goes to var/mail/ (set ASPIRASI_SMTP_HOST to send it)"
fi
echo "The background worker logs to var/worker.log"
uv run python manage.py run_worker >>var/worker.log 2>&1 &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true' EXIT
uv run python manage.py runserver "$ADDR"
